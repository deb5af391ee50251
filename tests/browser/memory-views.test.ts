// Issue 11's learner views in real Chromium, at a laptop (1440x900) and a phone (390x844):
// the exits view lists memory exits apart from the rest, and the page-table view shows the
// guest's Sv32 table beside the shadow the hypervisor built, with the entries that differ.
// Lesson 17 (shadow page tables) links to it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { waitForText } from './terminal-page.ts';
import { allViolations } from './axe.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const SIZES = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function open(size: { width: number; height: number }, hash: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(inject('subPathUrl') + hash);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Ready'));
  return page;
}

async function closeSheet(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Close the guide' });
  if (await close.isVisible()) await close.click();
}

/** Opens a lesson's first step and runs its kernel.s to the end ("all done", halted). */
async function runLessonKernel(size: { width: number; height: number }, lesson: string): Promise<Page> {
  const page = await open(size, `#/lesson/${lesson}/step/1`);
  await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
  await closeSheet(page);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(page, 'all done', 60_000);
  await page.waitForFunction(() => document.querySelector('[data-testid=engine-status]')?.textContent === 'halted');
  return page;
}

for (const size of SIZES) {
  describe(`memory views at ${size.width}x${size.height}`, () => {
    it('separates memory exits from the rest, and shows the guest\'s page table beside its shadow', async () => {
      // The unported kernel, run to its end: shadow paging does all the work.
      const page = await runLessonKernel(size, '17-shadow-page-tables');

      await page.getByRole('tab', { name: 'Exits' }).click();
      const memory = page.getByRole('rowgroup', { name: 'Memory exits' });
      const other = page.getByRole('rowgroup', { name: 'Other exits' });
      await memory.waitFor();
      const causes = async (group: typeof memory) => (await group.getByRole('rowheader').allTextContents()).map((c) => c.split(' ')[0]);
      const memoryCauses = await causes(memory);
      expect(memoryCauses).toEqual(expect.arrayContaining(['shadow-fill', 'pt-write', 'satp-write']));
      const otherCauses = await causes(other);
      expect(otherCauses).toContain('mmio-write:uart');
      for (const c of ['shadow-fill', 'shadow-dirty', 'pt-write', 'satp-write', 'sfence', 'page-fault-reflect']) expect(otherCauses).not.toContain(c);
      // Their count and their share of the hypervisor's cycles, said in words.
      await expect(page.getByTestId('memory-exits').textContent()).resolves.toMatch(/Memory exits: \d+ of \d+, \d+\.\d% of VMM cycles/);
      expect(await allViolations(page)).toEqual([]);
      // The Guests tab gives the lab guest the memory it touched, not its RAM size.
      await page.getByRole('tab', { name: 'Guests' }).click();
      const memoryCell = await page.getByRole('row', { name: /^lab guest / }).locator('td').nth(3).textContent();
      expect(memoryCell).toMatch(/^\d+(\.\d+)? KiB$/);

      // The lesson's link opens the page-table view.
      const guide = page.getByRole('button', { name: 'Show guide' });
      if (await guide.isVisible()) await guide.click();
      await page.getByRole('link', { name: 'open the page tables' }).click();
      await expect(page.getByRole('tab', { name: 'Page tables' }).getAttribute('aria-selected')).resolves.toBe('true');
      await closeSheet(page);
      const entries = page.getByRole('table', { name: /Guest page table and shadow, page by page/ });
      await entries.waitFor();
      const rows = entries.locator('tbody tr');
      expect(await rows.count()).toBeGreaterThan(10);
      // Shadow entries carry U (the guest's S-mode runs in U-mode) and point at the guest's frames.
      const same = entries.locator('tbody tr', { has: page.locator('td.why', { hasText: /^same$/ }) }).first();
      const [, , guestEntry, shadowEntry] = await same.locator('td').allTextContents();
      expect(shadowEntry!.split(' ')[0]).toBe(guestEntry!.split(' ')[0]);
      expect(shadowEntry!.split(' ')[1]).toMatch(/^..-U/);
      // Which entries differ: a mapped page never touched is not shadowed yet.
      await expect(page.getByRole('list', { name: 'Differences' }).textContent()).resolves.toMatch(/\d+ the same.*\d+ not shadowed yet/);
      await page.getByLabel('Only pages that differ').check();
      const differing = await rows.locator('td.why').allTextContents();
      expect(differing.length).toBeGreaterThan(0);
      expect(differing.every((w) => w !== 'same')).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
      expect(await allViolations(page)).toEqual([]);
      await page.context().close();
    });

    it('runs lesson 18 hardware-assisted: the guest\'s own table under the G-stage, no memory exit, hw in Compare', async () => {
      const page = await runLessonKernel(size, '18-three-ways-memory');
      await page.getByRole('tab', { name: 'Exits' }).click();
      // Exits there are (the console's MMIO), but not one of them is a memory exit.
      await page.getByRole('rowgroup', { name: 'Other exits' }).getByRole('rowheader', { name: /^mmio-write:uart/ }).waitFor();
      expect(await page.getByTestId('memory-exits').count()).toBe(0);
      await page.getByRole('tab', { name: 'Page tables' }).click();
      await page.getByText(/Hardware-assisted: the hardware walks the guest's own table/).waitFor();
      expect(await page.getByRole('table', { name: /^Guest page table/ }).locator('tbody tr').count()).toBeGreaterThan(3);
      await page.getByRole('tab', { name: 'Compare' }).click();
      await page.getByRole('button', { name: /^Compare .*kernel\.s · hw/ }).click();
      const memory = page.getByRole('table', { name: 'Memory per guest' });
      await memory.waitFor({ timeout: 60_000 });
      const tables = async (name: string) => (await memory.getByRole('row', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).locator('td').allTextContents())[1]!;
      // One G-stage table (its 16 KiB root) against the shadows of two address spaces.
      expect(await tables('kernel.s · hw')).toBe('16 KiB');
      expect(Number((await tables('kernel.s · full')).split(' ')[0])).toBeGreaterThan(16);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
      expect(await allViolations(page)).toEqual([]);
      await page.context().close();
    });
  });
}
