import { describe, expect, it } from 'vitest';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { CORE_HZ } from '../../../src/core/isa/clock.ts';
import { ContainerRuntime } from '../../../src/core/kernel/container-runtime.ts';
import { KernelDriver } from '../../../src/core/kernel/driver.ts';
import { HostProcessPort } from '../../../src/core/kernel/host-process-port.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';

/** The CLI's host: a kernel whose console stays open (a terminal), the shell, the runtime. */
function terminal() {
  const k = new Kernel({ parseProgram: (b) => readElf(b) });
  const driver = new KernelDriver(k, () => new Promise((r) => setImmediate(r)));
  const sh = k.spawnHost({ argv: ['sh'] });
  const port = new HostProcessPort(k, sh, () => driver.kick());
  const runtime = new ContainerRuntime(k, sh, () => driver.kick());
  const seconds = (): number => k.now / CORE_HZ;
  return { k, driver, port, runtime, seconds };
}

const userPause = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('virtual time at an interactive terminal', () => {
  it('stands still between commands: a detached sleeper is still up at the next `container ps`', async () => {
    const { runtime, driver, seconds } = terminal();
    runtime.run({ image: 'alpine', name: 'napper', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '1000'] } });
    await driver.idle();
    await userPause();
    await driver.idle();
    expect(seconds()).toBeLessThan(0.01);
    expect(runtime.list(false).map((c) => [c.name, c.status])).toEqual([['napper', 'running']]);
  });

  it('the shell\'s `sleep N` skips exactly N seconds, waking background sleepers due before then', async () => {
    const { runtime, driver, port, seconds } = terminal();
    runtime.run({ image: 'alpine', name: 'short', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '3'] } });
    runtime.run({ image: 'alpine', name: 'long', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '1000'] } });
    await driver.idle();
    await port.sleep(5e9);
    await driver.idle();
    expect(seconds()).toBeGreaterThanOrEqual(5);
    expect(seconds()).toBeLessThan(5.01);
    expect(runtime.list(true).map((c) => [c.name, c.status])).toEqual([['long', 'running'], ['short', 'exited']]);
  });

  it('a foreground job waiting on a sleeper lets time skip to its wake-up, and no further', async () => {
    const { runtime, driver, port, seconds } = terminal();
    runtime.run({ image: 'debian', name: 'bg', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '1000'] } });
    const fg = runtime.run({ image: 'debian', name: 'fg', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '7'] }, stdio: [0, 1, 2] });
    expect(await fg.process.wait()).toEqual({ kind: 'exited', code: 0 });
    await driver.idle();
    expect(seconds()).toBeGreaterThanOrEqual(7);
    expect(seconds()).toBeLessThan(7.01);
    expect(runtime.inspect('bg').status).toBe('running');
    await port.sleep(2000e9);
    expect(runtime.inspect('bg').status).toBe('exited');
  });

  it('does not skip while the foreground job waits for the user\'s typing', async () => {
    const { k, driver, port, runtime, seconds } = terminal();
    runtime.run({ image: 'alpine', name: 'bg', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '60'] } });
    const reader = runtime.run({ image: 'alpine', name: 'cat', limits: {}, env: [], command: { kind: 'program', argv: ['cat'] }, stdio: [0, 1, 2] });
    const done = reader.process.wait();
    await driver.idle();
    await userPause();
    expect(seconds()).toBeLessThan(0.01);
    expect(runtime.inspect('bg').status).toBe('running');
    k.console.close();
    k.wakeup(k.console);
    driver.kick();
    expect(await done).toEqual({ kind: 'exited', code: 0 });
    expect(seconds()).toBeLessThan(0.01);
  });
});
