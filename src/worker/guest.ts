// What the engine drives: one loaded program on some machine (bare, under the
// hypervisor, or as a process). Each mode adapts its core object to this shape, so the
// engine's run loop, stepping and views do not care which mode is running.
import type { ProgramImage } from '../core/asm/image.ts';
import type { CsrValue, ExitSummary, RunMode } from './engine-api.ts';

export type GuestStop =
  | { kind: 'budget' }
  | { kind: 'breakpoint'; pc: number }
  | { kind: 'wfi-idle' }
  | { kind: 'exit'; code: number }
  | { kind: 'fault'; message: string };

export interface Guest {
  readonly mode: RunMode;
  /**
   * Execute at most `budget` instructions; never throws for anything the guest does.
   * A breakpoint at the current pc is honoured unless `resuming` (the first call after
   * a stop, which must move off the breakpoint it stopped at).
   */
  run(budget: number, resuming: boolean): GuestStop;
  pc(): number;
  /** x0..x31 as unsigned. */
  registers(): number[];
  privilege(): string;
  csrs(): CsrValue[];
  virtualCsrs(): CsrValue[];
  instructions(): number;
  cycles(): number;
  /** Reads that hit no memory return zeros: a viewer must not fault the guest. */
  readMemory(addr: number, length: number): Uint8Array;
  setBreakpoints(addrs: Iterable<number>): void;
  exits(): ExitSummary;
}

/** Creates a guest; console bytes go to `output` as the guest writes them. */
export type GuestFactory = (image: ProgramImage, output: (bytes: Uint8Array) => void) => Guest;

export const NO_EXITS: ExitSummary = { total: 0, byCause: {}, guestCycles: 0, overheadCycles: 0, recent: [] };
