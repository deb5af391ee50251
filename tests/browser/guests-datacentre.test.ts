// The guests overview (containers from the terminal's kernel, the lab's machine, the data
// centre's VMs) and the data-centre screen with a live migration, in real Chromium.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab } from './lab-page.ts';
import { focusTerminal, runCommand, waitForText } from './terminal-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('guests overview', () => {
  it('lists a container started in the terminal and opens a shell in it', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await runCommand(page, 'container run -d --name web --hostname web alpine sleep 1000');
    await page.getByRole('tab', { name: 'Guests' }).click();
    const row = page.getByRole('row', { name: /^web / });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/running/);
    // The data centre's VMs are listed beside the lab's own machine.
    await page.getByRole('row', { name: /^web-1 / }).waitFor();
    await page.getByRole('row', { name: /^lab guest / }).waitFor();
    await page.getByRole('button', { name: 'Open a shell in web' }).click();
    await waitForText(page, 'root@web:/#');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lists a VM created and started in the terminal, and opens its console', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await runCommand(page, 'vm create echo1 echo-console');
    await page.getByRole('tab', { name: 'Guests' }).click();
    const row = page.getByRole('row', { name: /^echo1 / });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/echo-console \(full\)[\s\S]*created/);
    await focusTerminal(page);
    await runCommand(page, 'vm start echo1');
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/running/);
    await page.getByRole('button', { name: 'Open the console of echo1' }).click();
    await waitForText(page, 'vm console echo1');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('starts many containers with progress, and Cancel stops a batch', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await page.getByRole('tab', { name: 'Guests' }).click();
    await page.getByLabel('How many containers').fill('150');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText('150 started').waitFor();
    await page.getByText('150 running').waitFor();

    await page.getByLabel('How many containers').fill('10000');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('progressbar', { name: 'Containers started' }).waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByText(/\d+ started \(cancelled\)/).waitFor();
    const text = await page.getByText(/\d+ started \(cancelled\)/).innerText();
    expect(Number(text.split(' ')[0])).toBeLessThan(10000);
    await page.context().close();
  });
});

describe('data centre screen', () => {
  it('migrates a VM live, with progress and a report, and the listing follows', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    await page.getByRole('tab', { name: 'Data centre' }).click();
    const migration = page.getByRole('region', { name: 'Live migration' });
    await migration.waitFor();
    await migration.getByLabel('VM').selectOption('web-1');
    await migration.getByLabel('to').selectOption('host-3');
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen: number[] };
      w.progressSeen = [];
      const bar = document.querySelector('progress[aria-label="Migration progress"]')!;
      new MutationObserver(() => w.progressSeen.push(Number((bar as HTMLProgressElement).value))).observe(bar, { attributes: true });
    });
    await migration.getByRole('button', { name: 'Migrate' }).click();
    await migration.getByText(/downtime/).waitFor();
    const report = await migration.innerText();
    expect(report).toMatch(/web-1: host-1 → host-3/);
    expect(report).toMatch(/pages sent in \d+ rounds/);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBe(100);
    const vms = page.getByRole('region', { name: 'Virtual machines' });
    await expect.poll(() => vms.getByRole('row', { name: /^web-1 / }).innerText()).toMatch(/host-3/);
    expect(errors).toEqual([]);
    await page.screenshot({ path: '/tmp/shots/datacentre-migrated.png', fullPage: true }).catch(() => {});
    await page.context().close();
  });
});
