// Lessons in real Chromium (issue 6): the list with progress, lesson 01 completed end to
// end, deep links, reset to starter, hostile Markdown rendered inert and a broken lesson
// shown as an error card, both loaded through the list's "preview a lesson folder" picker.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab, setSource } from './lab-page.ts';

const root = resolve(import.meta.dirname, '../..');
const lessonDir = resolve(root, 'lessons/01-the-machine');
const fixtures = resolve(root, 'tests/fixtures/ui-lessons');

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function editorText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.monaco-editor .view-line')]
    .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
}

async function previewFixtures(page: Page): Promise<void> {
  await page.getByText('For authors: preview a lesson folder').click();
  await page.getByTestId('preview-folder').setInputFiles(fixtures);
  await page.getByText('folder(s) previewed').waitFor();
}

describe('lessons in the page', () => {
  it('lists the lessons and completes lesson 01 end to end', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    const list = page.getByRole('region', { name: 'Lessons' });
    await list.getByRole('link', { name: /The machine and its console/ }).waitFor();
    expect(await list.getByTestId('lesson-progress').first().textContent()).toContain('0 / 2 steps');

    await list.getByRole('link', { name: /The machine and its console/ }).click();
    await page.getByRole('heading', { name: /Step 1 of 2: Print on the console/ }).waitFor();
    expect(page.url()).toContain('#/lesson/01-the-machine/step/1');
    // The starter is in the editor, as the lesson's own file, and the mode follows the lesson.
    await page.getByRole('tab', { name: /the-machine\/main\.s/ }).or(page.getByText('the-machine/main.s')).first().waitFor();
    const starter = readFileSync(resolve(lessonDir, 'starter.s'), 'utf8');
    await page.waitForFunction((first) => document.querySelector('.monaco-editor .view-line')?.textContent?.replace(/\u00a0/g, ' ') === first, starter.split('\n')[0]);
    expect(await page.getByLabel('Mode', { exact: true }).inputValue()).toBe('bare');

    // The starter fails, with the lesson's message.
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('step-verdict').filter({ hasText: 'Not yet' }).waitFor();
    expect(await page.getByTestId('check-results').textContent()).toContain('does not show "Hello, machine!" yet');

    // Hints come one at a time.
    await page.getByRole('button', { name: /Show a hint \(1 of 2\)/ }).click();
    await page.getByRole('note', { name: 'Hint 1' }).waitFor();
    expect(await page.getByRole('note', { name: 'Hint 2' }).count()).toBe(0);

    // The solution passes every step; the checklist, the figure and the list say so.
    await setSource(page, readFileSync(resolve(lessonDir, 'solution.s'), 'utf8'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('lesson-complete').waitFor();
    expect(await page.getByTestId('step-verdict').textContent()).toContain('Step passed');
    expect(await page.getByTestId('lesson-complete').textContent()).toMatch(/Instructions to print the greeting and power off: [0-9]/);
    const checklist = await page.getByTestId('step-checklist').innerText();
    expect(checklist.match(/✓/g)).toHaveLength(2);
    await page.getByRole('link', { name: '← All lessons' }).click();
    await expect(list.getByTestId('lesson-progress').first().textContent()).resolves.toContain('2 / 2 steps');

    // Progress survives a reload.
    await page.reload();
    await list.getByTestId('lesson-progress').first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=lesson-progress]')?.textContent?.includes('2 / 2'));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens a deep link at its step, in the lesson mode, and resets to starter keeping a backup', async () => {
    const { page, errors } = await openLab(browser, `${inject('baseUrl')}#/lesson/03-trap-and-emulate/step/2`);
    await page.getByRole('heading', { name: /^Step 2 of \d+:/ }).waitFor();
    await page.waitForFunction(() => (document.getElementById('mode-select') as HTMLSelectElement | null)?.value === 'full');
    await page.waitForFunction(() => document.querySelector('.monaco-editor .view-line') !== null);

    await setSource(page, '# my own attempt\n');
    await page.getByRole('button', { name: 'Reset to starter…' }).click();
    await page.getByRole('button', { name: 'Yes, reset to starter' }).click();
    const starter = readFileSync(resolve(root, 'lessons/03-trap-and-emulate/starter.s'), 'utf8');
    await page.waitForFunction((first) => document.querySelector('.monaco-editor .view-line')?.textContent?.replace(/\u00a0/g, ' ') === first, starter.split('\n')[0]);
    await page.getByRole('button', { name: 'Restore my previous version' }).click();
    await page.waitForFunction(() => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('my own attempt'));
    expect(await editorText(page)).toContain('# my own attempt');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('renders hostile Markdown inert and a broken lesson as an error card, the others still working', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await previewFixtures(page);

    const card = page.getByRole('article', { name: 'Broken lesson 98-broken-field' });
    await card.waitFor();
    const cardText = await card.textContent();
    expect(cardText).toContain('98-broken-field/lesson.md:');
    expect(cardText).toMatch(/level/);
    expect(cardText).toContain('A lesson with a typo');
    // The shipped lessons are all still there and open.
    await page.getByRole('link', { name: /The machine and its console/ }).waitFor();

    await page.getByRole('link', { name: /Hostile/ }).click();
    // Until marked and DOMPurify have loaded the text shows raw; wait for the rendering.
    const pane = page.locator('#lesson');
    await pane.locator('strong', { hasText: 'bold text' }).waitFor();
    expect(await pane.locator('strong', { hasText: 'bold text' }).count()).toBe(1);
    // Open everything that could hide a payload, and click the links.
    await pane.getByText('Reveal the hostile solution').click();
    await page.getByRole('button', { name: /Show a hint/ }).click();
    await page.getByRole('button', { name: /Show another hint/ }).click();
    await pane.locator('#step-js-link, a:has-text("markdown javascript link")').evaluateAll((links) => links.forEach((a) => (a as HTMLAnchorElement).click()));
    await page.waitForTimeout(500);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    const audit = await pane.evaluate((el) => {
      const all = [...el.querySelectorAll('*')];
      return {
        scripts: el.querySelectorAll('script').length,
        frames: el.querySelectorAll('iframe, object, embed, form, input:not([type=file])').length,
        handlers: all.flatMap((n) => [...n.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${n.tagName} ${a.name}`)),
        jsLinks: all.filter((n) => /^\s*javascript:/i.test(n.getAttribute('href') ?? '')).length,
        styled: el.querySelectorAll('.md [style]').length,
        overlay: document.getElementById('overlay')?.getAttribute('style') ?? null,
        external: el.querySelector('a[href="https://example.org/"]')?.getAttribute('rel') ?? null,
        // Remote images are not fetched (a tracking pixel); local ones still show.
        remote: el.querySelectorAll('img[src*="tracker"], img[srcset*="tracker"]').length,
        blocked: el.querySelectorAll('img[data-blocked-src]').length,
        local: el.querySelectorAll('img[src^="data:image/"]').length,
      };
    });
    expect(audit).toEqual({ scripts: 0, frames: 0, handlers: [], jsLinks: 0, styled: 0, overlay: null, external: 'noopener noreferrer', remote: 0, blocked: 2, local: 1 });
    // Text with tags (titles, summaries) is shown as text, never as markup.
    expect(await pane.getByRole('heading', { level: 2 }).textContent()).toContain('<b onmouseover=');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('recovers from corrupt saved progress with a notice and keeps the unreadable copy', async () => {
    const { page } = await openLab(browser, inject('baseUrl'), async (p) => {
      await p.addInitScript(() => {
        if (!sessionStorage.getItem('seeded')) {
          localStorage.setItem('trapdoor.lessons.v1', '{"version":1,"lessons":{"x":{"passed":"all"}}}');
          sessionStorage.setItem('seeded', '1');
        }
      });
    });
    await page.getByText(/Your lesson progress could not be read/).waitFor();
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('trapdoor.lessons.unreadable.')).map((k) => localStorage.getItem(k)));
    expect(kept).toEqual(['{"version":1,"lessons":{"x":{"passed":"all"}}}']);
    await page.getByRole('link', { name: /The machine and its console/ }).waitFor();
    await page.context().close();
  });
});
