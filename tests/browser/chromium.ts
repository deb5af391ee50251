// Launches the real Chromium the machine has (never a downloaded one). Missing Chromium
// is a failure with instructions, never a skip: the browser tests are part of npm test.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. The browser tests need a real Chromium: `
      + 'install it with `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH '
      + 'to a Chromium or Chrome executable. Do not run `npx playwright install`.',
    );
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}
