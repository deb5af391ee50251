// OS-level virtualization at scale (issue 4): how long the host kernel takes to start
// 10,000 containers that each run a sleeping RV32 process, how much kernel memory an idle
// container costs beyond its private pages, how long removing them all and checkpointing
// the kernel take, and the memory of the same number of idle VMs (the hypervisor's
// approach: a guest kernel and RAM each) for comparison. Then the speed of Linux processes:
// the CPU-bound C programs of the interpreter section, built as static Linux programs
// (bench/programs/*.linux.elf), run as processes of the host kernel.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assemble } from '../src/core/asm/assembler.ts';
import { readElf } from '../src/core/asm/elf-reader.ts';
import { ContainerRuntime } from '../src/core/kernel/container-runtime.ts';
import { PAGE_SIZE } from '../src/core/kernel/frame.ts';
import { Kernel } from '../src/core/kernel/kernel.ts';
import { Vm } from '../src/core/vmm/vm.ts';
import type { BenchRow, BenchSection } from './section.ts';
import { median } from './section.ts';

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 10_000);
/** VMs are measured on fewer instances and scaled (each keeps its RAM pages alive). */
const VM_SAMPLE = 500;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapNow(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A fresh kernel with its images built (not timed): the host is up before containers start. */
function bootKernel(): { k: Kernel; runtime: ContainerRuntime } {
  const k = new Kernel({ parseProgram: (b) => readElf(b) });
  const runtime = new ContainerRuntime(k, k.spawnHost({ argv: ['sh'] }));
  return { k, runtime };
}

interface Started {
  ms: number;
  k: Kernel;
  runtime: ContainerRuntime;
  names: string[];
  bytesPerContainer: number;
  privatePages: number;
}

function startContainers(n: number): Started {
  const { k, runtime } = bootKernel();
  const names: string[] = [];
  const before = heapNow();
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    names.push(runtime.run({ image: i % 2 ? 'alpine' : 'debian', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '100000'] } }).container.name);
  }
  k.run(n * 2000, false); // every process runs until it is asleep in nanosleep
  const ms = performance.now() - t;
  let privatePages = 0;
  let sleeping = 0;
  for (const p of k.processes.values()) {
    privatePages += p.space.privatePages();
    if (p.state === 'sleeping' && !p.host) sleeping++;
  }
  if (sleeping !== n) throw new Error(`only ${sleeping} of ${n} containers reached sleep`);
  const bytes = heapNow() - before;
  return { ms, k, runtime, names, bytesPerContainer: (bytes - privatePages * PAGE_SIZE) / n, privatePages: privatePages / n };
}

/** Checkpoint of the whole kernel with its containers, restored into a fresh one. */
function checkpoint(s: Started): { saveMs: number; restoreMs: number; frames: number; sharedFrames: number } {
  let t = performance.now();
  const state = s.k.getState();
  const saveMs = performance.now() - t;
  const fresh = bootKernel();
  t = performance.now();
  fresh.k.setState(state);
  const restoreMs = performance.now() - t;
  return { saveMs, restoreMs, frames: state.frames.length, sharedFrames: state.frames.filter((f) => f.shared).length };
}

/** `container rm -f` of every container: kills each init (a sleeping process) and forgets it. */
function removeAll(s: Started): number {
  const t = performance.now();
  for (const name of s.names) s.runtime.remove(name, true);
  const ms = performance.now() - t;
  if (s.runtime.list(true).length !== 0 || s.k.processes.size !== 1) throw new Error('containers left after rm');
  return ms;
}

const LINUX_PROGRAMS = ['sieve', 'crc32', 'sort'];
const programsDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'programs');

/** Guest MIPS of a static Linux program run as a process (CPU time of this Node process). */
function linuxMips(name: string): { mips: number; cpuMips: number; instructions: number } {
  const out: number[] = [];
  const k = new Kernel({ consoleSink: (b) => out.push(...b), parseProgram: (b) => readElf(b) });
  const p = k.spawn({ image: readElf(readFileSync(join(programsDir, `${name}.linux.elf`))), argv: [name] });
  const t = performance.now();
  const cpu = process.cpuUsage();
  k.run(4e9);
  const seconds = (performance.now() - t) / 1000;
  const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
  if (p.state !== 'zombie' || p.waitStatus !== 0 || !Buffer.from(out).toString('latin1').startsWith(name)) {
    throw new Error(`${name}.linux.elf did not run to completion`);
  }
  return { mips: k.instructions / seconds / 1e6, cpuMips: k.instructions / cpuSeconds / 1e6, instructions: k.instructions };
}

const IDLE_GUEST = `
.globl _start
_start:
  la sp, stack_top
  li t0, 0x10000000
  li t1, 0x4f
  sb t1, 0(t0)
1: wfi
  j 1b
.bss
.align 4
stack: .space 4096
stack_top:
`;

/**
 * Bytes per idle VM: its objects on the heap, its dirty-page map, and the guest RAM pages it
 * touched (the 128 MiB RAM buffer is reserved whole, but the OS commits only touched pages).
 */
function idleVms(n: number): number {
  const image = assemble(IDLE_GUEST, { file: 'idle.s' }).image!;
  gc();
  const before = process.memoryUsage().heapUsed;
  const vms: Vm[] = [];
  for (let i = 0; i < n; i++) {
    const vm = new Vm({ mode: 'full' });
    vm.load(image);
    vm.run(10_000);
    vms.push(vm);
  }
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  const ram = vms.reduce((sum, vm) => sum + vm.ram.touchedPages().length * 4096 + vm.ram.dirty.length, 0);
  return (heap + ram) / n;
}

export const containers: BenchSection = {
  name: 'containers',
  run(context): BenchRow[] {
    const reps = Math.max(1, Math.min(context.repetitions, 3));
    const runs = Array.from({ length: reps }, () => startContainers(CONTAINERS));
    const last = runs[runs.length - 1]!;
    context.log(`${CONTAINERS} containers, ${last.k.textCache.sharedPages} shared text pages for all of them`);
    const saved = checkpoint(last);
    const rmMs = removeAll(last);
    const vmBytes = idleVms(VM_SAMPLE);
    const linux = LINUX_PROGRAMS.map((name) => {
      const rs = Array.from({ length: reps }, () => linuxMips(name));
      return { name, mips: median(rs.map((r) => r.mips)), cpuMips: median(rs.map((r) => r.cpuMips)), instructions: rs[0]!.instructions };
    });
    return [
      ...linux.map((l): BenchRow => ({ measure: `Linux process ${l.name}.linux.elf, ${l.instructions} instructions: MIPS (wall)`, value: Math.round(l.mips), unit: 'MIPS', target: '' })),
      ...linux.map((l): BenchRow => ({ measure: `Linux process ${l.name}.linux.elf: MIPS (cpu time)`, value: Math.round(l.cpuMips), unit: 'MIPS', target: '' })),
      { measure: `remove ${CONTAINERS} containers (container rm -f each)`, value: Math.round(rmMs), unit: 'ms', target: '' },
      { measure: `checkpoint the kernel with ${CONTAINERS} containers (getState)`, value: Math.round(saved.saveMs), unit: 'ms', target: '' },
      { measure: `restore it into a fresh kernel (setState)`, value: Math.round(saved.restoreMs), unit: 'ms', target: '' },
      { measure: `page frames in the checkpoint (shared code frames among them, saved once)`, value: saved.frames, unit: `frames (${saved.sharedFrames} shared)`, target: '' },
      { measure: `start ${CONTAINERS} containers (sleeping RV32 process each)`, value: Math.round(median(runs.map((r) => r.ms))), unit: 'ms', target: '< 1000' },
      { measure: 'kernel memory per idle container, beyond private pages', value: Math.round(median(runs.map((r) => r.bytesPerContainer))), unit: 'bytes', target: '< 8192' },
      { measure: 'private pages per idle container', value: last.privatePages, unit: 'pages', target: '' },
      { measure: `memory of ${CONTAINERS} idle containers`, value: Math.round((last.bytesPerContainer + last.privatePages * PAGE_SIZE) * CONTAINERS / 2 ** 20), unit: 'MiB', target: '' },
      { measure: `memory of ${CONTAINERS} idle VMs (touched RAM + VMM state, measured on ${VM_SAMPLE})`, value: Math.round(vmBytes * CONTAINERS / 2 ** 20), unit: 'MiB', target: '' },
    ];
  },
};
