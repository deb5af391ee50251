// Fuzzing the system-call interface (issue 16): random call numbers with random argument
// words, made from a small assembled program that runs a table of calls, inside its own
// pid namespace, root and cgroup — as a container would. Whatever the calls, the kernel
// answers each with an errno or a result, never a host error (no oops); memory, processes
// and steps stay bounded; a bystander process outside is unaffected; and once the fuzzed
// processes are killed, every charge they made is returned and a new program runs normally.
// Short in `npm test`; `npm run fuzz` runs many more cases (TRAPDOOR_FUZZ_RUNS).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupfs } from '../../../src/core/kernel/cgroupfs.ts';
import { KernelStateError } from '../../../src/core/kernel/checkpoint-state.ts';
import { ContainerRuntime } from '../../../src/core/kernel/container-runtime.ts';
import type { Inode } from '../../../src/core/kernel/fs/inode.ts';
import { IMAGE_LAYERS_DIR } from '../../../src/core/kernel/fs/mem-fs.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import type { Process } from '../../../src/core/kernel/process.ts';
import { procfs } from '../../../src/core/kernel/procfs.ts';
import { SYSCALLS } from '../../../src/core/kernel/syscall.ts';
import type { SyscallHandler } from '../../../src/core/kernel/syscall-types.ts';
import { fuzzRuns, fuzzSeed } from '../fuzz-runs.ts';
import { build } from './kernel-harness.ts';

/** Path names the calls may point at (64 bytes apart from `paths`): files that exist, in
 * the image, /proc and /sys/fs/cgroup, and names to create. */
const PATHS = [
  '/etc/os-release', '/etc/hostname', '/bin/hello', '/bin', '/tmp/f', '/tmp', '..', '.', '/',
  '/proc/self/status', '/proc/1/cmdline', '/proc', '/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/cgroup.procs',
  '/sys/fs/cgroup', '../../..', '/dev/null', '/dev/console', 'x', '/etc/passwd',
];

/** Calls in one case at most; each record is a7, a0..a5 and the result a0. */
const MAX_CALLS = 48;
const RECORD = 32;

// Runs the table: every record's call, its result stored back. A fork child goes on with
// the next record, as does every thread: the table is shared chaos, on purpose.
const FUZZER = build(`
_start:
  la s0, calls
  la s1, calls_end
1:
  bgeu s0, s1, 2f
  lw a7, 0(s0)
  lw a0, 4(s0)
  lw a1, 8(s0)
  lw a2, 12(s0)
  lw a3, 16(s0)
  lw a4, 20(s0)
  lw a5, 24(s0)
  ecall
  sw a0, 28(s0)
  addi s0, s0, ${RECORD}
  j 1b
2:
  li a0, 0
  li a7, 93
  ecall
.data
calls: .zero ${MAX_CALLS * RECORD}
calls_end:
paths:
${PATHS.map((path) => `  .balign 64\n  .asciz "${path}"`).join('\n')}
  .balign 64
buf: .zero 8192
`).image;

// Outside the fuzzed namespace: sums 1..2000 with a nap in the middle, exits with it mod 256.
const BYSTANDER = build(`
_start:
  li s0, 0
  li s1, 1
  li s2, 2001
1:
  add s0, s0, s1
  addi s1, s1, 1
  li t0, 1000
  bne s1, t0, 2f
  la a0, nap
  li a1, 0
  li a7, 101            # nanosleep 1 ms
  ecall
2:
  blt s1, s2, 1b
  andi a0, s0, 255
  j exit
.data
nap: .word 0, 1000000
`).image;
const BYSTANDER_EXIT = (2000 * 2001 / 2) & 255;

const HELLO = build(`
_start:
  li a0, 42
  call print_int
  li a0, 0
  j exit
`).image;

const CALLS = FUZZER.symbols.get('calls')!;
const PATH_AT = FUZZER.symbols.get('paths')!;
const BUF = FUZZER.symbols.get('buf')!;
const TEXT = FUZZER.entry;

/** Argument words a kernel finds hard: edges of ranges, pointers good, bad and half-good. */
const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 8, 16, 64, 255, 256, 1024, 1025, 4095, 4096, 4097) },
  { weight: 2, arbitrary: fc.constantFrom(-1, -2, -100, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffff000, 0xfffffff0, 0x7ffff000, 0x80000000 - 16, 0x40000000, 0x3fffffff) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 8191 }).map((o) => BUF + o) },
  { weight: 1, arbitrary: fc.constantFrom(BUF + 4090, BUF + 8190, CALLS, TEXT, 0x10, 0x1000) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: PATHS.length - 1 }).map((i) => PATH_AT + i * 64) },
  { weight: 2, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 64 }) },
);

const KNOWN = Object.keys(SYSCALLS).map(Number);
const number = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 600 }) },
);

const call = fc.tuple(number, word, word, word, word, word, word);
const calls = fc.array(call, { minLength: 4, maxLength: MAX_CALLS, size: 'max' });

/** Per-case limits of the fuzzed cgroup. */
const PIDS_MAX = 12;
const MEMORY_MAX = 512 * 1024;
/** Steps (instructions and traps) the whole kernel may take in one case. */
const BUDGET = 400_000;
/** Only a guard against a hang: the work is bounded by the case count and BUDGET. */
const HANG_GUARD_MS = 60 * 60 * 1000;

function record(table: (readonly number[])[]): Uint8Array {
  const bytes = new Uint8Array(MAX_CALLS * RECORD);
  const view = new DataView(bytes.buffer);
  table.forEach((c, i) => c.forEach((w, j) => view.setUint32(i * RECORD + j * 4, w >>> 0, true)));
  // Unused records are exit(0): the loop ends there.
  for (let i = table.length; i < MAX_CALLS; i++) view.setUint32(i * RECORD, 93, true);
  return bytes;
}

/** The container-like world one case runs in. */
function world() {
  const out: number[] = [];
  const k = new Kernel({ consoleSink: (b) => { if (out.length < 1 << 16) out.push(...b); } });
  k.console.close();
  const root = k.fs.mkdirs('/fuzzroot');
  k.fs.mkdirs('/tmp', root).perm = 0o1777;
  k.fs.writeFile('/etc/hostname', new TextEncoder().encode('fuzz\n'), 0o644, root);
  const cg = k.rootCgroup.child('fuzz');
  cg.pidsMax = PIDS_MAX;
  cg.memoryMax = MEMORY_MAX;
  const ns = k.newNamespaces('fuzz', root, 100000);
  root.entries!.set('proc', procfs(k, ns.pid, root));
  const sysFs = k.fs.mkdirs('/sys/fs', root);
  sysFs.entries!.set('cgroup', cgroupfs(k, cg, false, sysFs, ns.pid));
  const bystander = k.spawn({ image: BYSTANDER, argv: ['bystander'] });
  return { k, cg, ns, root, bystander, out };
}

/** Names, types, sizes and contents of a directory tree (to compare before and after). */
function snapshotTree(dir: Inode, depth = 0): unknown {
  if (dir.type !== 'dir' || depth > 32) return [dir.type, dir.perm, Array.from(dir.contents())];
  return [...dir.entries!].filter(([name]) => name !== '..').sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, child]) => [name, snapshotTree(child, depth + 1)]);
}

function fuzzedProcesses(k: Kernel, cgroupOf: { path(): string }): Process[] {
  return [...k.processes.values()].filter((p) => p.cgroup === cgroupOf);
}

/** The same, inside a real container: an overlay root over an image's read-only layers. */
function containerWorld() {
  const k = new Kernel({ parseProgram: (b) => readElf(b) });
  k.console.close();
  const host = k.spawnHost({ argv: ['sh'] });
  const runtime = new ContainerRuntime(k, host);
  const { container } = runtime.run({
    image: 'alpine', limits: { memoryBytes: MEMORY_MAX, pidsLimit: PIDS_MAX }, env: [],
    command: { kind: 'program', argv: ['sleep', '1000'] },
  });
  const init = k.processes.get(container.hostPid)!;
  const bystander = k.spawn({ image: BYSTANDER, argv: ['bystander'] });
  return { k, runtime, init, bystander };
}

/**
 * Every handler's return value checked on the way out: a result or -errno is an integer a
 * register can hold (a NaN or 1.5 would silently become something else in a0).
 */
const badResults: string[] = [];
const originals = new Map<number, SyscallHandler>();
beforeAll(() => {
  for (const [num, entry] of Object.entries(SYSCALLS)) {
    const handler = entry.handler;
    originals.set(Number(num), handler);
    entry.handler = (k, p, a) => {
      const r = handler(k, p, a);
      if (typeof r === 'number' && !(Number.isInteger(r) && r >= -(2 ** 31) && r < 2 ** 32)) {
        badResults.push(`${entry.name}(${a.join(', ')}) returned ${r}`);
      }
      return r;
    };
  }
});
afterAll(() => {
  for (const [num, handler] of originals) SYSCALLS[num]!.handler = handler;
});

describe('system-call argument fuzzing', () => {
  it('random system calls get an errno or a result; the kernel stays bounded and consistent, the bystander unharmed', () => {
    fc.assert(fc.property(calls, fc.constantFrom(0, 1000), (table, uid) => {
      const { k, cg, ns, root, bystander } = world();
      // As root of its user namespace, or as an ordinary user (the permission checks).
      const fuzzer = k.spawn({ image: FUZZER, argv: ['fuzz'], ns, cgroup: cg, cwd: root, creds: { uid, gid: uid } });
      fuzzer.space.poke(CALLS, record(table));
      let maxProcesses = 0;
      for (let slice = 0; slice < 8; slice++) {
        const stop = k.run(BUDGET / 8);
        maxProcesses = Math.max(maxProcesses, k.processes.size);
        if (stop.kind !== 'budget') break;
      }
      // Never a host error: every exception a call raised became an errno or a kill.
      expect(k.oopses, k.messages.join('\n')).toBe(0);
      expect(badResults).toEqual([]);
      // Bounded: pids.max and memory.max held, the logs kept their length.
      expect(maxProcesses).toBeLessThanOrEqual(PIDS_MAX + 1);
      expect(cg.memoryCurrent).toBeLessThanOrEqual(MEMORY_MAX);
      expect(k.messages.length).toBeLessThanOrEqual(1000);
      expect(k.events.length).toBeLessThanOrEqual(k.eventLogLength);
      // Saving the state works or is refused clearly (a process asleep where checkpoints
      // cannot follow yet, such as rt_sigsuspend): never a crash.
      try {
        k.getState();
      } catch (e) {
        expect(e).toBeInstanceOf(KernelStateError);
      }
      // The host ends the fuzzed processes; everything they held comes back.
      for (let round = 0; round < 4 && fuzzedProcesses(k, cg).length > 0; round++) {
        for (const p of fuzzedProcesses(k, cg)) k.signal(p, 9);
        k.run(50_000);
      }
      expect(fuzzedProcesses(k, cg)).toEqual([]);
      expect(cg.pidsCurrent).toBe(0);
      expect(cg.memoryCurrent).toBe(0);
      // The bystander ran to its end with the right answer.
      k.run(BUDGET);
      expect(bystander.killedBy).toBe(0);
      expect(bystander.state).toBe('zombie');
      expect((bystander.waitStatus >> 8) & 0xff).toBe(BYSTANDER_EXIT);
      // And the kernel still runs a new program correctly, with nothing left charged.
      expect(k.processes.size).toBe(0);
      expect(k.rootCgroup.pidsCurrent).toBe(0);
      expect(k.rootCgroup.memoryCurrent).toBe(0);
      const hello = k.spawn({ image: HELLO, argv: ['hello'] });
      k.run(100_000);
      expect(hello.state).toBe('zombie');
      expect(hello.waitStatus).toBe(0);
      expect(k.oopses).toBe(0);
    }), { numRuns: fuzzRuns(25), seed: fuzzSeed() });
  }, HANG_GUARD_MS);

  it('random system calls inside a container leave its image layers, the host and other processes unharmed', () => {
    fc.assert(fc.property(calls, (table) => {
      const { k, runtime, init, bystander } = containerWorld();
      const layers = k.fs.lookup(IMAGE_LAYERS_DIR)!;
      const layersBefore = JSON.stringify(snapshotTree(layers));
      const fuzzer = k.spawn({ image: FUZZER, argv: ['fuzz'], ns: init.ns, cgroup: init.cgroup, cwd: init.root });
      fuzzer.space.poke(CALLS, record(table));
      k.run(BUDGET, false); // no idle skip: the container's sleeping init must not time out
      expect(k.oopses, k.messages.join('\n')).toBe(0);
      expect(badResults).toEqual([]);
      expect(init.cgroup.memoryCurrent).toBeLessThanOrEqual(MEMORY_MAX);
      // The host ends the container (its init may have ended already: idle time skips ahead).
      runtime.remove(init.cgroup.name, true);
      for (let round = 0; round < 4 && fuzzedProcesses(k, init.cgroup).length > 0; round++) {
        for (const p of fuzzedProcesses(k, init.cgroup)) k.signal(p, 9);
        k.run(50_000);
      }
      expect(fuzzedProcesses(k, init.cgroup)).toEqual([]);
      expect(init.cgroup.pidsCurrent).toBe(0);
      expect(init.cgroup.memoryCurrent).toBe(0);
      k.run(BUDGET);
      expect((bystander.waitStatus >> 8) & 0xff).toBe(BYSTANDER_EXIT);
      // The image's read-only layers are exactly as they were.
      expect(JSON.stringify(snapshotTree(layers))).toBe(layersBefore);
    }), { numRuns: fuzzRuns(8), seed: fuzzSeed() });
  }, HANG_GUARD_MS);
});
