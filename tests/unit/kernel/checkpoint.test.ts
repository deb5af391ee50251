import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { StateVersionError } from '../../../src/core/isa/state-header.ts';
import { KernelStateError, type KernelState } from '../../../src/core/kernel/checkpoint-state.ts';
import { ContainerRuntime } from '../../../src/core/kernel/container-runtime.ts';
import { HostProcessPort } from '../../../src/core/kernel/host-process-port.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';
import { O_CREAT, O_WRONLY } from '../../../src/core/kernel/kernel-port.ts';

/** A host as the CLI builds it: kernel, the shell process, the runtime (in this order). */
function world() {
  const out: number[] = [];
  const k = new Kernel({ consoleSink: (b) => out.push(...b), parseProgram: (b) => readElf(b) });
  const sh = k.spawnHost({ argv: ['sh'] });
  const port = new HostProcessPort(k, sh);
  const runtime = new ContainerRuntime(k, sh);
  const text = (from = 0): string => Buffer.from(out.slice(from)).toString('latin1');
  return { k, sh, port, runtime, out, text };
}

type World = ReturnType<typeof world>;

const JOBS: ((w: World, i: number) => void)[] = [
  (w, i) => w.runtime.run({ image: 'alpine', name: `count${i}`, limits: {}, env: [], command: { kind: 'program', argv: ['counter', '3'] }, stdio: [0, 1, 2] }),
  (w, i) => w.runtime.run({ image: 'debian', name: `hello${i}`, hostname: `h${i}`, limits: {}, env: [], command: { kind: 'program', argv: ['hello'] }, stdio: [0, 1, 2] }),
  (w, i) => w.runtime.run({ image: 'alpine', name: `bomb${i}`, limits: { pidsLimit: 4 }, env: [], command: { kind: 'program', argv: ['forkbomb'] } }),
  (w, i) => w.runtime.run({ image: 'debian', name: `hog${i}`, limits: { memoryBytes: 2 << 20 }, env: [], command: { kind: 'program', argv: ['hog'] }, stdio: [0, 1, 2] }),
  (w, i) => w.runtime.run({ image: 'alpine', name: `spin${i}`, limits: { cpus: 0.5 }, env: [], command: { kind: 'program', argv: ['spin'] } }),
  (w, i) => w.runtime.run({ image: 'alpine', name: `nap${i}`, limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '2'] } }),
  (w, i) => {
    // A pipe between two processes, and a file written through the overlay (copy-up).
    const { process } = w.runtime.run({ image: 'debian', name: `sh${i}`, limits: {}, env: [], command: { kind: 'shell' } });
    const port = process.port!;
    const fd = port.open('/etc/issue', O_WRONLY | O_CREAT | 0o1000);
    void port.write(fd, Buffer.from(`changed by ${i}\n`));
    port.close(fd);
    const [r, wr] = port.pipe();
    port.spawn({ path: '/bin/cat', argv: ['cat'], env: [], stdio: [r, 1, 2] });
    void port.write(wr, Buffer.from(`through a pipe ${i}\n`));
    port.close(r);
  },
];

function scenario(jobs: number[]): World {
  const w = world();
  w.k.console.close();
  jobs.forEach((j, i) => JOBS[j]!(w, i));
  return w;
}

describe('kernel checkpoint and restore', () => {
  it('run k, save, restore in a fresh kernel, run m: the same output and state as running on', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: JOBS.length - 1 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 1_500_000 }), fc.integer({ min: 1, max: 1_500_000 }),
      (jobs, before, after) => {
        const a = scenario(jobs);
        a.k.run(before);
        const saved = structuredClone(a.k.getState());
        const mark = a.out.length;
        const b = world();
        b.k.setState(saved);
        a.k.run(after);
        b.k.run(after);
        expect(b.text()).toBe(a.text(mark));
        expect(b.k.getState()).toEqual(a.k.getState());
        expect(b.runtime.list(true)).toEqual(a.runtime.list(true));
      },
    ), { numRuns: 8 });
  }, 60_000);

  it('the restored host shell keeps working through its port, and sees the restored containers', async () => {
    const a = scenario([1, 5, 6]);
    a.k.run(500_000, false);
    const b = world();
    b.k.setState(a.k.getState());
    expect(b.port.processes().map((p) => p.command)).toEqual(a.port.processes().map((p) => p.command));
    expect(b.runtime.list(false).map((c) => c.name)).toEqual(['sh2', 'nap1']);
    const inner = b.runtime.exec('sh2', { kind: 'shell' }, []).port!;
    const fd = inner.open('/etc/issue', 0);
    expect(Buffer.from(await inner.read(fd, 100)).toString()).toBe('changed by 2\n');
    expect(inner.uname().nodename).toBe(b.runtime.inspect('sh2').id);
  });

  it('saves a code page shared by many processes once', () => {
    const w = world();
    for (let i = 0; i < 40; i++) w.runtime.run({ image: 'alpine', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '100'] } });
    w.k.run(200_000, false);
    const state = w.k.getState();
    const shared = state.frames.filter((f) => f.shared && !f.system).length;
    expect(shared).toBe(w.k.textCache.sharedPages);
    expect(shared).toBeLessThan(10);
    // Image layers are referred to by path, not copied.
    expect(state.inodes.filter((n) => n.k === 'ref').length).toBeGreaterThan(5);
    expect(state.inodes.some((n) => n.k === 'node' && n.data !== null && n.data.length > 4000)).toBe(false);
  });

  it('refuses another version or a corrupt state with a clear message and changes nothing', () => {
    const a = scenario([0, 1]);
    a.k.run(300_000);
    const good = a.k.getState();
    const b = scenario([4]);
    b.k.run(100_000);
    const before = b.k.getState();
    const outBefore = b.out.length;
    expect(() => b.k.setState({ ...good, version: 99 })).toThrow(StateVersionError);
    expect(() => b.k.setState({ ...good, version: 99 })).toThrow(/saved kernel state has version 99, this build reads version 3/);
    expect(() => b.k.setState({ kind: 'vm' } as unknown as KernelState)).toThrow(/not a saved kernel state/);
    const corrupt = structuredClone(good);
    corrupt.processes[0]!.files[0] = 9999;
    expect(() => b.k.setState(corrupt)).toThrow(KernelStateError);
    expect(() => b.k.setState(corrupt)).toThrow(/corrupt kernel state: no open file 9999/);
    const mangled = structuredClone(good) as unknown as { inodes: unknown };
    mangled.inodes = 'nope';
    expect(() => b.k.setState(mangled as unknown as KernelState)).toThrow(/corrupt kernel state/);
    expect(b.k.getState()).toEqual(before);
    b.k.run(100_000);
    expect(b.out.length).toBeGreaterThanOrEqual(outBefore);
  });

  it('refuses a state with containers in a kernel that has no container runtime (layers missing)', () => {
    const a = scenario([1]);
    a.k.run(100_000);
    const bare = new Kernel({ parseProgram: (b) => readElf(b) });
    bare.spawnHost({ argv: ['sh'] });
    const before = bare.getState();
    expect(() => bare.setState(a.k.getState())).toThrow(/the state needs containers.dev, which this kernel does not have/);
    expect(bare.getState()).toEqual(before);
  });
});
