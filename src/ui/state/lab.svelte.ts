// The lab's run state: what the machine is doing, the last machine view and the live
// diagnostics. Components read these fields; only the methods here talk to the engine.
// The jobs around it live beside it: the terminal framing (console-frame.ts), the
// visible-pace timer (paced-run.ts) and Compare (comparison.svelte.ts). Every Run and
// Step answer is a StopReport carrying everything the panels draw.
import type {
  CpuKind, Diagnostic, DisasmLine, EngineStatus, ExitSummary, MachineView, RunMode, SourceLine, StopInfo, StopReport, PageTableView,
} from '../../worker/engine-api.ts';
import { startEngine, type EngineClient } from '../engine-client.ts';
import { ConsoleFrame, type OutputSink } from './console-frame.ts';
import { PacedRun } from './paced-run.ts';
import { Comparison } from './comparison.svelte.ts';

export type { OutputSink };

/** Instructions per second for the slow run speeds; 0 = full speed. */
export const SPEEDS = [
  { label: '1 / s', ips: 1 },
  { label: '5 / s', ips: 5 },
  { label: '20 / s', ips: 20 },
  { label: '100 / s', ips: 100 },
  { label: 'Full', ips: 0 },
] as const;

const LIVE_POLL_MS = 250;

export class Lab {
  status: EngineStatus = $state('empty');
  view: MachineView | null = $state(null);
  /** The view before the last stop: what the registers panel compares against. */
  previous: MachineView | null = $state(null);
  diagnostics: Diagnostic[] = $state([]);
  disassembly: DisasmLine[] = $state([]);
  exits: ExitSummary | null = $state(null);
  mode: RunMode = $state('bare');
  /** Modes the engine can run (from its info()). */
  modes: RunMode[] = $state(['bare']);
  /** Exit causes of memory virtualization (shadow fills, page-table writes, satp, sfence...). */
  memoryExitCauses: string[] = $state([]);
  /** The CPU setting (saved in the browser), and what guests actually run on. */
  cpu: CpuKind = $state(savedCpu());
  cpuActive: CpuKind = $state('jit');
  /** False when the page's Content-Security-Policy forbids the translator. */
  canTranslate = $state(true);
  speedIndex = $state(SPEEDS.length - 1);
  message = $state('Starting the engine…');
  sharedStopFlag = $state(false);
  /** The source of the program in the machine (null when none is loaded). */
  loadedSource: string | null = $state(null);
  /** Bumped on every fresh load: the terminal clears for a new machine. */
  boots = $state(0);
  /** Milliseconds from pressing Pause to the engine reporting it stopped. */
  lastPauseMs: number | null = $state(null);

  readonly comparison: Comparison;
  private readonly ready: Promise<EngineClient>;
  private readonly frame = new ConsoleFrame();
  private readonly paced = new PacedRun();
  private breakpoints: SourceLine[] = [];
  private breakpointExplained = false;
  private loadedFile = '';
  private checkSeq = 0;

  constructor() {
    this.ready = this.connect();
    this.comparison = new Comparison(this.ready);
  }

  private async connect(): Promise<EngineClient> {
    const client = await startEngine();
    await client.setListener({ output: (text) => this.frame.write(text) });
    this.sharedStopFlag = client.sharedStopFlag;
    const info = await client.api.setCpu(this.cpu);
    this.modes = info.modes;
    this.memoryExitCauses = info.memoryExitCauses;
    this.cpuActive = info.cpu;
    this.canTranslate = info.cpuNotice === null;
    this.message = info.cpuNotice ?? info.translatorNotice ?? 'Ready';
    return client;
  }

  /** Chooses the CPU (translator or interpreter) for the next load; remembered. */
  async setCpu(kind: CpuKind): Promise<void> {
    this.cpu = kind;
    saveCpu(kind);
    const { api } = await this.ready;
    const info = await api.setCpu(kind);
    this.cpuActive = info.cpu;
    this.loadedSource = null; // the next Run loads a machine with the chosen CPU
    this.message = info.cpuNotice ?? (info.cpu === 'jit'
      ? 'Guest code runs on the translator from the next run'
      : 'Guest code runs on the interpreter from the next run (same results, slower)');
  }

  /**
   * Where guest console text goes (the terminal, which the shell shares); `closed` runs
   * after each block of console output (the shell then draws its prompt again).
   */
  attachOutput(sink: OutputSink, closed?: () => void): void {
    this.frame.attach(sink, closed);
  }

  /** A note in the terminal from the lab (used for script lessons too). */
  note(heading: string, lines: string[] = []): void {
    this.frame.note(heading, lines);
  }

  /** True when Run steps at a pace a person can follow (not full speed). */
  get visiblePace(): boolean {
    return SPEEDS[this.speedIndex]!.ips > 0;
  }

  get busy(): boolean {
    return this.status === 'running';
  }

  /** Live diagnostics: only the newest request's answer is kept. */
  async check(source: string, file: string): Promise<Diagnostic[]> {
    const seq = ++this.checkSeq;
    const { api } = await this.ready;
    const diags = await api.check(source, file, this.mode);
    if (seq === this.checkSeq) this.diagnostics = diags;
    return diags;
  }

  setBreakpoints(lines: SourceLine[]): void {
    this.breakpoints = lines;
    void this.ready.then(({ api }) => api.setBreakpoints(lines));
  }

  /** Assemble and load when the source changed since the last load. */
  private async ensureLoaded(source: string, file: string): Promise<boolean> {
    const { api } = await this.ready;
    if (this.loadedSource === source && this.status !== 'empty' && this.status !== 'halted') return true;
    const result = await api.load(source, file, this.mode);
    this.diagnostics = result.diagnostics;
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      this.message = `${errors.length} error(s): fix them to run`;
      this.loadedSource = null;
      this.frame.note(`${file}: ${errors.length} error(s), nothing was run`, errors.slice(0, 5).map((d) =>
        `${d.file}:${d.line}:${d.column}: ${d.message}`).concat(errors.length > 5 ? [`… and ${errors.length - 5} more (see the editor)`] : []));
      return false;
    }
    this.loadedSource = source;
    this.loadedFile = file;
    this.boots++;
    this.frame.restart(`UART console · ${MODE_NAMES[this.mode]} · ${file}`);
    await api.setBreakpoints(this.breakpoints);
    this.apply(await api.snapshot());
    this.previous = null;
    return true;
  }

  async run(source: string, file: string): Promise<void> {
    if (this.busy || !(await this.ensureLoaded(source, file))) return;
    const ips = SPEEDS[this.speedIndex]!.ips;
    const { api } = await this.ready;
    this.status = 'running';
    if (ips > 0) {
      this.message = `Running at ${ips} instructions per second…`;
      const last = await this.paced.start(api, ips, (r) => this.apply(r, true));
      if (last) this.afterStop(last);
      return;
    }
    this.message = 'Running…';
    // Live counters and exits while it runs; the engine answers between slices.
    const poll = setInterval(() => void this.poll(), LIVE_POLL_MS);
    try {
      this.afterStop(await api.run());
    } finally {
      clearInterval(poll);
    }
  }

  /** A new mode needs a new machine: the next Run or Step loads afresh. */
  modeChanged(): void {
    this.loadedSource = null;
  }

  async pause(): Promise<void> {
    const client = await this.ready;
    if (this.paced.running) {
      this.paced.stop();
      this.status = 'paused';
      this.message = 'Paused';
      return;
    }
    const started = performance.now();
    await client.pause();
    this.lastPauseMs = Math.round(performance.now() - started);
  }

  async step(source: string, file: string, over = false): Promise<void> {
    if (this.busy || !(await this.ensureLoaded(source, file))) return;
    const { api } = await this.ready;
    this.afterStop(over ? await api.stepOver() : await api.step(1));
  }

  async reset(source: string, file: string): Promise<void> {
    if (this.busy) await this.pause();
    this.loadedSource = null;
    this.status = 'empty';
    this.previous = null;
    await this.ensureLoaded(source, file);
    this.message = 'Reset: ready to run';
  }

  private afterStop(report: StopReport): void {
    this.apply(report);
    this.message = describeStop(report);
    this.frame.close(this.message.charAt(0).toLowerCase() + this.message.slice(1));
    this.explain(report);
    this.frame.continued();
  }

  /** The terminal is never silent after Run: a program that printed nothing, the first breakpoint. */
  private explain(report: StopReport): void {
    const ended = report.reason === 'exit' || report.reason === 'fault' || report.reason === 'wfi-idle';
    if (ended && !this.frame.printed) {
      this.frame.note(`${this.loadedFile}: it printed nothing`, [
        `${this.message}, without writing a byte to its console.`,
        'A program shows output by storing bytes to the UART (0x10000000) or, under pv, with a console hypercall.',
        'Its registers and memory are in the machine panel.',
      ]);
    }
    if (report.reason === 'breakpoint' && !this.breakpointExplained) {
      this.breakpointExplained = true;
      const at = report.view.line ? `line ${report.view.line.line} of ${report.view.line.file}` : describePc(report.pc);
      this.frame.note(`stopped at a breakpoint: ${at}`, [
        'The instruction there has not run yet; the machine panel shows the state before it.',
        'Step (F10) runs one instruction, Run (F5) goes on to the next breakpoint.',
      ]);
    }
  }

  private async poll(): Promise<void> {
    const { api } = await this.ready;
    const snapshot = await api.snapshot();
    if (this.status !== 'running' || this.paced.running) return;
    this.view = snapshot.view;
    this.exits = snapshot.exits;
  }

  /** Draws a stop (or a snapshot); a visible-pace run keeps its 'running' status between ticks. */
  private apply(s: { view: MachineView; exits: ExitSummary; disassembly?: DisasmLine[] }, stillRunning = false): void {
    const view = s.view;
    if (this.view && this.view.pc !== view.pc) this.previous = this.view;
    else if (!this.view) this.previous = view;
    this.view = view;
    this.exits = s.exits;
    if (s.disassembly) this.disassembly = s.disassembly;
    if (!stillRunning) this.status = view.status;
  }

  async readMemory(addr: number, length: number): Promise<Uint8Array> {
    const { api } = await this.ready;
    return api.readMemory(addr, length);
  }

  /** The stopped guest's page table beside the shadow the hypervisor built from it. */
  async pageTables(): Promise<PageTableView | null> {
    const { api } = await this.ready;
    return api.pageTables();
  }
}

export const MODE_NAMES: Record<RunMode, string> = {
  bare: 'bare machine', full: 'full virtualization', pv: 'paravirtualized', hw: 'hardware-assisted', linux: 'Linux process',
};

function describePc(pc: number): string {
  return `pc 0x${pc.toString(16).padStart(8, '0')}`;
}

export function describeStop(stop: StopInfo): string {
  const at = describePc(stop.pc);
  switch (stop.reason) {
    case 'exit': return `Exited with code ${stop.exitCode ?? 0}`;
    case 'breakpoint': return `Breakpoint at ${at}`;
    case 'paused': return `Paused at ${at}`;
    case 'step': return `Stepped to ${at}`;
    case 'budget': return stop.message ?? `Instruction budget reached at ${at}`;
    case 'wfi-idle': return `Waiting for an interrupt that will never come (wfi) at ${at}`;
    case 'fault': return `Fault: ${stop.message ?? 'the machine stopped'} (${at})`;
  }
}

const CPU_KEY = 'trapdoor.cpu';

/** The saved CPU setting; the translator unless 'interp' was chosen. */
function savedCpu(): CpuKind {
  try {
    return globalThis.localStorage?.getItem(CPU_KEY) === 'interp' ? 'interp' : 'jit';
  } catch {
    return 'jit'; // storage blocked: the default
  }
}

function saveCpu(kind: CpuKind): void {
  try {
    globalThis.localStorage?.setItem(CPU_KEY, kind);
  } catch {
    // storage blocked or full: the setting lasts until the page closes
  }
}
