// The CPU behind the lab: the page setting (translator or interpreter, remembered) and the
// fallback where the page's Content-Security-Policy forbids compiling code.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab, terminalText, waitForTerminal } from './lab-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** What the engine says guests run on (the status line's data-cpu). */
async function cpuOf(page: Page): Promise<string | null> {
  return page.locator('p.status').getAttribute('data-cpu');
}

async function waitForCpu(page: Page, kind: string): Promise<void> {
  await page.waitForFunction((k) => document.querySelector('p.status')?.getAttribute('data-cpu') === k, kind);
}

/** Runs the program in the editor to its end; returns the console text of that run. */
async function runToEnd(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForTerminal(page, 'Hello from the guest!');
  await page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent === 'halted');
  const text = await terminalText(page);
  return text.slice(text.lastIndexOf('UART console')).split('\n').slice(1).join('\n').trim();
}

const NOTICE = 'Content-Security-Policy forbids compiling code';
const WASM_ONLY_NOTICE = 'Content-Security-Policy forbids compiling JavaScript';

describe('the CPU setting', () => {
  it('switching to the interpreter changes what the engine reports, gives the same output, and is remembered', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    expect(await cpuOf(page)).toBe('jit');
    const translated = await runToEnd(page);
    expect(translated).toContain('Hello from the guest!');

    await page.getByRole('combobox', { name: 'CPU' }).selectOption('interp');
    await waitForCpu(page, 'interp');
    await expect(page.locator('p.status .message').textContent()).resolves.toContain('interpreter');
    expect(await runToEnd(page)).toBe(translated);

    await page.reload();
    await page.getByText('Ready').first().waitFor();
    await waitForCpu(page, 'interp');
    expect(await page.getByRole('combobox', { name: 'CPU' }).inputValue()).toBe('interp');
    await page.getByRole('combobox', { name: 'CPU' }).selectOption('jit');
    await waitForCpu(page, 'jit');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('under a Content-Security-Policy without unsafe-eval: says once that guests are interpreted, and runs them', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(inject('cspUrl'));
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.locator('.xterm-rows').waitFor();
    await page.waitForFunction((n) => document.querySelector('p.status .message')?.textContent?.includes(n) ?? false, NOTICE);
    expect(await cpuOf(page)).toBe('interp');
    expect(await page.locator('#cpu-select option[value=jit]').isDisabled()).toBe(true);
    expect((await page.locator('body').innerText()).split(NOTICE).length - 1).toBe(1);
    expect(await runToEnd(page)).toContain('Hello from the guest!');
    expect(await cpuOf(page)).toBe('interp');
    await context.close();
  });

  it('under a policy that allows only WebAssembly: says so once, translates, and runs the guest', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(inject('cspWasmUrl'));
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.locator('.xterm-rows').waitFor();
    await page.waitForFunction((n) => document.querySelector('p.status .message')?.textContent?.includes(n) ?? false, WASM_ONLY_NOTICE);
    expect(await cpuOf(page)).toBe('jit');
    expect((await page.locator('body').innerText()).split(WASM_ONLY_NOTICE).length - 1).toBe(1);
    expect(await runToEnd(page)).toContain('Hello from the guest!');
    expect(errors).toEqual([]);
    await context.close();
  });
});
