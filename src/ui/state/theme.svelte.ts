// Dark or light, following the OS (prefers-color-scheme). CSS follows it through a media
// query; Monaco and xterm need to be told, so they read this.
class Theme {
  dark = $state(false);

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.dark = query.matches;
    query.addEventListener('change', (e) => { this.dark = e.matches; });
  }
}

export const theme = new Theme();
