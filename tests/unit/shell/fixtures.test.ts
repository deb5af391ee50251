// Fixture cases: tests/fixtures/shell/<case>/script.sh run through `trapdoor shell
// --script` must print exactly expected.out. Cases named kernel-* run on the real host
// kernel (what `trapdoor shell` uses); the others on the test fake (see testbed.ts), whose
// programs and images are small and predictable.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellCommand } from '../../../src/cli/shell-command.ts';
import { testbed } from './testbed.ts';

const root = resolve(import.meta.dirname, '../../fixtures/shell');
const cases = readdirSync(root).sort();

async function run(script: string, realKernel = false): Promise<{ stdout: string; stderr: string; status: number }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (c: Uint8Array | string) => { stdout += String(c); } },
    stderr: { write: (c: string) => { stderr += c; } },
    readStdin: () => new Uint8Array(0),
  };
  const args = ['--script', script];
  const status = await (realKernel ? shellCommand(args, io) : shellCommand(args, io, () => testbed().ports));
  return { stdout, stderr, status };
}

describe('shell fixtures', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(root, name);
    const { stdout, stderr, status } = await run(join(dir, 'script.sh'), name.startsWith('kernel-'));
    // Set UPDATE_SHELL_FIXTURES=1 to rewrite expected.out, then review the diff by eye.
    if (process.env.UPDATE_SHELL_FIXTURES) writeFileSync(join(dir, 'expected.out'), stdout);
    expect(stderr).toBe('');
    expect(stdout).toBe(readFileSync(join(dir, 'expected.out'), 'utf8'));
    const statusFile = join(dir, 'expected.status');
    const expectedStatus = readdirSync(dir).includes('expected.status') ? Number(readFileSync(statusFile, 'utf8')) : 0;
    expect(status).toBe(expectedStatus);
  });

  it('reads the script from standard input too', async () => {
    let stdout = '';
    const io = {
      stdout: { write: (c: Uint8Array | string) => { stdout += String(c); } },
      stderr: { write: () => {} },
      readStdin: () => new TextEncoder().encode('echo from stdin\n'),
    };
    expect(await shellCommand([], io, () => testbed().ports)).toBe(0);
    expect(stdout).toBe('root@trapdoor:~# echo from stdin\nfrom stdin\n');
  });
});
