import { describe, expect, it } from 'vitest';
import { ContainerRuntime } from '../../../src/core/kernel/container-runtime.ts';
import { KernelDriver } from '../../../src/core/kernel/driver.ts';
import { HostProcessPort } from '../../../src/core/kernel/host-process-port.ts';
import { O_CREAT, O_WRONLY } from '../../../src/core/kernel/kernel-port.ts';
import type { KernelPort } from '../../../src/core/kernel/kernel-port.ts';
import { boot } from './kernel-harness.ts';

function lab() {
  const { k, output } = boot();
  const driver = new KernelDriver(k, () => new Promise((r) => setImmediate(r)));
  const sh = k.spawnHost({ argv: ['sh'] });
  const host = new HostProcessPort(k, sh, () => driver.kick());
  const runtime = new ContainerRuntime(k, sh, () => driver.kick());
  return { k, output, driver, host, runtime };
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

async function readFile(port: KernelPort, path: string): Promise<string> {
  const fd = port.open(path, 0);
  let s = '';
  for (;;) {
    const b = await port.read(fd, 4096);
    if (b.length === 0) break;
    s += text(b);
  }
  port.close(fd);
  return s;
}

async function writeFile(port: KernelPort, path: string, data: string): Promise<void> {
  const fd = port.open(path, O_WRONLY | O_CREAT | 0o1000);
  await port.write(fd, Buffer.from(data));
  port.close(fd);
}

function shellIn(runtime: ContainerRuntime, image: string, name: string, extra: Partial<Parameters<ContainerRuntime['run']>[0]> = {}) {
  const { container, process } = runtime.run({ image, name, limits: {}, env: [], command: { kind: 'shell' }, ...extra });
  return { container, port: process.port! };
}

describe('container runtime', () => {
  it('runs an image program detached; its output is in the logs and its hostname is the container id', async () => {
    const { runtime } = lab();
    const { container, process } = runtime.run({ image: 'alpine', limits: {}, env: [], command: { kind: 'program', argv: ['hello'] } });
    expect(await process.wait()).toEqual({ kind: 'exited', code: 0 });
    expect(runtime.logs(container.name)).toBe(`Hello from ${container.id}!\n`);
    expect(runtime.list(false)).toEqual([]);
    expect(runtime.list(true)[0]).toMatchObject({ status: 'exited', exitCode: 0 });
  });

  it('an attached container\'s output reaches the caller and is kept for logs', async () => {
    const { runtime, host } = lab();
    const [r, w] = host.pipe();
    const { process } = runtime.run({ image: 'debian', name: 'att', hostname: 'box', limits: {}, env: [], command: { kind: 'program', argv: ['hello'] }, stdio: [0, w, w] });
    host.close(w);
    expect(await process.wait()).toEqual({ kind: 'exited', code: 0 });
    let shown = '';
    for (let b = await host.read(r, 100); b.length > 0; b = await host.read(r, 100)) shown += text(b);
    expect(shown).toBe('Hello from box!\n');
    expect(runtime.logs('att')).toBe(shown);
  });

  it('two distributions of one kernel: same uname -r, different os-release', async () => {
    const { runtime } = lab();
    const a = shellIn(runtime, 'alpine', 'a').port;
    const d = shellIn(runtime, 'debian:12', 'd').port;
    expect(a.uname().release).toBe(d.uname().release);
    expect(await readFile(a, '/etc/os-release')).toMatch(/PRETTY_NAME="Alpine Linux v3.20"/);
    expect(await readFile(d, '/etc/os-release')).toMatch(/PRETTY_NAME="Debian GNU\/Linux 12 \(bookworm\)"/);
    expect(runtime.images().map((i) => `${i.repository}:${i.tag}`)).toEqual(['alpine:3.20', 'debian:12']);
  });

  it('a container sees pid 1, its hostname, its own root and /proc', async () => {
    const { runtime, host } = lab();
    const { port, container } = shellIn(runtime, 'alpine', 'web', { hostname: 'web1' });
    expect(port.pid).toBe(1);
    expect(port.uname().nodename).toBe('web1');
    expect(await readFile(port, '/etc/hostname')).toBe('web1\n');
    expect(port.readdir('/').map((e) => e.name).sort()).toEqual(['bin', 'dev', 'etc', 'proc', 'root', 'sys', 'tmp']);
    expect(port.readdir('/proc').map((e) => e.name)).toContain('1');
    expect(await readFile(port, '/proc/1/status')).toMatch(/^Name:\tsh\n/);
    expect(port.processes().map((p) => p.pid)).toEqual([1]);
    // The host sees the container's shell under its real pid, owned by an unprivileged uid.
    const seen = host.processes().find((p) => p.pid === container.hostPid)!;
    expect(seen.pid).toBeGreaterThan(1);
    expect(seen.uid).toBeGreaterThanOrEqual(100000);
  });

  it('copy-up on write, whiteouts on delete: lower layers and neighbours are untouched', async () => {
    const { runtime, host, k } = lab();
    const a = shellIn(runtime, 'alpine', 'a').port;
    const b = shellIn(runtime, 'alpine', 'b').port;
    await writeFile(a, '/etc/os-release', 'PRETTY_NAME="hacked"\n');
    await writeFile(a, '/tmp/secret', 'only in a');
    a.unlink('/bin/cat');
    expect(await readFile(a, '/etc/os-release')).toBe('PRETTY_NAME="hacked"\n');
    expect(await readFile(b, '/etc/os-release')).toMatch(/Alpine/);
    expect(() => b.stat('/tmp/secret')).toThrow(expect.objectContaining({ errno: 2 }));
    expect(b.stat('/bin/cat').type).toBe('file');
    expect(() => a.stat('/bin/cat')).toThrow(expect.objectContaining({ errno: 2 }));
    // The layer itself is read-only, even for the host's root.
    expect(() => host.open('/var/lib/trapdoor/layers/alpine-3.20/etc/os-release', O_WRONLY)).toThrow(expect.objectContaining({ errno: 30 }));
    expect(() => host.unlink('/var/lib/trapdoor/layers/base/bin/cat')).toThrow(expect.objectContaining({ errno: 30 }));
    expect(k.fs.lookup('/var/lib/trapdoor/layers/base/bin/cat')).toBeDefined();
  });

  it('cannot reach other containers\' files or the host through .. or symlinks', async () => {
    const { runtime, host } = lab();
    const a = shellIn(runtime, 'alpine', 'a').port;
    await writeFile(host, '/tmp/host-secret', 'host');
    a.chdir('/../../..');
    expect(a.getcwd()).toBe('/');
    expect(() => a.stat('/../../tmp/host-secret')).toThrow(expect.objectContaining({ errno: 2 }));
    expect(() => a.stat('/var/lib/trapdoor')).toThrow(expect.objectContaining({ errno: 2 }));
  });

  it('the program text is shared by every container and counted once', async () => {
    const { runtime, k } = lab();
    const before = k.textCache.sharedPages;
    const procs = ['x', 'y', 'z'].map((name) => runtime.run({ image: 'alpine', name, limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '100'] } }));
    await new Promise((r) => setImmediate(r));
    const textPages = k.textCache.sharedPages - before;
    expect(textPages).toBeGreaterThan(0);
    const debian = runtime.run({ image: 'debian', name: 'w', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '100'] } });
    expect(k.textCache.sharedPages - before).toBe(textPages); // another distribution, same binary
    for (const { container } of [...procs, debian]) runtime.remove(container.name, true);
  });

  it('memory.max OOM-kills a hog with a message; pids.max stops a fork bomb; the host keeps answering', async () => {
    const { runtime, host } = lab();
    const hog = runtime.run({ image: 'alpine', name: 'hog', limits: { memoryBytes: 4 << 20 }, env: [], command: { kind: 'program', argv: ['hog'] } });
    const status = await hog.process.wait();
    expect(status).toMatchObject({ kind: 'signaled', signal: 9 });
    expect((status as { message?: string }).message).toMatch(/^Out of memory: Killed process \d+ \(hog\)/);
    expect(runtime.logs('hog')).toMatch(/hog: allocated 3 MiB\n$/);

    const bomb = runtime.run({ image: 'alpine', name: 'bomb', limits: { pidsLimit: 20 }, env: [], command: { kind: 'program', argv: ['forkbomb'] } });
    await host.sleep(50_000_000); // 50 ms of virtual time
    const stats = runtime.stats().find((s) => s.name === 'bomb')!;
    expect(stats.pids).toBe(20);
    expect(runtime.logs('bomb')).toMatch(/forkbomb: fork: Resource temporarily unavailable/);
    expect(host.uname().sysname).toBe('Linux'); // still answering
    runtime.remove(bomb.container.name, true);
    await bomb.process.wait();
    expect(host.processes().map((p) => p.command)).toEqual(['sh']);
  });

  it('cpu.max holds a spinner to --cpus', async () => {
    const { runtime, host } = lab();
    runtime.run({ image: 'alpine', name: 'half', limits: { cpus: 0.25 }, env: [], command: { kind: 'program', argv: ['spin'] } });
    runtime.stats();
    await host.sleep(200_000_000);
    const s = runtime.stats()[0]!;
    expect(s.cpuPercent).toBeGreaterThan(20);
    expect(s.cpuPercent).toBeLessThan(30);
    runtime.remove('half', true);
  });

  it('/sys/fs/cgroup shows the container\'s limits read-only; the host can change them', async () => {
    const { runtime, host } = lab();
    const { port, container } = shellIn(runtime, 'alpine', 'lim', { limits: { memoryBytes: 64 << 20, pidsLimit: 10 } });
    expect(await readFile(port, '/sys/fs/cgroup/memory.max')).toBe(`${64 << 20}\n`);
    expect(await readFile(port, '/sys/fs/cgroup/pids.current')).toBe('1\n');
    expect(() => port.open('/sys/fs/cgroup/memory.max', O_WRONLY)).toThrow(expect.objectContaining({ errno: 30 }));
    // The host mounts the whole hierarchy writable.
    await writeFile(host, `/sys/fs/cgroup/docker/${container.id}/pids.max`, '5');
    expect(port.cgroup().pidsMax).toBe('5');
  });

  it('errors read like docker\'s', () => {
    const { runtime } = lab();
    expect(() => runtime.run({ image: 'nope', limits: {}, env: [], command: { kind: 'shell' } })).toThrow("Unable to find image 'nope' locally");
    shellIn(runtime, 'alpine', 'dup');
    expect(() => shellIn(runtime, 'alpine', 'dup')).toThrow('Conflict. The container name "/dup" is already in use');
    expect(() => runtime.remove('dup', false)).toThrow(/You cannot remove a running container/);
    expect(() => runtime.logs('ghost')).toThrow('No such container: ghost');
    expect(() => runtime.run({ image: 'alpine', limits: {}, env: [], command: { kind: 'program', argv: ['vim'] } })).toThrow('exec: "vim": executable file not found in $PATH');
  });
});
