// Issue 16's container items, as a student meets them: shell scripts on the real host
// kernel. A hostile or mistaken command gets a clear answer; the shell and the host carry on.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../../../src/core/shell/index.ts';
import { createKernelHost } from '../../../src/core/shell/kernel-host.ts';

function session() {
  const host = createKernelHost(() => new Promise((r) => setImmediate(r)));
  let out = '';
  const sh = new Session({
    port: host.port, containers: host.containers, vms: host.vms, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'script', output: (t) => { out += t; },
  });
  const run = async (...lines: string[]): Promise<string> => {
    const from = out.length;
    await sh.runScript(`${lines.join('\n')}\n`);
    return out.slice(from);
  };
  return { host, run };
}

describe('container memory limits that cannot hold a program', () => {
  it('container run --memory 4k alpine hello ends the program (137), not the shell', async () => {
    const { host, run } = session();
    const out = await run('container run --memory 4k alpine hello', 'echo status $?', 'echo still here');
    expect(out).toContain('status 137\n');
    expect(out).toContain('still here\n');
    expect(host.kernel.oopses).toBe(0);
  });

  it('container run --memory 0 is refused with a clear message and leaves no process behind', async () => {
    const { host, run } = session();
    const before = [...host.kernel.processes.keys()];
    const out = await run('container run --memory 0 alpine hello', 'echo status $?');
    expect(out).toContain('container: invalid argument "0" for "--memory" flag: the smallest memory limit is 4k (one page)\n');
    expect(out).toContain('status 125\n');
    expect([...host.kernel.processes.keys()]).toEqual(before);
  });
});
