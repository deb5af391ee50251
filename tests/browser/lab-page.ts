// Page helpers for the browser tests: open the lab, replace the editor's text, read the
// terminal and the markers the way a learner sees them (from the DOM, not from internals).
import type { Browser, Page } from 'playwright-core';

export interface OpenLab {
  page: Page;
  /** Console errors and uncaught page errors since the page opened. */
  errors: string[];
}

export async function openLab(browser: Browser, url: string, init?: (page: Page) => Promise<void>): Promise<OpenLab> {
  // Service workers are tested on their own (offline); here they would only download the site again.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (init) await init(page);
  await page.goto(url);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.xterm-rows').waitFor();
  await page.getByText('Ready').first().waitFor();
  return { page, errors };
}

export async function setSource(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('region', { name: 'Editor' });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

export async function terminalText(page: Page): Promise<string> {
  return page.getByRole('region', { name: 'Terminal' }).locator('.xterm-rows').innerText();
}

export async function waitForTerminal(page: Page, needle: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelector('.xterm-rows')?.textContent?.includes(n) ?? false,
    needle,
    { timeout },
  );
}

export async function status(page: Page): Promise<string> {
  return (await page.getByTestId('engine-status').textContent()) ?? '';
}

/**
 * The text of every editor line that carries an error squiggle. Monaco draws squiggles
 * in an overlay layer positioned like the text lines, so lines are matched by their top.
 */
export async function linesWithErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.monaco-editor');
    if (!editor) return [];
    const tops = new Set<string>();
    for (const s of editor.querySelectorAll('.view-overlays .squiggly-error')) {
      const row = s.parentElement;
      if (row) tops.add(row.style.top);
    }
    const out: string[] = [];
    for (const line of editor.querySelectorAll<HTMLElement>('.view-lines .view-line')) {
      if (tops.has(line.style.top)) out.push((line.textContent ?? '').replace(/\u00a0/g, ' '));
    }
    return out;
  });
}
