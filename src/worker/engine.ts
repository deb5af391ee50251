// The engine: assembles, loads and runs one program in time slices, and answers the
// page's questions about the stopped machine. The worker exposes an Engine through
// comlink (engine.worker.ts); tests construct one in-process. Same class, same API.
//
// Responsiveness: run() executes a slice of instructions sized to take about SLICE_MS of
// wall time, then yields to the event loop, so a pause() message is handled between
// slices. With a shared stop flag (cross-origin isolated pages) the flag is also polled
// inside a slice, every CHUNK instructions.
import type { Diagnostic } from '../core/diagnostic.ts';
import type { RunResult } from '../core/run-result.ts';
import type { ProgramImage } from '../core/asm/image.ts';
import type {
  ComparisonRow, CompareProgress, CpuKind, DisasmLine, EngineApi, EngineInfo, EngineListener, EngineStatus, ExitSummary, LoadResult,
  CompareRun, MachineSnapshot, PageTableView, MachineView, RunMode, RunOptions, SourceLine, StopInfo, StopReport,
} from './engine-api.ts';
import type { Session, Stop } from '../core/session.ts';
import { exitSummary, machineState, readForViewer } from './machine-view.ts';
import { LineTable } from './line-table.ts';
import { ConsoleBuffer, FLUSH_MS } from './console-buffer.ts';

export interface AssembleOutput {
  diagnostics: Diagnostic[];
  image?: ProgramImage;
}

/** What the engine needs from the core, injected so tests and modes can vary it. */
export interface EngineDeps {
  assemble(source: string, file: string, mode: RunMode): AssembleOutput;
  /** Consecutive words from `start`, one line each in objdump's style (symbols for hints). */
  disassemble(words: number[], start: number, symbols: ReadonlyMap<string, number>): string[];
  /** The modes this build can run. */
  modes: RunMode[];
  /** A fresh session running `image` in `mode`; console bytes go to `output` as written. */
  createSession(image: ProgramImage, mode: RunMode, output: (bytes: Uint8Array) => void, cpu?: CpuKind): Session;
  /** Let queued messages in (a macrotask). */
  yieldToEvents(): Promise<void>;
  /** Wall-clock milliseconds, for sizing slices only (never reaches the guest). */
  now(): number;
  /** Why the translator is off, if it is (EngineInfo.cpuNotice). */
  cpuNotice?(): string | null;
  /** Which back end of the translator is missing, if one is (EngineInfo.translatorNotice). */
  translatorNotice?(): string | null;
  /** The page-table view of a session (EngineApi.pageTables). */
  pageTables?(session: Session): PageTableView | null;
  /** The memory-virtualization exit causes (EngineInfo.memoryExitCauses). */
  memoryExitCauses?: readonly string[];
}

const SLICE_MS = 8;
const CHUNK = 20_000;
const FIRST_SLICE = 50_000;
const MAX_SLICE = 50_000_000;
/** The longest pseudo-instruction expansion step-over walks through as one line. */
const MAX_WORDS_PER_LINE = 8;

export class Engine implements EngineApi {
  private guest: Session | null = null;
  private image: ProgramImage | null = null;
  private lines = new LineTable([]);
  private mode: RunMode = 'bare';
  private status: EngineStatus = 'empty';
  private lastStop: StopInfo | null = null;
  private breakpointLines: SourceLine[] = [];
  private listener: EngineListener | null = null;
  private readonly console: ConsoleBuffer;
  private stopFlag: Int32Array | null = null;
  private pauseRequested = false;
  private running: Promise<StopInfo> | null = null;
  private sliceBudget = FIRST_SLICE;
  private lastFlush = 0;
  private cpu: CpuKind = 'jit';

  constructor(private readonly deps: EngineDeps) {
    this.console = new ConsoleBuffer((text) => this.listener?.output(text));
  }

  async info(): Promise<EngineInfo> {
    const cpuNotice = this.deps.cpuNotice?.() ?? null;
    const cpu = this.cpu === 'jit' && cpuNotice === null ? 'jit' : 'interp';
    const translatorNotice = this.deps.translatorNotice?.() ?? null;
    return { sharedStopFlag: this.stopFlag !== null, modes: [...this.deps.modes], cpuNotice, translatorNotice, cpu,
      memoryExitCauses: [...(this.deps.memoryExitCauses ?? [])] };
  }

  async setCpu(kind: CpuKind): Promise<EngineInfo> {
    this.cpu = kind === 'interp' ? 'interp' : 'jit';
    return this.info();
  }

  async attachStopFlag(flag: SharedArrayBuffer): Promise<void> {
    this.stopFlag = new Int32Array(flag);
  }

  async setListener(listener: EngineListener): Promise<void> {
    this.listener = listener;
  }

  async check(source: string, file: string, mode: RunMode = 'bare'): Promise<Diagnostic[]> {
    return this.assembleSafely(source, file, mode).diagnostics;
  }

  private assembleSafely(source: string, file: string, mode: RunMode): AssembleOutput {
    try {
      return this.deps.assemble(source, file, mode);
    } catch (e) {
      // The assembler promises never to throw; if it does, the learner still gets a message.
      const message = `internal assembler error: ${e instanceof Error ? e.message : String(e)}`;
      return { diagnostics: [{ file, line: 1, column: 1, endColumn: 2, severity: 'error', code: 'internal', message }] };
    }
  }

  async load(source: string, file: string, mode: RunMode = 'bare'): Promise<LoadResult> {
    await this.stopRunning();
    const { diagnostics, image } = this.assembleSafely(source, file, mode);
    const errors = diagnostics.some((d) => d.severity === 'error');
    if (errors || !image) return { ok: false, diagnostics };
    if (!this.deps.modes.includes(mode)) {
      const message = `the ${mode} mode is not available in this build`;
      return { ok: false, diagnostics: [...diagnostics, { file, line: 1, column: 1, endColumn: 2, severity: 'error', code: 'mode-unavailable', message }] };
    }
    this.image = image;
    this.mode = mode;
    this.lines = new LineTable(image.lines);
    try {
      this.boot();
    } catch (e) {
      // A program the machine cannot hold (a segment outside RAM) is the learner's error.
      this.guest = null;
      this.status = 'empty';
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, diagnostics: [...diagnostics, { file, line: 1, column: 1, endColumn: 2, severity: 'error', code: 'load-error', message }] };
    }
    return { ok: true, diagnostics, entry: image.entry };
  }

  private boot(): void {
    this.console.clear();
    this.guest = this.deps.createSession(this.image!, this.mode, (bytes) => this.console.push(bytes), this.cpu);
    setBreakpoints(this.guest, this.lines.addressesOf(this.breakpointLines));
    this.status = 'paused';
    this.lastStop = null;
  }

  async reset(): Promise<void> {
    await this.stopRunning();
    if (this.image) this.boot();
  }

  async setBreakpoints(lines: SourceLine[]): Promise<void> {
    this.breakpointLines = lines;
    if (this.guest) setBreakpoints(this.guest, this.lines.addressesOf(lines));
  }

  async run(options: RunOptions = {}): Promise<StopReport> {
    return this.report(await this.runInfo(options));
  }

  /**
   * A stop with everything the page draws after it (the view, the exits, the code around
   * the pc), so the page never asks again: one round trip per Run or Step.
   */
  private report(stop: StopInfo): StopReport {
    const view = this.currentView();
    return { ...stop, view, exits: exitSummary(this.guest), disassembly: this.disassemblyAt(view.pc, 6, 10) };
  }

  private runInfo(options: RunOptions = {}): Promise<StopInfo> {
    if (this.running) return this.running;
    if (!this.guest || this.status === 'halted') return Promise.resolve(this.idleStop());
    this.running = this.runSlices(this.guest, options.maxInstructions ?? Infinity, options.skipBreakpointAtPc ?? true)
      .finally(() => { this.running = null; });
    return this.running;
  }

  private async runSlices(guest: Session, limit: number, skipBreakpoint: boolean): Promise<StopInfo> {
    this.status = 'running';
    this.pauseRequested = false;
    if (this.stopFlag) Atomics.store(this.stopFlag, 0, 0);
    let remaining = limit;
    let resuming = skipBreakpoint;
    for (;;) {
      const started = this.deps.now();
      const budget = Math.min(this.sliceBudget, remaining);
      const before = guest.instructions();
      const stop = this.runSlice(guest, budget, resuming);
      resuming = false;
      remaining -= guest.instructions() - before;
      const now = this.deps.now();
      this.resize(budget, now - started);
      if (now - this.lastFlush >= FLUSH_MS) {
        this.console.flush();
        this.lastFlush = now;
      }
      if (stop && !goesOn(stop)) return this.finish(this.toStopInfo(stop));
      if (this.stopRequested()) return this.finish({ reason: 'paused', pc: pcOf(guest) });
      if (remaining <= 0) return this.finish({ reason: 'budget', pc: pcOf(guest), message: `Stopped after ${limit} instructions` });
      await this.deps.yieldToEvents();
      if (this.stopRequested()) return this.finish({ reason: 'paused', pc: pcOf(guest) });
    }
  }

  /** One slice, in chunks so a shared stop flag is seen quickly; null if the flag stopped it. */
  private runSlice(guest: Session, budget: number, resuming: boolean): Stop | null {
    let left = budget;
    while (left > 0) {
      const n = this.stopFlag ? Math.min(CHUNK, left) : left;
      const before = guest.instructions();
      const stop = runFrom(guest, n, resuming);
      resuming = false;
      if (!goesOn(stop)) return stop;
      // A guest idling in wfi with the timer pending retires nothing but still advances.
      left -= Math.max(1, guest.instructions() - before);
      if (this.stopFlag && Atomics.load(this.stopFlag, 0) !== 0) return null;
    }
    return { kind: 'budget' };
  }

  /** Aim each slice at SLICE_MS of wall time. */
  private resize(budget: number, elapsed: number): void {
    if (budget < this.sliceBudget) return;
    const scale = elapsed > 0 ? SLICE_MS / elapsed : 2;
    const next = Math.round(this.sliceBudget * Math.min(2, Math.max(0.25, scale)));
    this.sliceBudget = Math.min(MAX_SLICE, Math.max(1000, next));
  }

  private stopRequested(): boolean {
    return this.pauseRequested || (this.stopFlag !== null && Atomics.load(this.stopFlag, 0) !== 0);
  }

  private finish(stop: StopInfo): StopInfo {
    this.console.flush();
    this.lastStop = stop;
    const ended = stop.reason === 'exit' || stop.reason === 'fault' || stop.reason === 'wfi-idle';
    this.status = ended ? 'halted' : 'paused';
    if (this.stopFlag) Atomics.store(this.stopFlag, 0, 0);
    this.pauseRequested = false;
    return stop;
  }

  async pause(): Promise<void> {
    // Also cancels a comparison in progress (it polls pauseRequested between slices).
    this.pauseRequested = true;
    if (!this.running) return;
    this.pauseRequested = true;
    await this.running;
  }

  private async stopRunning(): Promise<void> {
    if (this.running) await this.pause();
  }

  async step(count = 1): Promise<StopReport> {
    return this.report(this.stepInfo(count));
  }

  private stepInfo(count: number): StopInfo {
    if (this.running) return this.idleStop();
    if (!this.guest || this.status === 'halted') return this.idleStop();
    const guest = this.guest;
    let stop: Stop = { kind: 'budget' };
    for (let i = 0; i < count && goesOn(stop); i++) stop = this.stepOnce(guest);
    this.console.flush();
    const info = goesOn(stop) ? { reason: 'step' as const, pc: pcOf(guest) } : this.toStopInfo(stop);
    return this.finishQuietly(info);
  }

  /** One instruction, ignoring a breakpoint on the instruction we are stopped at. */
  private stepOnce(guest: Session): Stop {
    return runFrom(guest, 1, true);
  }

  private finishQuietly(stop: StopInfo): StopInfo {
    this.lastStop = stop;
    const ended = stop.reason === 'exit' || stop.reason === 'fault' || stop.reason === 'wfi-idle';
    this.status = ended ? 'halted' : 'paused';
    return stop;
  }

  /**
   * Step over one source line: a call (jal/jalr that links) runs until it returns, and
   * the further words of a pseudo-instruction (call = auipc + jalr, li, la) run with it.
   */
  async stepOver(): Promise<StopReport> {
    return this.report(await this.stepOverInfo());
  }

  private async stepOverInfo(): Promise<StopInfo> {
    if (this.running || !this.guest || this.status === 'halted') return this.idleStop();
    const guest = this.guest;
    const line = this.lines.lineAt(pcOf(guest));
    let stop = await this.stepOverInstruction(guest);
    for (let i = 0; i < MAX_WORDS_PER_LINE && stop.reason === 'step' && line; i++) {
      const here = this.lines.lineAt(pcOf(guest));
      if (!here || here.file !== line.file || here.line !== line.line || !this.continuesLine(pcOf(guest))) break;
      stop = await this.stepOverInstruction(guest);
    }
    return stop;
  }

  /** The pc continues the same line only when its entry is not the start of the line. */
  private continuesLine(pc: number): boolean {
    return this.lines.lineAt(pc - 4)?.line === this.lines.lineAt(pc)?.line;
  }

  private async stepOverInstruction(guest: Session): Promise<StopInfo> {
    const pc = pcOf(guest);
    if (!isLinkingJump(wordAt(guest, pc))) return this.stepInfo(1);
    // Run until the call returns to the next instruction (or something else stops us).
    const first = this.stepOnce(guest);
    if (!goesOn(first)) return this.finishQuietly(this.toStopInfo(first));
    setBreakpoints(guest, [...this.lines.addressesOf(this.breakpointLines), pc + 4]);
    try {
      const stop = await this.runInfo();
      if (stop.reason === 'breakpoint' && stop.pc === pc + 4) return this.finishQuietly({ reason: 'step', pc: pc + 4 });
      return stop;
    } finally {
      setBreakpoints(guest, this.lines.addressesOf(this.breakpointLines));
    }
  }

  private toStopInfo(stop: Stop): StopInfo {
    const pc = this.guest ? pcOf(this.guest) : 0;
    switch (stop.kind) {
      case 'exit': return { reason: 'exit', pc, exitCode: stop.exitCode };
      case 'breakpoint': return { reason: 'breakpoint', pc: stop.pc };
      case 'wfi-idle': return { reason: 'wfi-idle', pc };
      case 'fault': return { reason: 'fault', pc, message: stop.message };
      case 'budget': case 'idle': case 'yield': return { reason: 'budget', pc };
    }
  }

  private idleStop(): StopInfo {
    return this.lastStop ?? { reason: 'paused', pc: this.guest ? pcOf(this.guest) : 0 };
  }

  async view(): Promise<MachineView> {
    return this.currentView();
  }

  async snapshot(): Promise<MachineSnapshot> {
    return { view: this.currentView(), exits: exitSummary(this.guest) };
  }

  private currentView(): MachineView {
    const g = this.guest;
    const state = machineState(g);
    return {
      status: this.status,
      mode: this.mode,
      ...state,
      line: g ? this.lines.lineAt(state.pc) : null,
      lastStop: this.lastStop,
    };
  }

  async readMemory(addr: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, 64 * 1024));
    return this.guest ? readForViewer(this.guest, addr >>> 0, n) : new Uint8Array(n);
  }

  async pageTables(): Promise<PageTableView | null> {
    return this.guest && this.deps.pageTables ? this.deps.pageTables(this.guest) : null;
  }

  async disassembleAround(pc: number, before: number, after: number): Promise<DisasmLine[]> {
    return this.disassemblyAt(pc, before, after);
  }

  private disassemblyAt(pc: number, before: number, after: number): DisasmLine[] {
    const g = this.guest;
    if (!g) return [];
    const start = (pc - 4 * before) >>> 0;
    const count = before + after + 1;
    const bytes = readForViewer(g, start, count * 4);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const words = Array.from({ length: count }, (_, i) => dv.getUint32(4 * i, true));
    const texts = this.disassembleSafely(words, start);
    return words.map((word, i) => {
      const addr = (start + 4 * i) >>> 0;
      return { addr, word, text: texts[i] ?? '', line: this.lines.lineAt(addr) };
    });
  }

  private disassembleSafely(words: number[], start: number): string[] {
    try {
      return this.deps.disassemble(words, start, this.image?.symbols ?? new Map());
    } catch {
      return words.map((w) => `.word 0x${w.toString(16).padStart(8, '0')}`);
    }
  }

  async compare(
    source: string, file: string, modes: RunMode[], maxInstructions = COMPARE_LIMIT,
    onProgress?: (p: CompareProgress) => void,
  ): Promise<ComparisonRow[]> {
    return this.compareRuns(modes.map((mode) => ({ label: mode, mode, source, file })), maxInstructions, onProgress);
  }

  async compareRuns(runs: CompareRun[], maxInstructions = COMPARE_LIMIT, onProgress?: (p: CompareProgress) => void): Promise<ComparisonRow[]> {
    await this.stopRunning();
    const rows: ComparisonRow[] = [];
    this.pauseRequested = false;
    for (const [index, run] of runs.entries()) {
      const report = onProgress && this.throttled((instructions: number) =>
        onProgress({ mode: run.mode, label: run.label, index, count: runs.length, instructions, limit: maxInstructions }));
      const row = await this.compareOne(run.source, run.file, run.mode, maxInstructions, report);
      rows.push({ ...row, label: run.label, file: run.file });
    }
    this.pauseRequested = false;
    return rows;
  }

  /** Calls `f` at most every PROGRESS_MS of wall time (and always the first time). */
  private throttled(f: (instructions: number) => void): (instructions: number) => void {
    let last = -Infinity;
    return (n) => {
      const now = this.deps.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      f(n);
    };
  }

  private async compareOne(
    source: string, file: string, mode: RunMode, limit: number, report?: (instructions: number) => void,
  ): Promise<ComparisonRow> {
    const { image } = this.assembleSafely(source, file, mode);
    const available = this.deps.modes.includes(mode);
    if (!available || !image) return unavailableRow(mode, available ? 'the program does not assemble' : 'mode not available');
    let session: Session;
    try {
      session = this.deps.createSession(image, mode, () => {}, this.cpu);
    } catch (e) {
      return { ...unavailableRow(mode, e instanceof Error ? e.message : String(e)), end: 'fault' };
    }
    let stop: Stop = { kind: 'budget' };
    report?.(0);
    while (goesOn(stop) && session.instructions() < limit && !this.pauseRequested) {
      stop = session.run(Math.min(this.sliceBudget, limit - session.instructions()));
      report?.(session.instructions());
      await this.deps.yieldToEvents();
    }
    return comparisonRow(session.result());
  }

  async exits(): Promise<ExitSummary> {
    return exitSummary(this.guest);
  }
}

const COMPARE_LIMIT = 20_000_000;
/** Progress reports during a comparison: often enough to move a bar, rarely enough to be free. */
const PROGRESS_MS = 100;

/** One mode's row of a comparison: the figures of its result. */
function comparisonRow(r: RunResult): ComparisonRow {
  return {
    mode: r.mode, label: r.mode, file: '', end: r.end, exitCode: r.exitCode,
    exitsByCause: { ...r.exits.byCause }, overheadByCause: { ...r.cost.byCause },
    ...(r.end === 'fault' && r.message !== undefined ? { message: r.message } : {}),
    instructions: r.instructions, cycles: r.cycles, exits: r.exits.total,
    guestCycles: r.exits.total ? r.cost.guestCycles : r.cycles, overheadCycles: r.cost.overheadCycles,
    console: r.console.slice(0, 64 * 1024),
    memory: r.memory ? { guestBytes: r.memory.guestBytes, vmmTableBytes: r.memory.vmmTableBytes } : null,
  };
}

function unavailableRow(mode: RunMode, message: string): ComparisonRow {
  return { mode, label: mode, file: '', exitsByCause: {}, overheadByCause: {}, end: 'unavailable', message, exitCode: null, instructions: 0, cycles: 0, exits: 0, guestCycles: 0, overheadCycles: 0, console: '', memory: null };
}

/** A stop after which the run may go on (the budget ran out, or it slept or yielded). */
function goesOn(stop: Stop): boolean {
  return stop.kind === 'budget' || stop.kind === 'idle' || stop.kind === 'yield';
}

/**
 * Runs at most `n` instructions. A breakpoint at the current pc stops the run before it
 * executes, unless `resuming` (the first call after a stop, which must move off it).
 */
function runFrom(session: Session, n: number, resuming: boolean): Stop {
  const hart = session.hart;
  if (!resuming && hart.breakpoints.has(hart.pc)) return { kind: 'breakpoint', pc: hart.pc >>> 0 };
  return session.run(n);
}

function setBreakpoints(session: Session, addrs: Iterable<number>): void {
  const set = session.hart.breakpoints;
  set.clear();
  for (const a of addrs) set.add(a >>> 0);
}

function pcOf(session: Session): number {
  return session.hart.pc >>> 0;
}

function wordAt(guest: Session, addr: number): number {
  const b = readForViewer(guest, addr, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

/** jal or jalr with rd != x0: a call, whose return lands at pc + 4. */
export function isLinkingJump(word: number): boolean {
  const opcode = word & 0x7f;
  const rd = (word >>> 7) & 0x1f;
  return (opcode === 0x6f || opcode === 0x67) && rd !== 0;
}
