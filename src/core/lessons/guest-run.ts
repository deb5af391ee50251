// One program on one machine, run to its end, with its RAM still there to read: the bare
// machine, or one guest under the hypervisor (optionally saved to a snapshot part-way and
// finished in a clone restored from it: what backup and restore do).

import type { ProgramImage } from '../asm/image.ts';
import type { RunResult } from '../run-result.ts';
import { createSession } from '../runner.ts';
import { runToEnd, type Session } from '../session.ts';
import type { CostModel } from '../vmm/cost-model.ts';
import { cloneFromSnapshot, saveSnapshot } from '../vmm/snapshot.ts';
import type { VmMode } from '../vmm/vm.ts';
import { VmSession } from '../vmm/vm-session.ts';
import type { MemoryReader } from './guest-memory-read.ts';

export interface GuestRun {
  result: RunResult;
  read: MemoryReader;
  figures: Record<string, number>;
}

export interface GuestRunOptions {
  mode: 'bare' | VmMode;
  maxInstructions: number;
  ramSize?: number;
  costModel?: Partial<CostModel>;
}

/** Runs the program alone to its end (or its budget). */
export function runGuest(image: ProgramImage, options: GuestRunOptions): GuestRun {
  const session = createSession(image, options);
  return finished(session, runToEnd(session, options.maxInstructions, budgetMessage(options, options.maxInstructions)), {});
}

/**
 * Runs `at` instructions, saves a snapshot, and finishes the run in a clone restored from
 * it (the original is dropped, as after a crash): the result is the clone's.
 */
export function runThroughSnapshot(image: ProgramImage, options: GuestRunOptions & { mode: VmMode }, at: number): GuestRun {
  const first = new VmSession(image, options);
  const vm = first.vm;
  runToEnd(first, Math.min(at, options.maxInstructions));
  const snapshot = saveSnapshot(vm);
  const pages = vm.getState().ram.pages.length;
  const clone = new VmSession(null, options, cloneFromSnapshot(snapshot, { costModel: vm.cost }, image));
  const left = Math.max(0, options.maxInstructions - at);
  return finished(clone, runToEnd(clone, left, budgetMessage(options, left)), { snapshotBytes: snapshot.length, snapshotPages: pages });
}

function budgetMessage(options: GuestRunOptions, max: number): string {
  return options.mode === 'bare' ? `stopped after ${max} instructions` : 'instruction limit reached';
}

function finished(session: Session, result: RunResult, figures: Record<string, number>): GuestRun {
  return { result, read: (a, n) => session.readMemory(a, n), figures };
}
