// Offline (issue 14): after one visit the built site works with no network at all, served
// from a sub-path. The service worker caches the app, its workers and the lessons under a
// versioned name; a new build's worker replaces that cache on the next visit.
// Every wait polls a condition (the worker active and controlling the page, the cache
// filled); none waits for a length of time.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { SUB_PATH, staticServer } from './global-setup.ts';
import { waitForText } from './terminal-page.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const CACHE_NAME = /^trapdoor-[0-9a-f]{16}$/;
const builtWorker = readFileSync('dist/sw.js', 'utf8');
const builtVersion = /const CACHE = '(trapdoor-[0-9a-f]{16})'/.exec(builtWorker)![1]!;

/** Resolves once a service worker controls the page and `version`'s cache holds every listed file. */
async function waitForOffline(page: Page, version: string): Promise<void> {
  // Bounded polls (a hung install fails the test instead of hanging it).
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 240_000, polling: 250 });
  await page.waitForFunction(async (v) => {
    const keys = await caches.keys();
    return keys.length === 1 && keys[0] === v;
  }, version, { timeout: 240_000, polling: 250 });
}

function close(server: Server): Promise<void> {
  return new Promise((done) => { server.closeAllConnections(); server.close(() => done()); });
}

it('works with no network after the first visit, and takes a new version on the next visit', async () => {
  // A server of its own, so "offline" is that server gone: nothing answers any more.
  const first = await staticServer(0);
  const { port } = first.address() as { port: number };
  const origin = `http://127.0.0.1:${port}${SUB_PATH}`;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(origin);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await waitForOffline(page, builtVersion);
  const cached = await page.evaluate(async (v) => (await (await caches.open(v)).keys()).map((r) => new URL(r.url).pathname), builtVersion);
  // Every file of the build: the page itself, the engine's and the lessons' workers among them.
  const listed = JSON.parse(/const URLS = (\[.*\]);/.exec(builtWorker)![1]!) as string[];
  expect(cached.length).toBe(listed.length);
  expect(cached).toEqual(expect.arrayContaining([SUB_PATH, expect.stringMatching(/\/assets\/lessons\.worker-[\w-]+\.js$/), expect.stringMatching(/\/assets\/engine\.worker-[\w-]+\.js$/)]));
  await close(first);

  // Offline: the page, the editor, the engine, the terminal and a lesson all come from the cache.
  expect(await page.evaluate(async (u) => fetch(`${u}no-such-file`).then(() => 'answered', () => 'network error'), origin)).toBe('network error');
  await page.reload();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.xterm-rows').waitFor();
  await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Ready'), null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(page, 'Hello from the guest!', 60_000);
  await page.evaluate(() => { location.hash = '#/lesson/01-the-machine/step/1'; });
  await page.locator('#lesson-title').waitFor();
  await page.evaluate(() => { location.hash = '#/lesson/15-availability/step/1'; });
  await page.locator('#lesson-title', { hasText: /^15\. / }).waitFor();

  // Back online with a new build (its worker names another cache): the next visit installs
  // it and the old version's cache is deleted.
  const nextVersion = 'trapdoor-0123456789abcdef';
  expect(nextVersion).toMatch(CACHE_NAME);
  const next = await staticServer(port, (path) => (path === `${SUB_PATH}sw.js` ? builtWorker.replace(builtVersion, nextVersion) : undefined));
  await page.reload();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.waitForFunction(async (v) => (await caches.keys()).join() === v, nextVersion, { timeout: 240_000, polling: 250 });
  expect(errors).toEqual([]);
  await context.close();
  await close(next);
}, 600_000); // the first visit downloads the whole site into the cache, twice
