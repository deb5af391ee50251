// One way to run a guest. Every way a program runs — the bare machine, a guest kernel under
// the hypervisor (full, pv, hw), a process of the host kernel — is a Session: run it for a
// budget and it says why it stopped; ask it for its result at any time. The CLI, lessons,
// the worker's engine, Compare and the data centre all drive Sessions.
//
//   const s = createSession(image, { mode })     // runner.ts picks the implementation
//   s.run(budget): Stop                          // at most `budget` instructions
//   s.result(): RunResult                        // console, counts, exits, cost so far
//   s.hart, s.readMemory(addr, n)                // registers and memory, for checks and views
//   runToEnd(s, maxInstructions)                 // drive it until it ends
//
// This file is a contract shared by every floor of core: it imports nothing but types.

import type { RunResult } from './run-result.ts';

/**
 * Why a run stopped: the one stop type above the hart (the hart's own is CpuStop).
 * `idle` and `yield` only come from a VM run by a scheduler of VMs; a Session run alone
 * sleeps through its idle time itself and never returns them.
 */
export type Stop =
  | { kind: 'budget' }
  /** Reached a breakpoint (the debugger's set on the hart) before executing `pc`. */
  | { kind: 'breakpoint'; pc: number }
  /** Powered off, tohost, or exit(): the program's own status. */
  | { kind: 'exit'; exitCode: number }
  /** Waits (wfi, or blocked) with nothing that could ever wake it. */
  | { kind: 'wfi-idle' }
  | { kind: 'fault'; message: string }
  /** Asleep in wfi until its virtual timer: `idleCycles` of guest time a scheduler may skip. */
  | { kind: 'idle'; idleCycles: number }
  /** Gave back the rest of its time slice (a paravirtual yield). */
  | { kind: 'yield' };

/** True when a stop ends the run (exit, fault, waiting forever). */
export function isFinal(stop: Stop): boolean {
  return stop.kind === 'exit' || stop.kind === 'fault' || stop.kind === 'wfi-idle';
}

/** The control and status registers a debugger reads. */
export interface CsrReader {
  read(num: number): number | undefined;
}

/** The hart as a debugger sees it (the isa's Cpu satisfies it). */
export interface Hart {
  pc: number;
  readonly x: Int32Array;
  /** Privilege mode: 3 = M, 1 = S, 0 = U. */
  readonly priv: number;
  readonly csr: CsrReader;
  /** run() stops before executing one of these (resuming at one executes it). */
  readonly breakpoints: Set<number>;
}

export interface Session {
  readonly mode: RunResult['mode'];
  /**
   * Runs at most `budget` instructions; never throws for anything the guest does. A
   * breakpoint at the current pc is executed (that is how a debugger resumes).
   */
  run(budget: number): Stop;
  /** What the run produced so far; `end` comes from the last stop ('budget' while it may go on). */
  result(): RunResult;
  /** Instructions retired so far. */
  instructions(): number;
  cycles(): number;
  readonly hart: Hart;
  /** The hart as the guest believes it is, when a hypervisor virtualizes it. */
  readonly virtualHart?: { readonly priv: number; readonly csr: CsrReader };
  /** Guest memory, without side effects (no device reads); null unless all of it is memory. */
  readMemory(addr: number, length: number): Uint8Array | null;
}

/** Instructions per run() call while driving a session to its end. */
export const SLICE = 1_000_000;

/**
 * Drives a session until it ends or has run `maxInstructions` (then its result ends
 * 'budget' with `budgetMessage`). Each call counts at least one instruction, so a guest
 * idling in wfi still uses up its budget.
 */
export function runToEnd(session: Session, maxInstructions = Infinity, budgetMessage = 'instruction limit reached'): RunResult {
  const start = session.instructions();
  for (;;) {
    const left = maxInstructions - (session.instructions() - start);
    if (left <= 0) return withMessage(session.result(), 'budget', budgetMessage);
    const before = session.instructions();
    const stop = session.run(Math.min(SLICE, left));
    if (stop.kind === 'breakpoint') return withMessage(session.result(), 'fault', `breakpoint at 0x${stop.pc.toString(16)}`);
    if (isFinal(stop)) return session.result();
    if (session.instructions() === before && maxInstructions !== Infinity) {
      // Nothing retired (asleep, or a trap loop): count the call so the budget still ends it.
      maxInstructions -= 1;
    }
  }
}

/** A result with its end and message set (the message keeps its place among the keys). */
export function withMessage(result: RunResult, end: RunResult['end'], message: string): RunResult {
  result.end = end;
  result.message = message;
  return result;
}
