// Typing into the terminal the way a learner does: focus it, type, press Enter, and wait
// for the shell's answer in what xterm draws (rows joined with '\n', no-break spaces
// turned back into spaces).
import type { Page } from 'playwright-core';

export async function focusTerminal(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Terminal' }).locator('.xterm-screen').click();
}

/** The terminal's rows, trailing spaces trimmed. */
export async function terminalLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rows = document.querySelector<HTMLElement>('.xterm-rows');
    return (rows?.innerText ?? '').replace(/\u00a0/g, ' ').split('\n').map((l) => l.trimEnd());
  });
}

/**
 * Clears the screen (Ctrl-L: the shell redraws its prompt on the top row), types a
 * command, presses Enter and waits for the next row that starts with `prompt`; returns
 * the rows in between (what the command printed). The screen shows only the last rows,
 * so the command's output must fit on it.
 */
export async function runCommand(page: Page, command: string, prompt = 'root@trapdoor:/#', timeout = 20_000): Promise<string[]> {
  await page.keyboard.press('Control+L');
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + timeout;
  for (;;) {
    const lines = await terminalLines(page);
    // The typed line may wrap over several rows: it ends on the first row by which the
    // rows so far contain the whole command.
    // (Rows are compared without spaces: the one at a wrap point was trimmed.)
    const squeezed = command.replace(/\s+/g, '');
    const start = lines.findIndex((_, i) => lines.slice(0, i + 1).join('').replace(/\s+/g, '').includes(squeezed));
    const end = lines.findIndex((l, i) => i > start && l.startsWith(prompt));
    if (start >= 0 && end > start) return lines.slice(start + 1, end);
    if (Date.now() > deadline) throw new Error(`no '${prompt}' after '${command}':\n${lines.join('\n')}`);
    await page.waitForTimeout(50);
  }
}

/** Waits for `needle` in the terminal's text (rows joined with '\n'). */
export async function waitForText(page: Page, needle: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const rows = document.querySelector<HTMLElement>('.xterm-rows');
      return (rows?.innerText ?? '').replace(/\u00a0/g, ' ').split('\n').map((l) => l.trimEnd()).join('\n').includes(n);
    },
    needle,
    { timeout },
  );
}
