// The terminal is the shell (issue 4): a learner starts containers from it, lists them,
// execs into one and sees pid 1 and its own hostname; a guest's UART console shares it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab } from './lab-page.ts';
import { focusTerminal, runCommand, terminalLines, waitForText } from './terminal-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the terminal', () => {
  it('runs containers from the shell: ps, exec -it, pid 1 and the hostname', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    const id = await runCommand(page, 'container run -d --name web --hostname webhost alpine sleep 1000');
    expect(id.join('')).toMatch(/^[0-9a-f]{12}$/);
    const ps = await runCommand(page, 'container ps');
    expect(ps[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND/);
    expect(ps.join('\n')).toMatch(/"sleep 1000" .* Up .* web$/m);

    expect(await runCommand(page, 'container exec -it web sh', 'root@webhost:/#')).toEqual([]);
    expect(await runCommand(page, 'hostname', 'root@webhost:/#')).toEqual(['webhost']);
    const procs = await runCommand(page, 'ps', 'root@webhost:/#');
    // pid 1 of the container's pid namespace is its first process, and only the
    // container's own processes are listed.
    expect(procs[0]).toMatch(/^\s*PID\s+PPID/);
    expect(procs[1], procs.join('\n')).toMatch(/^\s*1\s+0\s+.*sleep 1000$/);
    expect(procs.slice(1).every((l) => /sleep 1000|sh|ps/.test(l))).toBe(true);
    await page.screenshot({ path: '/tmp/shots/terminal-containers.png' }).catch(() => {});
    await runCommand(page, 'exit');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('interrupts a foreground command with Ctrl-C and keeps answering', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await page.keyboard.type('sleep 100');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+C');
    await waitForText(page, '^C');
    expect(await runCommand(page, 'echo still here')).toEqual(['still here']);
    await page.context().close();
  });

  it('writes a guest run into the terminal under a header and gives the prompt back', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await page.keyboard.type('echo typed');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForText(page, 'exited with code');
    await waitForText(page, 'root@trapdoor:/# echo typed');
    const text = (await terminalLines(page)).join('\n');
    expect(text).toMatch(/── UART console · bare machine · .*──\nHello from the guest!/);
    // The half-typed line survived the guest's output and still runs.
    await focusTerminal(page);
    await page.keyboard.press('Enter');
    await waitForText(page, 'typed\nroot@trapdoor:/#');
    await page.context().close();
  });

  it('wraps a line longer than the terminal is wide, and edits it in place', async () => {
    const { page, errors } = await openLab(browser, inject('baseUrl'));
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await page.keyboard.press('Control+L');
    const word = 'abcdefghij'.repeat(25); // 250 characters: wider than the terminal
    await page.keyboard.type(word);
    // Back to the start of the line (over the wrapped rows) and insert the command there.
    await page.keyboard.press('Home');
    await page.keyboard.type('echo ');
    await page.keyboard.press('End');
    await page.keyboard.type('!');
    const prompt = 'root@trapdoor:/# ';
    await expect.poll(async () => {
      const lines = await terminalLines(page);
      return lines.join('').replace(/ /g, '').includes(`${prompt}echo ${word}!`.replace(/ /g, ''))
        && lines.filter((l) => l.startsWith('root@trapdoor')).length === 1;
    }, { timeout: 10_000 }).toBe(true);
    const rows = await terminalLines(page);
    // The prompt row and the wrapped rows under it hold exactly the line, nothing repeated.
    expect(rows.join('').replace(/ /g, '')).toBe(`${prompt}echo ${word}!`.replace(/ /g, ''));
    await page.keyboard.press('Enter');
    await waitForText(page, `${word.slice(0, 20)}`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('pastes text into the shell', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await waitForText(page, 'root@trapdoor:/#');
    await focusTerminal(page);
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted'));
    await page.keyboard.press('Control+V');
    await waitForText(page, 'root@trapdoor:/# echo pasted');
    await page.keyboard.press('Enter');
    await waitForText(page, 'echo pasted\npasted');
    await page.context().close();
  });
});
