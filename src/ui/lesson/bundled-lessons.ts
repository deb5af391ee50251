// The lesson files shipped with the site, bundled by Vite as text (path -> content, paths
// like "lessons/01-the-machine/lesson.md"). Loaded with a dynamic import so lesson texts
// stay out of the first-load bundle. Under `npm start` this module accepts hot updates:
// editing a lesson file hands the new files to the watcher without reloading the page, so
// the learner's editor, machine and progress survive.

const modules = import.meta.glob<string>('/lessons/**/*', { query: '?raw', import: 'default', eager: true });

export const lessonFiles: Record<string, string> = Object.fromEntries(
  Object.entries(modules).map(([path, text]) => [path.replace(/^\//, ''), text]),
);

type Watcher = (files: Record<string, string>) => void;
let watcher: Watcher | null = null;

export function watchLessonFiles(fn: Watcher): void {
  watcher = fn;
}

if (import.meta.hot) {
  import.meta.hot.accept((next) => {
    if (!next || !watcher) return;
    const mod = next as unknown as { lessonFiles: Record<string, string>; watchLessonFiles(fn: Watcher): void };
    mod.watchLessonFiles(watcher);
    watcher(mod.lessonFiles);
  });
}
