// Screenshots of the main screens in both themes and at a laptop width, for a human to
// look at (not a test, not committed). Run after `vite build`:
//   node bin/run-ts.mjs tests/browser/take-screenshots.ts [outDir]
import { mkdirSync } from 'node:fs';
import { launchChromium } from './chromium.ts';
import { SUB_PATH, staticServer } from './global-setup.ts';
import { setSource, waitForTerminal } from './lab-page.ts';
import { focusTerminal, runCommand } from './terminal-page.ts';

const out = process.argv[2] ?? '/tmp/shots';
mkdirSync(out, { recursive: true });
const server = await staticServer(0);
const { port } = server.address() as { port: number };
const url = `http://127.0.0.1:${port}${SUB_PATH}`;
const browser = await launchChromium();

const sizes = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
for (const scheme of ['dark', 'light'] as const) {
  for (const size of sizes) {
    const context = await browser.newContext({ viewport: size, colorScheme: scheme, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${scheme}/${size.name}] page error: ${e}`));
    await page.goto(url);
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('Ready'));
    const shot = (what: string) => page.screenshot({ path: `${out}/${scheme}-${size.name}-${what}.png` });
    await shot('1-load');
    const closeSheet = async () => {
      const close = page.getByRole('button', { name: 'Close the guide' });
      if (await close.isVisible()) await close.click();
    };
    await closeSheet();
    // On a phone the mode and speed are behind More.
    const more = page.getByRole('button', { name: 'More', exact: true });
    if (await more.isVisible()) await more.click();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForTerminal(page, 'Hello from the guest!');
    await shot('2-ran');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
    await page.waitForTimeout(300);
    await shot('3-stepped');
    await page.getByRole('tab', { name: 'CSRs' }).click();
    await shot('4-csrs');
    await page.getByRole('tab', { name: 'Memory' }).click();
    await page.waitForTimeout(200);
    await shot('5-memory');
    await page.getByRole('tab', { name: 'Disassembly' }).click();
    await shot('6-disassembly');
    await page.getByLabel('Mode', { exact: true }).selectOption('full');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('tab', { name: 'Exits' }).click();
    await page.locator('.log button').nth(2).click();
    await page.getByRole('button', { name: 'Next ›' }).click();
    await page.getByRole('button', { name: 'Next ›' }).click();
    await shot('8-exits');
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('button', { name: 'Compare bare / full / pv / hw' }).click();
    await page.getByRole('table', { name: /Same program/ }).waitFor();
    await shot('9-compare');
    // The paravirtual lesson's comparison: kernel under full, its port under pv, the task as a container.
    await page.evaluate(() => { location.hash = '#/lesson/06-paravirtualization/step/1'; });
    await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
    await closeSheet();
    await page.getByRole('button', { name: /^Compare original\.s/ }).click();
    await page.getByRole('table', { name: /The same task/ }).waitFor({ timeout: 60_000 });
    await shot('9b-compare-lesson');
    // Shadow paging (lesson 17): its memory exits, the page tables, and Compare's memory per guest.
    await page.evaluate(() => { location.hash = '#/lesson/17-shadow-page-tables/step/1'; });
    await page.getByRole('button', { name: 'kernel.s', exact: true }).waitFor();
    await shot('9c-lesson17');
    await closeSheet();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForTerminal(page, 'all done', 60_000);
    await page.getByRole('tab', { name: 'Exits' }).click();
    await page.getByRole('rowgroup', { name: 'Memory exits' }).waitFor();
    await shot('9d-memory-exits');
    await page.getByRole('tab', { name: 'Page tables' }).click();
    await page.getByRole('table', { name: /Guest page table/ }).waitFor();
    await shot('9e-page-tables');
    await page.getByLabel('Only pages that differ').check();
    await shot('9f-page-tables-differ');
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('button', { name: /^Compare original\.s/ }).click();
    await page.getByRole('table', { name: 'Memory per guest' }).waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Memory per guest' }).scrollIntoViewIfNeeded();
    await shot('9g-compare-memory');
    await page.evaluate(() => { location.hash = '#/sandbox'; });
    await page.getByRole('button', { name: 'hello.s', exact: true }).waitFor();
    await closeSheet();
    await focusTerminal(page);
    await runCommand(page, 'container run -d --name web --hostname web alpine sleep 1000');
    await runCommand(page, 'container run -d --name db --hostname db debian:12 sleep 1000');
    await runCommand(page, 'container ps');
    await page.getByRole('tab', { name: 'Guests' }).click();
    await page.getByRole('row', { name: /^db / }).waitFor();
    await shot('10-terminal-guests');
    await page.getByRole('button', { name: 'Open a shell in web' }).click();
    await runCommand(page, 'ps', 'root@web:/#');
    await shot('11-container-shell');
    await page.getByRole('tab', { name: 'Data centre' }).click();
    const migration = page.getByRole('region', { name: 'Live migration' });
    await migration.waitFor();
    await page.getByRole('button', { name: 'Consolidate', exact: true }).click();
    await page.getByText(/Consolidation: \d+ servers/).waitFor();
    await shot('12-datacentre');
    await migration.getByRole('button', { name: 'Migrate' }).click();
    await migration.getByText(/downtime/).waitFor();
    await page.screenshot({ path: `${out}/${scheme}-${size.name}-13-datacentre-migrated.png`, fullPage: true });
    await page.getByRole('tab', { name: 'Lab', exact: true }).click();
    await page.getByLabel('Mode', { exact: true }).selectOption('bare');
    await setSource(page, '        .text\n_start:\n        addi a0, a0, 1\n        frobnicate a0, a1\n        li t0, 99999999999\n');
    await page.waitForTimeout(800);
    await page.getByRole('region', { name: 'Editor' }).locator('.view-line').nth(3).hover();
    await page.waitForTimeout(600);
    await shot('7-errors');
    // A lesson in progress: deep link to lesson 03's first step, checked with the starter.
    await page.goto(`${url}#/lesson/03-trap-and-emulate/step/1`);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('step-verdict').waitFor();
    await shot('14-lesson-checked');
    // A script lesson played in the terminal, then the end of the course.
    await page.goto(`${url}#/lesson/15-availability/step/1`);
    await page.getByRole('button', { name: 'script.sh', exact: true }).waitFor();
    await closeSheet();
    await setSource(page, 'dc migrate web-1 host-2\ndc migrate cache host-3\ndc fail-host host-2\n');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForTerminal(page, 'restarted on host-', 60_000);
    await page.waitForTimeout(1500);
    await shot('15-script-lesson');
    await page.goto(`${url}#/complete`);
    const show = page.getByRole('button', { name: 'Show guide' });
    if (await show.isVisible() && !(await page.getByRole('dialog', { name: 'Guide' }).isVisible())) await show.click();
    await page.getByTestId('course-complete').waitFor();
    await shot('16-course-end');
    await page.screenshot({ path: `${out}/${scheme}-${size.name}-16b-course-end-full.png`, fullPage: true });
    await context.close();
  }
}
await browser.close();
server.close();
console.log(`screenshots in ${out}`);
