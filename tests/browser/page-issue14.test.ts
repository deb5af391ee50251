// Issue 14 in real Chromium, at a laptop (1440x900) and a phone (390x844): script lessons
// run in the terminal and are checked on its host, one data centre, resize handles,
// scoped file tabs, the share link, export/import with progress, the terminal's notes,
// Compare on the paravirtual lesson, the keyboard way out of the editor, the end of the
// course and the exit-log link. Each test failed before its fix.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { linesWithErrors, setSource } from './lab-page.ts';
import { focusTerminal, runCommand, waitForText } from './terminal-page.ts';
import { allViolations } from './axe.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const SIZES = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
type Size = (typeof SIZES)[number];
const LESSON7_FILES = (await import('node:fs')).readFileSync('lessons/07-scheduling-guests/lesson.md', 'utf8')
  .split('\nsteps:')[0]!.match(/^ {2}- name: (\S+)/gm)!.map((l) => l.replace(/^ {2}- name: /, ''));
const LESSON7_FIRST = LESSON7_FILES[0]!;

async function open(size: { width: number; height: number }, hash = '', url = inject('subPathUrl')): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + hash);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.xterm-rows').waitFor();
  await waitForText(page, 'root@trapdoor:/#');
  await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Ready'));
  return { page, errors };
}

/** On a phone the guide is a sheet over the lab: close it to reach the editor. */
async function closeSheet(page: Page, size: Size): Promise<void> {
  if (size.name === 'phone' && await page.getByRole('button', { name: 'Close the guide' }).isVisible()) {
    await page.getByRole('button', { name: 'Close the guide' }).click();
  }
}

async function openSheet(page: Page, size: Size): Promise<void> {
  if (size.name === 'phone' && !(await page.getByRole('dialog', { name: 'Guide' }).isVisible())) {
    await page.getByRole('button', { name: 'Show guide' }).click();
  }
}

for (const size of SIZES) {
  describe(`issue 14 at ${size.width}x${size.height}`, () => {
    it('1. runs a script lesson in the terminal and checks what the terminal\'s host did', async () => {
      const { page, errors } = await open(size, '#/lesson/15-availability/step/1');
      await page.getByRole('button', { name: 'script.sh', exact: true }).waitFor();
      await closeSheet(page, size);
      // A shell script: no assembler, so no error markers and no "error(s)" status.
      await setSource(page, '# Lesson 15\ndc migrate web-1 host-2\ndc migrate cache host-3\ndc fail-host host-2\n');
      await page.waitForTimeout(600);
      expect(await linesWithErrors(page)).toEqual([]);
      expect(await page.locator('.status').textContent()).not.toContain('error');
      if (size.name === 'phone') await page.getByRole('button', { name: 'More' }).click();
      await expect(page.getByTestId('script-mode').textContent()).resolves.toContain('data centre');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      // Played visibly: each command at the prompt, then its output.
      await waitForText(page, 'root@trapdoor:/# dc fail-host host-2', 30_000);
      await waitForText(page, 'restarted on host-', 30_000);
      // Then graded on that host, saying so.
      await openSheet(page, size);
      const verdict = page.getByTestId('step-verdict');
      await verdict.waitFor({ timeout: 30_000 });
      await expect(verdict.textContent()).resolves.toContain('Step passed');
      await expect(page.getByTestId('looked-at').textContent()).resolves.toContain("the terminal's host");
      await page.getByTestId('lesson-complete').waitFor();
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it('5. shows one data centre: what dc does in the terminal is on the screen, and the screen acts on it', async () => {
      const { page } = await open(size);
      await closeSheet(page, size);
      await focusTerminal(page);
      await runCommand(page, 'dc migrate web-1 host-2');
      await page.getByRole('tab', { name: 'Data centre' }).click();
      const vms = page.getByRole('region', { name: 'Virtual machines' });
      await vms.getByRole('row', { name: /^web-1 host-2 / }).waitFor();
      // Fail a host on the screen: the terminal's dc sees it; a failed host does no work; repair it.
      await page.getByRole('button', { name: 'Fail host-3' }).click();
      const hosts = page.getByRole('region', { name: 'Hosts' });
      await hosts.getByRole('row', { name: /^host-3 failed .* 0\.0/ }).waitFor();
      await page.getByRole('tab', { name: 'Lab', exact: true }).click();
      await focusTerminal(page);
      expect((await runCommand(page, 'dc list | grep host-3')).join('\n')).toMatch(/host-3\s+failed/);
      await page.getByRole('tab', { name: 'Data centre' }).click();
      await page.getByRole('button', { name: 'Repair host-3' }).click();
      await hosts.getByRole('row', { name: /^host-3 up / }).waitFor();
      // Consolidation runs from the screen, with the terminal's figures.
      await page.getByRole('button', { name: 'Consolidate', exact: true }).click();
      const heading = page.getByText(/Consolidation: \d+ servers → \d+ hosts/);
      await heading.waitFor({ timeout: 30_000 });
      const hostsAfter = /→ (\d+) hosts/.exec((await heading.textContent()) ?? '')![1];
      await page.getByRole('tab', { name: 'Lab', exact: true }).click();
      await focusTerminal(page);
      const out = (await runCommand(page, 'dc consolidate --json | grep servers', 'root@trapdoor:/#', 30_000)).join('\n');
      expect(out).toContain(`"servers": ${hostsAfter}`);
      await page.context().close();
    });

    it('2. moves the terminal and machine-panel handles the way the pointer and arrows go', async () => {
      if (size.name === 'phone') return; // one column on a phone: no side panels to resize
      const { page } = await open(size);
      const terminal = page.getByRole('region', { name: 'Terminal' });
      const before = (await terminal.boundingBox())!.height;
      const handle = page.getByRole('separator', { name: 'Resize terminal' });
      const box = (await handle.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y - 98, { steps: 5 });
      await page.mouse.up();
      const dragged = (await terminal.boundingBox())!.height;
      expect(dragged).toBeGreaterThan(before + 80);
      await handle.focus();
      await page.keyboard.press('ArrowUp');
      expect((await terminal.boundingBox())!.height).toBeGreaterThan(dragged);
      const machine = page.getByRole('region', { name: 'Machine', exact: true });
      const width = (await machine.boundingBox())!.width;
      await page.getByRole('separator', { name: 'Resize machine panel' }).focus();
      await page.keyboard.press('ArrowLeft');
      expect((await machine.boundingBox())!.width).toBeGreaterThan(width);
      await page.context().close();
    });

    it('3. keeps the tabs to the current lesson in one scrolling row, and never scrolls the page sideways', async () => {
      const { page } = await open(size);
      for (const n of ['01-the-machine', '02-privilege-and-traps', '03-trap-and-emulate', '04-device-emulation', '06-paravirtualization', '07-scheduling-guests']) {
        await page.evaluate((h) => { location.hash = h; }, `#/lesson/${n}/step/1`);
        await page.waitForFunction((h) => document.querySelector('#lesson-title')?.closest('article') !== null && location.hash.includes(h), n);
      }
      await page.locator('#lesson-title', { hasText: /^7\. / }).waitFor();
      const tabs = page.getByRole('group', { name: 'Lesson files' });
      await tabs.getByRole('button', { name: LESSON7_FIRST, exact: true }).waitFor();
      const names = (await tabs.locator('.tab > button:first-child').allTextContents()).sort();
      expect(names).toEqual([...LESSON7_FILES].sort()); // lesson 7's files only, not every lesson's
      // One row: every tab as tall as the strip.
      const heights = await tabs.locator('.tab').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      expect(Math.max(...heights)).toBeLessThan(32);
      await closeSheet(page, size);
      await page.getByRole('region', { name: 'Editor' }).locator('.view-lines').click();
      await page.keyboard.press('End');
      await page.waitForTimeout(200);
      const scroll = await page.evaluate(() => ({
        center: document.querySelector('.center')!.scrollLeft, page: document.documentElement.scrollWidth - innerWidth,
      }));
      expect(scroll).toEqual({ center: 0, page: 0 });
      // The sandbox has its own tabs.
      await page.evaluate(() => { location.hash = '#/sandbox'; });
      await page.getByRole('group', { name: 'Sandbox files' }).getByRole('button', { name: 'hello.s', exact: true }).waitFor();
      await page.context().close();
    });

    it('4. consumes a share link on load; import switches to the file; export carries lesson progress', async () => {
      const code = '        .text\n_start: li a0, 42\n';
      const hash = `#code=${Buffer.from(code).toString('base64url')}`;
      const { page } = await open(size, hash);
      await closeSheet(page, size);
      await page.getByRole('button', { name: 'shared.s', exact: true }).waitFor();
      expect(await page.evaluate(() => location.hash)).toBe('');
      await page.reload();
      await page.locator('.monaco-editor .view-lines').waitFor();
      await page.waitForTimeout(500);
      await closeSheet(page, size);
      expect(await page.getByRole('button', { name: /^shared(-\d+)?\.s$/ }).count()).toBe(1);
      // Progress to export: one passed step, stored as the lessons pane stores it.
      await page.evaluate(() => localStorage.setItem('trapdoor.lessons.v1', JSON.stringify({ version: 1, lessons: { 'the-machine': { passed: ['print'], hints: {} } } })));
      await page.reload();
      await page.locator('.monaco-editor .view-lines').waitFor();
      await page.waitForTimeout(500);
      await closeSheet(page, size);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const path = await (await download).path();
      const exported = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'));
      expect(exported.progress.lessons).toHaveProperty('the-machine');
      // A fresh browser imports it: the editor shows the imported file, progress arrives.
      const fresh = await open(size);
      await closeSheet(fresh.page, size);
      await fresh.page.locator('input[type=file][accept*=json]').setInputFiles(path);
      await fresh.page.getByText(/Imported \d+ file\(s\); showing shared\.s\. Lesson progress merged/).waitFor();
      await expect(fresh.page.locator('[aria-current="true"]').first().textContent()).resolves.toBe('shared.s');
      expect(await fresh.page.evaluate(() => localStorage.getItem('trapdoor.lessons.v1'))).toContain('the-machine');
      await fresh.page.context().close();
      await page.context().close();
    });

    it('7. says something when a program prints nothing, at the first breakpoint, and for assembler errors', async () => {
      const { page } = await open(size);
      await closeSheet(page, size);
      await setSource(page, '        .text\n_start: frobnicate a0\n');
      await page.waitForTimeout(400);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await waitForText(page, 'nothing was run');
      await waitForText(page, "unknown instruction 'frobnicate'");
      await setSource(page, '        .text\n_start: li t0, 0x100000\n        li t1, 0x5555\n        sw t1, 0(t0)\n');
      await page.waitForTimeout(400);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await waitForText(page, 'it printed nothing');
      // A breakpoint on line 3: the first hit explains itself.
      const glyph = page.locator('.monaco-editor .margin-view-overlays > div').nth(2);
      await glyph.click({ position: { x: 5, y: 8 } });
      await page.getByRole('button', { name: 'Reset', exact: true }).click();
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await waitForText(page, 'stopped at a breakpoint');
      await page.context().close();
    });

    it('8. compares an unmodified kernel under full, its port under pv and the task as a container', async () => {
      const { page } = await open(size, '#/lesson/06-paravirtualization/step/1');
      await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
      // The learner's port: the lesson's solution.
      const solution = (await import('node:fs')).readFileSync('lessons/06-paravirtualization/solution.s', 'utf8');
      await closeSheet(page, size);
      await setSource(page, solution);
      await page.getByRole('tab', { name: 'Compare' }).click();
      await page.getByRole('button', { name: 'Compare original.s · full / kernel.s · pv / task.s · linux' }).click();
      const table = page.getByRole('table', { name: /The same task, three ways \(identical console output\)/ });
      await table.waitFor({ timeout: 60_000 });
      const cells = async (name: string) => (await table.getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).locator('td').allTextContents());
      const full = await cells('original.s · full');
      const pv = await cells('kernel.s · pv');
      const linux = await cells('task.s · linux');
      for (const row of [full, pv, linux]) expect(row[0]).toBe('exit (0)');
      const num = (s: string) => Number(s.replace(/,/g, ''));
      // exits (index 5): the port saves most of them; the container's kernel entries are few.
      expect(num(pv[5]!)).toBeLessThan(num(full[5]!) / 5);
      // VMM cycles for the VMs, kernel cycles for the container.
      expect(num(full[3]!)).toBeGreaterThan(0);
      expect(num(linux[3]!)).toBe(0);
      expect(num(linux[4]!)).toBeGreaterThan(0);
      await page.getByRole('table', { name: 'Exits by cause' }).waitFor();
      // Memory per guest, as a chart and its table: every run held some memory of its own.
      await page.getByRole('img', { name: 'Memory per guest' }).waitFor();
      const memory = page.getByRole('table', { name: 'Memory per guest' });
      for (const name of ['original.s · full', 'kernel.s · pv', 'task.s · linux']) {
        const [guest, tables, total] = await memory.getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')}`) }).locator('td').allTextContents();
        expect(num(guest!.replace(' KiB', ''))).toBeGreaterThan(0);
        expect(num(total!.replace(' KiB', ''))).toBe(num(guest!.replace(' KiB', '')) + num(tables!.replace(' KiB', '')));
      }
      await page.context().close();
    });

    it('6, 9. layout and keyboard: no clipping, a compact phone header, a way out of the editor, no axe violations', async () => {
      const { page } = await open(size);
      if (size.name === 'phone') {
        const header = (await page.locator('header.top').boundingBox())!;
        expect(header.height / size.height).toBeLessThan(0.15);
        await page.getByRole('dialog', { name: 'Guide' }).waitFor();
      }
      await closeSheet(page, size);
      // The editor says how to leave it, and Escape then Tab does.
      await expect(page.getByRole('region', { name: 'Editor' }).textContent()).resolves.toContain('Esc then Tab');
      await page.getByRole('region', { name: 'Editor' }).locator('.view-lines').click();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'))).toBe(false);
      // Guests: the Open/Shell buttons inside the panel.
      await focusTerminal(page);
      await runCommand(page, 'container run -d --name web alpine sleep 1000');
      await page.getByRole('tab', { name: 'Guests' }).click();
      const openShell = page.getByRole('button', { name: 'Open a shell in web' });
      await openShell.waitFor();
      const panel = (await page.getByRole('region', { name: 'Machine', exact: true }).boundingBox())!;
      // Every row's buttons (the data centre's VMs too) end inside the panel.
      await page.getByRole('button', { name: /^Open web-1/ }).first().waitFor();
      const rights = await page.locator('#machine-panel-guests td button').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
      expect(rights.length).toBeGreaterThan(3);
      expect(Math.max(...rights)).toBeLessThanOrEqual(panel.x + panel.width + 1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
      expect(await allViolations(page)).toEqual([]);
      await page.getByRole('tab', { name: 'Data centre' }).click();
      await page.getByRole('region', { name: 'Live migration' }).waitFor();
      expect(await allViolations(page)).toEqual([]);
      await page.context().close();
    });

    it('10. links "Open the exit log" to the Exits tab, and ends the course on a screen of its own', async () => {
      const { page } = await open(size, '#/lesson/03-trap-and-emulate/step/2');
      await page.getByRole('link', { name: 'Open the exit log' }).click();
      await expect(page.getByRole('tab', { name: 'Exits' }).getAttribute('aria-selected')).resolves.toBe('true');
      await page.evaluate(() => { location.hash = '#/complete'; });
      await openSheet(page, size);
      const end = page.getByTestId('course-complete');
      await end.waitFor();
      const shipped = (await import('node:fs')).readdirSync('lessons', { withFileTypes: true }).filter((d) => d.isDirectory()).length;
      expect(await end.getByRole('listitem').filter({ hasText: /^\d+\. / }).count()).toBe(shipped);
      expect(await allViolations(page)).toEqual([]);
      await page.context().close();
    });
  });
}

it('lays out with no horizontal overflow from 1280 to 1920 px', async () => {
  for (const width of [1280, 1600, 1920]) {
    const { page } = await open({ width, height: 900 }, '#/lesson/06-paravirtualization/step/1');
    await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
    const over = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('header *, .files *, .machine [role=tablist] *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1).map((e) => e.textContent?.slice(0, 30)));
    expect({ width, over }).toEqual({ width, over: [] });
    await page.context().close();
  }
});

