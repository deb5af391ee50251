import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorker } from './build/service-worker-plugin.ts';
import { fileURLToPath } from 'node:url';
import { lessonFilesGuard } from './scripts/lesson-files-guard.ts';

// Cross-origin isolation lets the worker share memory with the page (SharedArrayBuffer).
// The lab also works without it: static hosts that cannot send headers get message passing.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

export default defineConfig({
  // A relative base lets the built site be served from any sub-path.
  base: './',
  plugins: [svelte(), serviceWorker(), lessonFilesGuard(fileURLToPath(new URL('./lessons', import.meta.url)))],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // No test may depend on the host's speed: each bounds its work (instruction
          // budgets, fast-check numRuns), and the timeout is only there to end a hang. On a
          // shared machine with CPU-bound neighbours a few seconds of work can take ten
          // times as long, so the default 5 s would fail tests that are right.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Real-browser journeys on a shared 2-core machine: one retry absorbs a scheduling
          // hiccup; a real failure fails twice and is reported.
          retry: 1,
        },
      },
    ],
  },
});
