// Long work shows progress and can be cancelled (issue 5): running to completion and a
// comparison run (starting many containers is in guests-datacentre.test.ts).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab, setSource, status } from './lab-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const SPIN = '        .text\n_start:\n        addi a0, a0, 1\n        j _start\n';
/**
 * A loop the translator cannot compile whole (a CSR read each round is interpreted), so a
 * comparison's 20 M instructions per mode take long enough to watch and cancel.
 */
const SLOW_SPIN = '        .text\n_start:\n        csrr a1, mscratch\n        addi a0, a0, 1\n        j _start\n';

describe('progress and cancel', () => {
  it('shows a running program\'s progress and stops it with Pause', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await setSource(page, SPIN);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const bar = page.getByRole('progressbar', { name: 'Running to completion' });
    await bar.waitFor();
    await page.getByText(/\d+(\.\d)? [kM] instructions/).waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await bar.waitFor({ state: 'detached' });
    expect(await status(page)).toBe('paused');
    await page.context().close();
  });

  it('shows a comparison run\'s progress by mode and cancels it', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await setSource(page, SLOW_SPIN);
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('button', { name: 'Compare bare / full / pv / hw' }).click();
    await page.getByRole('progressbar', { name: 'Comparison progress' }).waitFor();
    await page.getByText(/bare \(1 of 4\): [\d,]+ instructions/).waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByText('Comparison cancelled').waitFor();
    const table = page.getByRole('table', { name: /Same program/ });
    expect(await table.getByRole('row', { name: /^bare budget/ }).count()).toBe(1);
    await page.context().close();
  });
});
