// The real `trapdoor` executable, as a user runs it: exit status, stdout purity, errors.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');
const trapdoor = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/trapdoor.mjs'), ...args], { cwd: ROOT, encoding: 'latin1', timeout: 60_000 });

describe('bin/trapdoor.mjs', () => {
  it('runs a Linux program: stdout has only its bytes, the status is its exit code', () => {
    const r = trapdoor('run', 'tests/fixtures/linux/exit-code/prog.elf', '--mode', 'linux');
    expect(r.stdout).toBe('exiting with 300\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(44);
  }, 60_000);

  it('a bad file gives one line on stderr, nothing on stdout, status 1', () => {
    const r = trapdoor('run', 'package.json');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^trapdoor: package\.json:/);
  }, 60_000);
});
