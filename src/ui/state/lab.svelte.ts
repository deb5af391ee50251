// The lab's run state: the engine connection, what the machine is doing, the last
// machine view and the live diagnostics. Components read these fields; only the methods
// here talk to the engine.
import type {
  ComparisonRow, CompareProgress, Diagnostic, DisasmLine, EngineStatus, ExitSummary, MachineView, RunMode, SourceLine, StopInfo,
} from '../../worker/engine-api.ts';
import { startEngine, type EngineClient } from '../engine-client.ts';

/** Instructions per second for the slow run speeds; 0 = full speed. */
export const SPEEDS = [
  { label: '1 / s', ips: 1 },
  { label: '5 / s', ips: 5 },
  { label: '20 / s', ips: 20 },
  { label: '100 / s', ips: 100 },
  { label: 'Full', ips: 0 },
] as const;

const LIVE_POLL_MS = 250;

export type OutputSink = (text: string) => void;

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
  speedIndex = $state(SPEEDS.length - 1);
  message = $state('Starting the engine…');
  sharedStopFlag = $state(false);
  /** The source of the program in the machine (null when none is loaded). */
  loadedSource: string | null = $state(null);
  /** Bumped on every fresh load: the terminal clears for a new machine. */
  boots = $state(0);
  comparison: ComparisonRow[] | null = $state(null);
  comparing = $state(false);
  /** The comparison run's progress, while one runs. */
  compareProgress: CompareProgress | null = $state(null);
  /** Milliseconds from pressing Pause to the engine reporting it stopped. */
  lastPauseMs: number | null = $state(null);

  private client: EngineClient | null = null;
  private ready: Promise<EngineClient>;
  private output: OutputSink | null = null;
  private consoleClosed: (() => void) | null = null;
  private pending: string[] = [];
  /** The guest console shares the terminal with the shell: its output comes in blocks. */
  private consoleOpen = false;
  private consoleTitle = 'UART console';
  private lastChar = '\n';
  private breakpoints: SourceLine[] = [];
  private slowTimer: ReturnType<typeof setTimeout> | null = null;
  /** True while a visible-pace run is stepping (the engine is 'paused' between steps). */
  private slow = false;
  private checkSeq = 0;

  constructor() {
    this.ready = this.connect();
  }

  private async connect(): Promise<EngineClient> {
    const client = await startEngine();
    await client.setListener({
      output: (text) => this.write(text),
      stopped: (view) => this.applyView(view),
    });
    this.client = client;
    this.sharedStopFlag = client.sharedStopFlag;
    this.modes = (await client.api.info()).modes;
    this.message = 'Ready';
    return client;
  }

  /**
   * Where guest console text goes (the terminal, which the shell shares); text before
   * attaching is kept. `closed` runs after a block of console output ends (the shell
   * then draws its prompt again).
   */
  attachOutput(sink: OutputSink, closed?: () => void): void {
    this.output = sink;
    this.consoleClosed = closed ?? null;
    for (const t of this.pending.splice(0)) sink(t);
  }

  private emit(text: string): void {
    if (this.output) this.output(text);
    else if (this.pending.length < 10_000) this.pending.push(text);
  }

  /** Guest console bytes: the first of a block gets a header naming the machine. */
  private write(text: string): void {
    if (!text) return;
    if (!this.consoleOpen) {
      this.consoleOpen = true;
      this.emit(`\r\x1b[2K\x1b[1;36m── ${this.consoleTitle} ──\x1b[0m\n`);
    }
    this.emit(text);
    this.lastChar = text[text.length - 1]!;
  }

  /** Ends a block of console output with what happened, and gives the terminal back. */
  private closeConsole(how: string): void {
    if (!this.consoleOpen) return;
    this.consoleOpen = false;
    this.emit(`${this.lastChar === '\n' ? '' : '\n'}\x1b[1;36m── ${how} ──\x1b[0m`);
    this.consoleClosed?.();
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
      this.message = `${result.diagnostics.length} error(s): fix them to run`;
      this.loadedSource = null;
      return false;
    }
    this.loadedSource = source;
    this.boots++;
    this.closeConsole('machine reset');
    this.consoleTitle = `UART console · ${MODE_NAMES[this.mode]} · ${file}`;
    await api.setBreakpoints(this.breakpoints);
    await this.refresh();
    return true;
  }

  async run(source: string, file: string): Promise<void> {
    if (this.busy || !(await this.ensureLoaded(source, file))) return;
    const ips = SPEEDS[this.speedIndex]!.ips;
    if (ips > 0) return this.runSlowly(ips);
    const { api } = await this.ready;
    this.status = 'running';
    this.message = 'Running…';
    // Live counters and exits while it runs; the engine answers between slices.
    const poll = setInterval(() => void this.poll(), LIVE_POLL_MS);
    try {
      const stop = await api.run();
      await this.afterStop(stop);
    } finally {
      clearInterval(poll);
    }
  }

  /** A visible pace: one step per tick, with the views refreshed after each. */
  private async runSlowly(ips: number): Promise<void> {
    const { api } = await this.ready;
    this.slow = true;
    this.status = 'running';
    this.message = `Running at ${ips} instructions per second…`;
    let first = true;
    const tick = async (): Promise<void> => {
      this.slowTimer = null;
      if (!this.slow) return;
      const stop = await api.run({ maxInstructions: 1, skipBreakpointAtPc: first });
      first = false;
      await this.refresh();
      if (stop.reason !== 'budget') {
        this.slow = false;
        return this.afterStop(stop);
      }
      if (this.slow) this.slowTimer = setTimeout(() => void tick(), 1000 / ips);
    };
    await tick();
  }

  /** A new mode needs a new machine: the next Run or Step loads afresh. */
  modeChanged(): void {
    this.loadedSource = null;
  }

  async pause(): Promise<void> {
    const client = await this.ready;
    if (this.slow) {
      this.slow = false;
      if (this.slowTimer !== null) clearTimeout(this.slowTimer);
      this.slowTimer = null;
      this.status = 'paused';
      this.message = 'Paused';
      await this.refresh();
      return;
    }
    const started = performance.now();
    await client.pause();
    this.lastPauseMs = Math.round(performance.now() - started);
  }

  async step(source: string, file: string, over = false): Promise<void> {
    if (this.busy || !(await this.ensureLoaded(source, file))) return;
    const { api } = await this.ready;
    const stop = over ? await api.stepOver() : await api.step(1);
    await this.afterStop(stop);
  }

  async reset(source: string, file: string): Promise<void> {
    if (this.busy) await this.pause();
    this.loadedSource = null;
    this.status = 'empty';
    this.previous = null;
    await this.ensureLoaded(source, file);
    this.message = 'Reset: ready to run';
  }

  private async afterStop(stop: StopInfo): Promise<void> {
    await this.refresh();
    this.message = describeStop(stop);
    this.closeConsole(this.message.charAt(0).toLowerCase() + this.message.slice(1));
    // Output after a pause continues in a block of its own.
    this.consoleTitle = this.consoleTitle.replace(/( \(continued\))?$/, ' (continued)');
  }

  private async poll(): Promise<void> {
    const { api } = await this.ready;
    const [view, exits] = await Promise.all([api.view(), api.exits()]);
    if (this.status !== 'running') return;
    this.view = view;
    this.exits = exits;
  }

  async refresh(): Promise<void> {
    const { api } = await this.ready;
    const [view, exits] = await Promise.all([api.view(), api.exits()]);
    this.applyView(view);
    this.exits = exits;
    this.disassembly = await api.disassembleAround(view.pc, 6, 10);
  }

  private applyView(view: MachineView): void {
    if (this.view && this.view.pc !== view.pc) this.previous = this.view;
    else if (!this.view) this.previous = view;
    this.view = view;
    // A slow run keeps its own 'running' status between steps.
    if (!(this.slow && view.status === 'paused')) this.status = view.status;
  }

  /** The same program bare, fully virtualized and paravirtualized; Pause cancels it. */
  async compare(source: string, file: string): Promise<void> {
    if (this.busy || this.comparing) return;
    const { api, callback } = await this.ready;
    this.comparing = true;
    this.compareProgress = null;
    this.message = 'Comparing bare, full and pv…';
    // Reports travel on the callback's own port and may land after the result: drop those.
    let done = false;
    try {
      const rows = await api.compare(source, file, ['bare', 'full', 'pv'], undefined, callback((p: CompareProgress) => { if (!done) this.compareProgress = p; }));
      const cancelled = rows.some((r) => r.end === 'budget') && this.compareCancelled;
      this.comparison = rows;
      this.message = cancelled ? 'Comparison cancelled: unfinished modes show where they stopped' : 'Comparison done';
    } finally {
      done = true;
      this.comparing = false;
      this.compareCancelled = false;
      this.compareProgress = null;
    }
  }

  private compareCancelled = false;

  async cancelCompare(): Promise<void> {
    this.compareCancelled = true;
    const { api } = await this.ready;
    await api.pause();
  }

  async readMemory(addr: number, length: number): Promise<Uint8Array> {
    const { api } = await this.ready;
    return api.readMemory(addr, length);
  }
}

const MODE_NAMES: Record<RunMode, string> = {
  bare: 'bare machine', full: 'full virtualization', pv: 'paravirtualized', linux: 'Linux process',
};

export function describeStop(stop: StopInfo): string {
  const at = `pc 0x${stop.pc.toString(16).padStart(8, '0')}`;
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
