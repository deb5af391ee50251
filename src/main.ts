// The page's entry: mounts the lab. Everything heavy (Monaco, xterm, the engine worker)
// is loaded from here lazily, so the first-load bundle stays small.
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });

// Offline after the first visit: the built site's service worker (build/service-worker-plugin.ts)
// caches the app and the lessons. Relative, so it works under any sub-path.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  addEventListener('load', () => { void navigator.serviceWorker.register('./sw.js').catch(() => {}); });
}
