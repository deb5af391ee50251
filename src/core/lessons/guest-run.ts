// One program on one machine, run to its end, with its RAM still there to read: the bare
// machine, or one guest under the hypervisor (optionally saved to a snapshot part-way and
// finished in a clone restored from it: what backup and restore do).

import type { ProgramImage } from '../asm/image.ts';
import { latin1 } from '../kernel/bytes.ts';
import { Machine } from '../machine/machine.ts';
import type { RunEnd, RunResult } from '../run-result.ts';
import { validateCostModel, type CostModel } from '../vmm/cost-model.ts';
import { runToEnd } from '../vmm/run-under-vmm.ts';
import { cloneFromSnapshot, saveSnapshot } from '../vmm/snapshot.ts';
import { Vm, type VmMode } from '../vmm/vm.ts';
import type { MemoryReader } from './guest-memory-read.ts';

export interface GuestRun {
  result: RunResult;
  read: MemoryReader;
  figures: Record<string, number>;
}

/** Instructions per Machine.run call. */
const SLICE = 1_000_000;

export function runBare(image: ProgramImage, maxInstructions: number, ramSize?: number): GuestRun {
  const chunks: string[] = [];
  const m = new Machine({ ramSize, console: { write: (bytes: Uint8Array) => { chunks.push(latin1(bytes)); } } });
  m.load(image);
  let end: RunEnd | null = null;
  let exitCode: number | null = null;
  let message: string | undefined;
  while (end === null) {
    const left = maxInstructions - m.cpu.csr.instret;
    if (left <= 0) { end = 'budget'; message = `stopped after ${maxInstructions} instructions`; break; }
    const stop = m.run(Math.min(SLICE, left));
    if (stop.kind === 'power-off') { end = 'exit'; exitCode = stop.exitCode; }
    else if (stop.kind === 'wfi-idle') { end = 'wfi-idle'; message = 'the hart waits (wfi) with no interrupt that could ever wake it'; }
    else if (stop.kind === 'fault') { end = 'fault'; message = stop.message; }
    else if (stop.kind === 'breakpoint') { end = 'fault'; message = `breakpoint at 0x${stop.pc.toString(16)}`; }
  }
  const cpu = m.cpu;
  const result: RunResult = {
    mode: 'bare', end, exitCode, console: chunks.join(''), instructions: cpu.csr.instret, cycles: cpu.clock.cycles,
    exits: { total: 0, byCause: {} },
    cost: { guestCycles: cpu.clock.cycles - cpu.clock.idleCycles, overheadCycles: 0, idleCycles: cpu.clock.idleCycles, overheadPercent: 0, byCause: {} },
    registers: Array.from(cpu.x, (v) => v >>> 0), pc: cpu.pc >>> 0, exitLog: [],
  };
  if (message !== undefined) result.message = message;
  return { result, read: (a, n) => (m.ram.contains(a, n) ? m.ram.read(a, n) : null), figures: {} };
}

export interface VmRunOptions {
  mode: VmMode;
  maxInstructions: number;
  ramSize?: number;
  costModel?: Partial<CostModel>;
}

export function newVm(image: ProgramImage, options: Omit<VmRunOptions, 'maxInstructions'>): Vm {
  const vm = new Vm({ mode: options.mode, ramSize: options.ramSize, costModel: validateCostModel(options.costModel ?? {}) });
  vm.load(image);
  return vm;
}

export function runGuest(image: ProgramImage, options: VmRunOptions): GuestRun {
  const vm = newVm(image, options);
  const result = runToEnd(vm, options.maxInstructions);
  return { result, read: (a, n) => vm.memory.readBytes(a, n), figures: {} };
}

/**
 * Runs `at` instructions, saves a snapshot, and finishes the run in a clone restored from
 * it (the original is dropped, as after a crash): the result is the clone's.
 */
export function runThroughSnapshot(image: ProgramImage, options: VmRunOptions, at: number): GuestRun {
  const vm = newVm(image, options);
  runToEnd(vm, Math.min(at, options.maxInstructions));
  const snapshot = saveSnapshot(vm);
  const pages = vm.getState().ram.pages.length;
  const clone = cloneFromSnapshot(snapshot, { costModel: vm.cost }, image);
  const result = runToEnd(clone, Math.max(0, options.maxInstructions - at));
  return { result, read: (a, n) => clone.memory.readBytes(a, n), figures: { snapshotBytes: snapshot.length, snapshotPages: pages } };
}
