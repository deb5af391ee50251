// OS-level virtualization at scale (issue 4): how long the host kernel takes to start
// 10,000 containers that each run a sleeping RV32 process, how much kernel memory an idle
// container costs beyond its private pages, and the memory of the same number of idle VMs
// (the hypervisor's approach: a guest kernel and RAM each) for comparison.

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

function startContainers(n: number): { ms: number; k: Kernel; bytesPerContainer: number; privatePages: number } {
  const { k, runtime } = bootKernel();
  const before = heapNow();
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    runtime.run({ image: i % 2 ? 'alpine' : 'debian', limits: {}, env: [], command: { kind: 'program', argv: ['sleep', '100000'] } });
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
  return { ms, k, bytesPerContainer: (bytes - privatePages * PAGE_SIZE) / n, privatePages: privatePages / n };
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
    const vmBytes = idleVms(VM_SAMPLE);
    return [
      { measure: `start ${CONTAINERS} containers (sleeping RV32 process each)`, value: Math.round(median(runs.map((r) => r.ms))), unit: 'ms', target: '< 1000' },
      { measure: 'kernel memory per idle container, beyond private pages', value: Math.round(median(runs.map((r) => r.bytesPerContainer))), unit: 'bytes', target: '< 8192' },
      { measure: 'private pages per idle container', value: last.privatePages, unit: 'pages', target: '' },
      { measure: `memory of ${CONTAINERS} idle containers`, value: Math.round((last.bytesPerContainer + last.privatePages * PAGE_SIZE) * CONTAINERS / 2 ** 20), unit: 'MiB', target: '' },
      { measure: `memory of ${CONTAINERS} idle VMs (touched RAM + VMM state, measured on ${VM_SAMPLE})`, value: Math.round(vmBytes * CONTAINERS / 2 ** 20), unit: 'MiB', target: '' },
    ];
  },
};
