// A host for shell tests: the fake kernel with a few programs, two images, and helpers to
// run a script or type keys into a terminal session.

import { Session } from '../../../src/core/shell/session.ts';
import { DEFAULT_SHELL_ENV, standardCommands, type ShellPorts } from '../../../src/core/shell/index.ts';
import { FakeHypervisor } from './fake-hypervisor.ts';
import { dir, FakeKernel, FakeRuntime, file, prog, type FakePort } from './fake-kernel.ts';

const programs = {
  hello: prog(async (api) => { await api.write(1, `hello from pid ${api.pid} on ${api.hostname()}\n`); return 0; }),
  upper: prog(async (api) => {
    for (let t = await api.read(0); t !== null; t = await api.read(0)) await api.write(1, t.toUpperCase());
    return 0;
  }),
  greet: prog(async (api) => {
    await api.write(1, 'name? ');
    const name = (await api.read(0)) ?? '';
    await api.write(1, `hi ${name.trim()}\n`);
    return 0;
  }),
  spin: prog(async (api) => { await api.killed; return 0; }),
  fails: prog(async (api) => { await api.write(2, 'fails: something went wrong\n'); return 3; }),
  showenv: prog(async (api) => { await api.write(1, `${api.argv.slice(1).join('|')} ${api.env.filter((e) => e.startsWith('GREETING') || e.startsWith('ONLY')).join(',')}\n`); return 0; }),
  ticker: prog(async (api) => {
    for (let i = 1; i <= 3; i++) { await api.sleep(1e9); await api.write(1, `tick ${i}\n`); }
    return 0;
  }),
  yes: prog(async (api) => { for (;;) await api.write(1, 'y\n'); }),
};

function image(os: string) {
  return dir({
    bin: dir({ hello: programs.hello, spin: programs.spin, ticker: programs.ticker, upper: programs.upper }),
    etc: dir({ 'os-release': file(`PRETTY_NAME="${os}"\n`), hostname: file('container\n') }),
    root: dir(),
    tmp: dir({}, 0o777),
  });
}

export interface Testbed {
  kernel: FakeKernel;
  port: FakePort;
  ports: ShellPorts;
}

export function testbed(): Testbed {
  const kernel = new FakeKernel(dir({
    bin: dir({ ...programs, notexec: file('#!/bin/sh\n', 0o644) }),
    etc: dir({ hostname: file('trapdoor\n'), 'os-release': file('PRETTY_NAME="Trapdoor host"\n') }),
    root: dir({ 'notes.txt': file('first line\nsecond line\n') }),
    tmp: dir({}, 0o777),
    readonly: dir({ 'locked.txt': file('cannot touch\n', 0o444) }, 0o555),
  }));
  const port = kernel.shellProcess(kernel.hostNs, 0, '/root');
  const containers = new FakeRuntime(kernel, port, { alpine: image('Alpine Linux v3.19'), debian: image('Debian GNU/Linux 12 (bookworm)') });
  return { kernel, port, ports: { port, containers, vms: new FakeHypervisor() } };
}

export async function runScript(script: string, bed = testbed()): Promise<{ out: string; status: number; bed: Testbed }> {
  let out = '';
  const session = new Session({
    port: bed.ports.port, containers: bed.ports.containers, vms: bed.ports.vms, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV }, mode: 'script', output: (t) => { out += t; },
  });
  const status = await session.runScript(script);
  return { out, status, bed };
}

/** Output of each line without the prompt echo: the lines after "# cmd". */
export async function outputOf(line: string, bed?: Testbed): Promise<string> {
  const { out } = await runScript(`${line}\n`, bed);
  return out.slice(out.indexOf('\n') + 1);
}

/** Lets pending promises and fake timers run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

export function terminal(bed = testbed()) {
  let screen = '';
  const session = new Session({
    port: bed.ports.port, containers: bed.ports.containers, vms: bed.ports.vms, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV }, mode: 'terminal', output: (t) => { screen += t; },
  });
  session.start();
  return {
    session,
    bed,
    async type(data: string) { session.input(data); await settle(); },
    /** Everything drawn since the last take. */
    take() { const s = screen; screen = ''; return s; },
  };
}
