// The one interface between the page and the engine. The worker exposes an Engine
// through comlink and the page holds a Remote<EngineApi>; tests construct the same Engine
// in-process. Every method returns a Promise so both sides have the same shape.

import type { Diagnostic } from '../core/diagnostic.ts';
import type { ExitEvent, RunMode, RunResult } from '../core/run-result.ts';
import type { Stop } from '../core/session.ts';
import type { PageTableView } from '../core/vmm/page-table-view.ts';
import type { CpuKind } from '../core/isa/cpu-kind.ts';

export type { PageDifference, PageMapping, PageRow, PageTableView } from '../core/vmm/page-table-view.ts';

export type { CpuKind, Diagnostic, ExitEvent, RunMode, RunResult };

/** What the engine is doing; the run controls enable themselves from this. */
export type EngineStatus = 'empty' | 'ready' | 'running' | 'paused' | 'halted';

/**
 * Why a run or step stopped, in words the page can show as they are: a Session's Stop (the
 * engine runs on through idle and yield, so those never show) or the debugger's own —
 * paused by the learner, one step done.
 */
export type StopReason = Exclude<Stop['kind'], 'idle' | 'yield'> | 'paused' | 'step';

/**
 * A stop as the debugger shows it: unlike a Session's Stop it can come from the learner
 * (pause, step) and always says where the hart stands.
 */
export interface StopInfo {
  reason: StopReason;
  pc: number;
  /** Exit status when reason is 'exit'. */
  exitCode?: number;
  /** Human explanation (fault text, budget reached, ...). */
  message?: string;
}

/** A source position, from the assembler's line table. */
export interface SourceLine {
  file: string;
  line: number;
}

export interface CsrValue {
  name: string;
  /** CSR number (0x300 = mstatus ...). */
  number: number;
  value: number;
}

/** Everything the machine panel draws after a stop. Plain data. */
export interface MachineView {
  status: EngineStatus;
  mode: RunMode;
  pc: number;
  /** x0..x31 as unsigned 32-bit values. */
  registers: number[];
  /** 'M', 'S' or 'U'. */
  privilege: string;
  csrs: CsrValue[];
  /** The VM's virtual CSRs, when a hypervisor runs the guest. */
  virtualCsrs: CsrValue[];
  instructions: number;
  cycles: number;
  line: SourceLine | null;
  lastStop: StopInfo | null;
}

export interface DisasmLine {
  addr: number;
  word: number;
  text: string;
  line: SourceLine | null;
}

export interface LoadResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  entry?: number;
}

/** Exit accounting under a hypervisor or kernel, as the run's result has it: what the exit views draw. */
export type ExitSummary = Pick<RunResult, 'exits' | 'cost' | 'exitLog' | 'memory'>;

/** Capabilities of the running engine (shown in the status bar, used by tests). */
export interface EngineInfo {
  /** True when pause goes through a SharedArrayBuffer flag the worker polls. */
  sharedStopFlag: boolean;
  /** Modes this build of the engine can run. */
  modes: RunMode[];
  /**
   * Why guest code runs on the interpreter instead of the translator (the page's
   * Content-Security-Policy forbids compiling code), said once; null when translating.
   */
  cpuNotice: string | null;
  /**
   * The translator runs, but with one back end missing (no WebAssembly: JavaScript only; no
   * 'unsafe-eval': WebAssembly for guest RAM only), said once; null when both are there.
   */
  translatorNotice: string | null;
  /** Exit causes that exist only because guest memory is virtualized (core's MEMORY_EXIT_CAUSES). */
  memoryExitCauses: string[];
  /** What guest code runs on: the translator, or the interpreter (the setting, or the CSP). */
  cpu: CpuKind;
}

/** Callbacks from engine to page. Through comlink they must be wrapped in proxy(). */
export interface EngineListener {
  /** Guest console bytes, batched (latin1 text so no byte is lost). */
  output(text: string): void;
}

/** A stop and everything the page shows after it: nothing needs asking for again. */
export interface StopReport extends StopInfo {
  view: MachineView;
  exits: ExitSummary;
  /** The code around the pc (6 words before, 10 after). */
  disassembly: DisasmLine[];
}

/** The live figures while a run goes on (one round trip per poll). */
export interface MachineSnapshot {
  view: MachineView;
  exits: ExitSummary;
}

/**
 * One mode's line in the Compare table: the figures of its RunResult the table shows (the
 * console cut to 64 KiB for the message), or a line saying why the mode could not run.
 */
export interface ComparisonRow {
  mode: RunMode;
  /** What this row stands for ("unmodified kernel, full"), and the file it ran. */
  label: string;
  file: string;
  /** Why it ended, or 'unavailable' when the mode could not run the program. */
  end: RunResult['end'] | 'unavailable';
  exitCode: number | null;
  message?: string;
  instructions: number;
  cycles: number;
  exits: number;
  guestCycles: number;
  overheadCycles: number;
  /** The console text, so a learner can see every mode printed the same. */
  console: string;
  /** Exits (or kernel entries) by cause, and the overhead cycles each cause cost. */
  exitsByCause: Record<string, number>;
  overheadByCause: Record<string, number>;
  /** What the run held in memory (RunResult.memory): the guest's pages and the VMM's tables for it. */
  memory: { guestBytes: number; vmmTableBytes: number } | null;
}

/** One contender of a comparison: a program (by its source) in one mode. */
export interface CompareRun {
  label: string;
  mode: RunMode;
  source: string;
  file: string;
}

/** How far a comparison run has got: the mode in progress and its instructions so far. */
export interface CompareProgress {
  mode: RunMode;
  label: string;
  /** 0-based index of `mode` among the modes compared. */
  index: number;
  count: number;
  instructions: number;
  /** The instruction budget per mode (a run that never ends stops there). */
  limit: number;
}

export interface RunOptions {
  /** Stop after this many instructions (the guest is then 'paused' with reason 'budget'). */
  maxInstructions?: number;
  /**
   * Execute a breakpoint at the current pc instead of stopping there (default true: a
   * run resumes from the breakpoint it stopped at). A visible-pace run passes false on
   * every tick after its first, so it stops at breakpoints like a full-speed run.
   */
  skipBreakpointAtPc?: boolean;
}

export interface EngineApi {
  info(): Promise<EngineInfo>;
  /** Give the engine a SharedArrayBuffer (Int32Array of length 1) it polls for stop requests. */
  attachStopFlag(flag: SharedArrayBuffer): Promise<void>;
  setListener(listener: EngineListener): Promise<void>;
  /** The CPU guests run on from the next load, reset or comparison (the page's setting). */
  setCpu(kind: CpuKind): Promise<EngineInfo>;

  /** Assemble without loading: the live diagnostics behind the editor markers. */
  check(source: string, file: string, mode?: RunMode): Promise<Diagnostic[]>;
  /** Assemble and load into a fresh machine in the given mode. */
  load(source: string, file: string, mode?: RunMode): Promise<LoadResult>;
  /** Run until a stop; resolves with it. Time-sliced: pause() is honoured while running. */
  run(options?: RunOptions): Promise<StopReport>;
  /** Ask a running engine to stop; resolves once it has stopped. */
  pause(): Promise<void>;
  step(count?: number): Promise<StopReport>;
  /** Step, but run a call (jal/jalr that links) through to its return address. */
  stepOver(): Promise<StopReport>;
  /** Reload the last loaded program into a fresh machine. */
  reset(): Promise<void>;

  setBreakpoints(lines: SourceLine[]): Promise<void>;
  view(): Promise<MachineView>;
  /** The view and the exits together, for the live counters while a run goes on. */
  snapshot(): Promise<MachineSnapshot>;
  readMemory(addr: number, length: number): Promise<Uint8Array>;
  /** The paused guest's page table beside the one the real MMU walks for it (a shadow), or null with no machine. */
  pageTables(): Promise<PageTableView | null>;
  disassembleAround(pc: number, before: number, after: number): Promise<DisasmLine[]>;
  exits(): Promise<ExitSummary>;
  /**
   * Run the same source to its end in each mode, separately from the loaded program.
   * Time-sliced like run(); pause() cancels it (unfinished modes end with 'budget').
   */
  compare(
    source: string, file: string, modes: RunMode[], maxInstructions?: number,
    onProgress?: (p: CompareProgress) => void,
  ): Promise<ComparisonRow[]>;
  /** Like compare(), each contender its own program and mode (a kernel and its port). */
  compareRuns(runs: CompareRun[], maxInstructions?: number, onProgress?: (p: CompareProgress) => void): Promise<ComparisonRow[]>;
}
