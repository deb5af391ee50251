import { describe, expect, it } from 'vitest';
import { ContainerRuntime } from '../../../src/core/kernel/container-runtime.ts';
import { KernelDriver } from '../../../src/core/kernel/driver.ts';
import { HostProcessPort } from '../../../src/core/kernel/host-process-port.ts';
import type { Process } from '../../../src/core/kernel/process.ts';
import { boot, build } from './kernel-harness.ts';

function lab() {
  const { k, output } = boot();
  const driver = new KernelDriver(k, () => new Promise((r) => setImmediate(r)));
  const sh = k.spawnHost({ argv: ['sh'] });
  const host = new HostProcessPort(k, sh, () => driver.kick());
  const runtime = new ContainerRuntime(k, sh, () => driver.kick());
  return { k, output, driver, host, runtime };
}

describe('a pid namespace\'s init is protected from signals sent inside it', () => {
  it('kill 1 from the container\'s shell is ignored (SIGTERM and SIGKILL); kill -9 from the host ends it', async () => {
    const { runtime, host, driver } = lab();
    const { container, process } = runtime.run({ image: 'alpine', name: 'c', limits: {}, env: [], command: { kind: 'shell' } });
    const inner = process.port!;
    expect(inner.pid).toBe(1);
    inner.kill(1, 15);
    inner.kill(1, 9);
    await driver.idle();
    expect(runtime.list(false).map((c) => c.name)).toEqual(['c']);
    expect(inner.processes().map((p) => [p.pid, p.state])).toEqual([[1, 'S']]);
    host.kill(container.hostPid, 9);
    expect(await process.wait()).toEqual({ kind: 'signaled', signal: 9 });
    expect(runtime.list(true)[0]).toMatchObject({ status: 'exited', exitCode: 137 });
  });

  it('a program inside may kill its siblings but not pid 1; kill(0, SIGKILL) spares init', async () => {
    const { k, runtime, driver } = lab();
    const { process: init } = runtime.run({ image: 'debian', name: 'd', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '50'] } });
    // A second process in the same namespace: sends SIGKILL to pid 1, prints kill's result, then spins.
    const { image } = build(`
_start:
  li a0, 1
  li a1, 9
  li a7, 129
  ecall
  call print_int
1: j 1b
`);
    const initProcess = k.processes.get(init.hostPid)!;
    const attacker = k.spawn({ image, argv: ['attacker'], ns: initProcess.ns, cgroup: initProcess.cgroup, cwd: initProcess.cwd });
    k.run(200_000, false);
    expect(attacker.state).toBe('runnable');
    expect(initProcess.state).toBe('sleeping');
    expect(runtime.inspect('d').status).toBe('running');
    // kill(0, 9): the sender's process group (processes started from outside join init's), but not init.
    const { image: all } = build(`
_start:
  li a0, 0
  li a1, 9
  li a7, 129
  ecall
  li a0, 0
  j exit
`);
    const bomb = k.spawn({ image: all, argv: ['all'], ns: initProcess.ns, cgroup: initProcess.cgroup, cwd: initProcess.cwd });
    k.run(200_000, false);
    expect(bomb.killedBy).toBe(9);
    expect(attacker.killedBy).toBe(9);
    expect(initProcess.state).toBe('sleeping');
    await driver.idle();
  });

  it('the host shell (pid 1 of the initial namespace) ignores kill 1 from itself', () => {
    const { host, k } = lab();
    host.kill(1, 9);
    expect((k.processes.get(1) as Process).state).not.toBe('zombie');
  });
});
