// Accessibility (issue 5, DESIGN.md's contract): axe-core reports no serious or critical
// violation on the main screens, in both themes, and every control is reachable with Tab.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab } from './lab-page.ts';
import { allViolations as seriousViolations } from './axe.ts';
import { focusTerminal, runCommand, waitForText } from './terminal-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function screens(page: Page): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  found['sandbox'] = await seriousViolations(page);
  await waitForText(page, 'root@trapdoor:/#');
  await focusTerminal(page);
  await runCommand(page, 'container run -d --name web alpine sleep 1000');
  found['terminal'] = await seriousViolations(page);
  await page.getByLabel('Mode', { exact: true }).selectOption('full');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent === 'halted');
  await page.getByRole('tab', { name: 'Exits' }).click();
  await page.locator('.log button').first().click();
  found['exits'] = await seriousViolations(page);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('button', { name: 'Compare bare / full / pv' }).click();
  await page.getByRole('table', { name: /Same program/ }).waitFor();
  found['compare'] = await seriousViolations(page);
  await page.getByRole('tab', { name: 'Guests' }).click();
  await page.getByRole('row', { name: /^web / }).waitFor();
  found['guests'] = await seriousViolations(page);
  for (const tab of ['Registers', 'CSRs', 'Memory', 'Disassembly']) {
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await page.waitForTimeout(100);
    found[tab.toLowerCase()] = await seriousViolations(page);
  }
  await page.getByRole('tab', { name: 'Data centre' }).click();
  await page.getByRole('region', { name: 'Live migration' }).waitFor();
  await page.getByRole('button', { name: 'Consolidate', exact: true }).click();
  await page.getByText(/Consolidation: \d+ servers/).waitFor();
  found['data centre'] = await seriousViolations(page);
  return found;
}

describe('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violations on the main screens (${colorScheme})`, async () => {
      const { page } = await openLab(browser, inject('baseUrl'));
      await page.emulateMedia({ colorScheme });
      const found = await screens(page);
      const failures = Object.entries(found).filter(([, v]) => v.length > 0);
      console.log(`axe (${colorScheme}): ${Object.keys(found).length} screens, ${failures.length} with serious/critical violations`);
      expect(Object.fromEntries(failures)).toEqual({});
      await page.context().close();
    });
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
