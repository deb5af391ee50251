// Accessibility (issue 5, DESIGN.md's contract; issue 14: no violation at all): axe-core
// reports no violation of any impact on every screen — the lesson view, the sandbox, the
// terminal, each machine tab, Compare, Guests, the Data centre and the end of the course —
// at a laptop and a phone size, in both themes; and every control is reachable with Tab.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab } from './lab-page.ts';
import { allViolations } from './axe.ts';
import { focusTerminal, runCommand, waitForText } from './terminal-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const SIZES = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function closeSheet(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Close the guide' });
  if (await close.isVisible()) await close.click();
}

async function openSheet(page: Page): Promise<void> {
  const show = page.getByRole('button', { name: 'Show guide' });
  if (await show.isVisible() && (await show.getAttribute('aria-expanded')) !== 'true' && !(await page.getByRole('dialog', { name: 'Guide' }).isVisible())) await show.click();
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

async function screens(page: Page): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  const look = async (name: string) => { found[name] = await allViolations(page); };
  // A lesson: the guide (a sheet on a phone), then its machine run under the hypervisor.
  await go(page, '#/lesson/17-shadow-page-tables/step/1');
  await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
  await openSheet(page);
  await page.locator('#lesson-title', { hasText: /^17\. / }).waitFor();
  await look('lesson');
  await closeSheet(page);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(page, 'all done', 60_000);
  await page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent === 'halted');
  for (const tab of ['Registers', 'CSRs', 'Memory', 'Disassembly', 'Page tables']) {
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await page.locator('.machine .panel').waitFor();
    if (tab === 'Page tables') await page.getByRole('table', { name: /Guest page table/ }).waitFor();
    await look(tab.toLowerCase());
  }
  await page.getByRole('tab', { name: 'Exits' }).click();
  await page.locator('.log button').first().click();
  await look('exits');
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('button', { name: /^Compare original\.s/ }).click();
  await page.getByRole('table', { name: 'Memory per guest' }).waitFor({ timeout: 60_000 });
  await look('compare');
  // The sandbox, its terminal with a container, and the Guests tab.
  await go(page, '#/sandbox');
  await page.getByRole('group', { name: 'Sandbox files' }).waitFor();
  await closeSheet(page);
  await look('sandbox');
  await waitForText(page, 'root@trapdoor:/#');
  await focusTerminal(page);
  await runCommand(page, 'container run -d --name web alpine sleep 1000');
  await look('terminal');
  await page.getByRole('tab', { name: 'Guests' }).click();
  await page.getByRole('row', { name: /^web / }).waitFor();
  await look('guests');
  await page.getByRole('tab', { name: 'Data centre' }).click();
  await page.getByRole('region', { name: 'Live migration' }).waitFor();
  await page.getByRole('button', { name: 'Consolidate', exact: true }).click();
  await page.getByText(/Consolidation: \d+ servers/).waitFor();
  await look('data centre');
  await page.getByRole('tab', { name: 'Lab', exact: true }).click();
  await go(page, '#/complete');
  await openSheet(page);
  await page.getByTestId('course-complete').waitFor();
  await look('end of course');
  return found;
}

describe('accessibility', () => {
  for (const size of SIZES) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no axe violations of any impact on any screen (${size.width}x${size.height}, ${colorScheme})`, async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme, serviceWorkers: 'block' });
        const page = await context.newPage();
        await page.goto(inject('baseUrl'));
        await page.locator('.monaco-editor .view-lines').waitFor();
        await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Ready'));
        const found = await screens(page);
        const failures = Object.entries(found).filter(([, v]) => v.length > 0);
        console.log(`axe (${size.name}, ${colorScheme}): ${Object.keys(found).length} screens (${Object.keys(found).join(', ')}), ${failures.length} with violations`);
        expect(Object.fromEntries(failures)).toEqual({});
        await context.close();
      }, 240_000);
    }
  }

  it('reaches every control of the lab screen with the keyboard alone', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    // Every enabled control a pointer could use…
    const controls = await page.evaluate(() => {
      const all = [...document.querySelectorAll<HTMLElement>('button, select, input, textarea, a[href], [role=separator], [role=tab], [tabindex]')];
      // (Inside a closed <details> only its summary is there to reach.)
      const shown = (el: HTMLElement) => el.offsetParent !== null && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY');
      return all.filter((el) => !(el as HTMLButtonElement).disabled && shown(el) && (el.tabIndex >= 0 || el.getAttribute('role') === 'tab'))
        .map((el, i) => { el.dataset['kb'] = String(i); return i; });
    });
    // …is focused by Tab or, in a composite widget (tab strips), by the arrow keys from
    // the one of its group that Tab reaches.
    const reached = new Set<string>();
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return { kb: el?.dataset['kb'] ?? null, role: el?.getAttribute('role') ?? null, inEditor: !!el?.closest('.monaco-editor'), inTerm: !!el?.closest('.xterm') };
      });
      if (info.kb) reached.add(info.kb);
      if (info.role === 'tab') {
        // Round the whole strip, back to the tab we started from (and its panel).
        const tabs = await page.evaluate(() => document.activeElement?.closest('[role=tablist]')?.querySelectorAll('[role=tab]').length ?? 0);
        for (let j = 0; j < tabs; j++) {
          await page.keyboard.press('ArrowRight');
          const kb = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['kb'] ?? null);
          if (kb) reached.add(kb);
        }
      }
      // Monaco keeps Tab for indentation (Ctrl+M makes Tab move focus, as its docs say)
      // and the shell keeps it for completion (Escape then Tab leaves the terminal).
      if (info.inEditor) await page.keyboard.press('Control+m');
      if (info.inTerm) await page.keyboard.press('Escape');
    }
    const missed = await page.evaluate((reached) => [...document.querySelectorAll<HTMLElement>('[data-kb]')]
      .filter((el) => !reached.includes(el.dataset['kb']!) && !el.closest('.monaco-editor') && !el.closest('.xterm'))
      .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''}${el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : ''} "${(el.getAttribute('aria-label') ?? el.closest('label')?.textContent ?? el.textContent ?? '').trim().slice(0, 40)}" in ${el.closest('[aria-label]')?.getAttribute('aria-label') ?? 'page'}`), [...reached]);
    console.log(`keyboard: ${controls.length} controls, ${reached.size} reached by Tab/arrows`);
    expect(missed).toEqual([]);
    await page.context().close();
  });
});
