import { describe, expect, it } from 'vitest';
import { KernelDriver } from '../../../src/core/kernel/driver.ts';
import { HostProcessPort } from '../../../src/core/kernel/host-process-port.ts';
import { boot, build } from './kernel-harness.ts';

const HELLO = build(`
_start:
  lw a0, 0(sp)
  call print_int
  li a0, 3
  j exit
`).elf;

function shell() {
  const { k, output } = boot();
  k.fs.writeFile('/bin/argc', HELLO, 0o755);
  k.fs.writeFile('/bin/spin', build('_start:\n  j _start').elf, 0o755);
  // A macrotask between slices, as the worker does: a spinning guest must not starve the host.
  const driver = new KernelDriver(k, () => new Promise((r) => setImmediate(r)));
  const sh = k.spawnHost({ argv: ['sh'] });
  const port = new HostProcessPort(k, sh, () => driver.kick());
  return { k, output, driver, sh, port };
}

async function readAll(port: HostProcessPort, fd: number): Promise<string> {
  let text = '';
  for (;;) {
    const chunk = await port.read(fd, 100);
    if (chunk.length === 0) return text;
    text += Buffer.from(chunk).toString('latin1');
  }
}

describe('HostProcessPort (the shell\'s view of the kernel)', () => {
  it('spawns a program with its stdout on a pipe, reads it to EOF, and waits for its status', async () => {
    const { port } = shell();
    const [r, w] = port.pipe();
    const pid = port.spawn({ path: '/bin/argc', argv: ['argc', 'x', 'y'], env: [], stdio: [0, w, 2] });
    port.close(w);
    expect(await readAll(port, r)).toBe('3\n');
    expect(await port.wait(pid)).toEqual({ kind: 'exited', code: 3 });
    expect(port.processes().map((p) => p.command)).toEqual(['sh']);
  });

  it('kill ends a spinning child and wait reports the signal', async () => {
    const { port } = shell();
    const pid = port.spawn({ path: '/bin/spin', argv: ['spin'], env: [], stdio: [0, 1, 2] });
    await port.sleep(1_000_000); // let it run 1 ms of virtual time
    expect(port.processes().find((p) => p.pid === pid)?.cpuNs).toBeGreaterThan(0);
    port.kill(pid, 15);
    expect(await port.wait(pid)).toEqual({ kind: 'signaled', signal: 15 });
  });

  it('sleep advances virtual time', async () => {
    const { port } = shell();
    const t0 = port.now();
    await port.sleep(2e9);
    expect(port.now() - t0).toBeGreaterThanOrEqual(2e9);
  });

  it('errors are errno values: ENOENT for a missing program, ECHILD for a stranger', async () => {
    const { port } = shell();
    expect(() => port.spawn({ path: '/bin/nope', argv: ['nope'], env: [], stdio: [0, 1, 2] })).toThrow(expect.objectContaining({ errno: 2 }));
    await expect(port.wait(999)).rejects.toMatchObject({ errno: 10 });
  });

  it('inside a container: pid 1, its own hostname and root, nothing outside visible', async () => {
    const { k, port: hostPort, driver } = shell();
    const root = k.fs.mkdirs('/var/lib/c1');
    k.fs.mkdirs('/var/lib/c1/etc');
    const ns = k.newNamespaces('web', root, 100000);
    const inner = new HostProcessPort(k, k.spawnHost({ argv: ['sh'], ns, cgroup: k.rootCgroup.child('c1') }));
    expect(inner.pid).toBe(1);
    expect(inner.uname().nodename).toBe('web');
    expect(inner.readdir('/').map((e) => e.name)).toEqual(['etc']);
    expect(inner.processes().map((p) => p.pid)).toEqual([1]);
    const victim = hostPort.spawn({ path: '/bin/spin', argv: ['spin'], env: [], stdio: [0, 1, 2] });
    expect(victim).toBe(3);
    expect(() => inner.kill(victim, 9)).toThrow(expect.objectContaining({ errno: 3 }));
    expect(hostPort.processes().length).toBe(3); // the host sees the container's shell too
    expect(inner.namespaces().pid).not.toBe(hostPort.namespaces().pid);
    expect(inner.cgroup()).toMatchObject({ path: '/c1', memoryMax: 'max', pidsCurrent: 1 });
    hostPort.kill(victim, 9);
    await hostPort.wait(victim);
    await driver.idle();
  });
});
