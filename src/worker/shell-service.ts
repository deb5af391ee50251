// The terminal's shell in the worker: one host kernel (createTerminalHost), one Session
// drawing into the page's xterm. The page only forwards key bytes and draws the output;
// Ctrl-C, history, completion and `container exec -it` all happen inside the Session.
// The guests overview reads the same kernel's containers, and the VMs `vm` made, from here.

import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../core/shell/index.ts';
import { DcSession } from '../core/datacenter/dc-command.ts';
import { observedOutcome, scriptLines } from '../core/lessons/container-host-run.ts';
import type { RunOutcome } from '../core/lessons/runner-port.ts';
import { DataCentreService } from './datacenter-api.ts';
import { costBreakdown } from '../core/vmm/vm-session.ts';
import type {
  ContainerRow, ShellApi, VmRow, ShellListener, StartManyProgress, StartManyRequest, StartManyResult,
} from './shell-api.ts';
import type { PacedHost } from './paced-driver.ts';
import { createTerminalHost, type TerminalHost } from './terminal-host.ts';

/** Containers started between yields in startMany: small enough to cancel promptly. */
const START_BATCH = 50;
/** The terminal text kept for checks (the newest part of it). */
const TRANSCRIPT_LIMIT = 512 * 1024;

/** Terminal bytes as a check reads them: no colours or cursor moves, \n line ends. */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '');
}

export class ShellService implements ShellApi {
  private host: TerminalHost;
  /** The one data centre: the terminal's `dc` and the Data centre screen both act on it. */
  private dc: DcSession;
  readonly datacentre: DataCentreService;
  private session: Session | null = null;
  /** What the terminal showed since the host started (for checks), as plain text. */
  private transcript = '';
  private listener: ShellListener | null = null;
  private cancelled = false;
  private columns = 0;
  /**
   * Host time and busy cycles of each VM at the previous vms() call: the overview's own
   * CPU window, so polling never moves the one `vm stats` reports over.
   */
  private readonly vmWindows = new Map<string, { at: number; busy: number; percent: number }>();

  /**
   * @param expose serves an object on a port (comlink in the worker), for the Data centre
   *   screen's own channel to the same data centre
   */
  constructor(private readonly pace: PacedHost, private readonly expose?: (obj: object, port: MessagePort) => void) {
    this.host = createTerminalHost(pace);
    this.dc = new DcSession({ containers: this.host.containers });
    const service = this;
    this.datacentre = new DataCentreService({
      get dc() { return service.dc.dc; },
      set dc(d) { service.dc.dc = d; },
    });
  }

  async start(listener: ShellListener): Promise<void> {
    this.listener = listener;
    if (!this.session) this.openSession();
    else this.session.redraw();
  }

  private openSession(): void {
    const host = this.host;
    const session = new Session({
      port: host.port, containers: host.containers, vms: host.vms, table: standardCommands({ dc: () => this.dc }),
      env: { ...DEFAULT_SHELL_ENV, ...host.env }, mode: 'terminal',
      output: (text) => this.print(text),
      // `exit` in the host shell: a terminal has to keep a shell, so start a fresh one.
      onEnd: () => {
        this.session = null;
        this.print('\r\n[the shell exited: a new one starts]\r\n');
        this.openSession();
      },
    });
    this.session = session;
    if (this.columns > 0) session.resize(this.columns);
    session.start();
  }

  private print(text: string): void {
    this.transcript += plainText(text);
    if (this.transcript.length > TRANSCRIPT_LIMIT) this.transcript = this.transcript.slice(-TRANSCRIPT_LIMIT / 2);
    this.listener?.output(text);
  }

  /**
   * Plays a script in the terminal as if typed, line by line (comments and blank lines
   * left out), each command's output under it. `fresh` starts a new host first (new
   * kernel, containers and data centre), so the script runs on a clean machine.
   */
  async play(script: string, title: string, fresh: boolean): Promise<void> {
    if (fresh) this.restart();
    this.print(`\r\x1b[2K\x1b[1;36m── ${title}${fresh ? ' · on a fresh host' : ''} ──\x1b[0m\r\n`);
    this.session?.redraw();
    await this.session?.typeLines(scriptLines(script));
  }

  /** A new host: the old kernel stops, its containers, VMs and data centre go with it. */
  private restart(): void {
    this.host.driver.halt();
    this.host = createTerminalHost(this.pace);
    this.dc = new DcSession({ containers: this.host.containers });
    this.vmWindows.clear();
    this.transcript = '';
    this.session = null;
    this.openSession();
  }

  /**
   * What a lesson check grades on the terminal's host: its transcript, the outputs of
   * `commands` run now on the same host (in a session of their own, not echoed in the
   * terminal) and its containers.
   */
  async observe(commands: string[]): Promise<RunOutcome> {
    const host = this.host;
    const checker = new Session({
      port: host.port, containers: host.containers, vms: host.vms, table: standardCommands({ dc: () => this.dc }),
      env: { ...DEFAULT_SHELL_ENV, ...host.env }, mode: 'script', output: () => {},
    });
    const shell = await checker.runCommands(commands);
    return observedOutcome(host, this.transcript, shell);
  }

  async connectDataCentre(port: MessagePort): Promise<void> {
    this.expose?.(this.datacentre, port);
  }

  async input(data: string): Promise<void> {
    this.session?.input(data);
  }

  async redraw(): Promise<void> {
    this.session?.redraw();
  }

  async resize(columns: number): Promise<void> {
    this.columns = Math.max(0, Math.floor(columns));
    this.session?.resize(this.columns);
  }

  async vms(): Promise<VmRow[]> {
    const hv = this.host.vms;
    const list = hv.list(); // catches the VMs up to the shell's clock first
    const now = hv.now;
    const seen = new Set<string>();
    const rows = list.map((v) => {
      seen.add(v.name);
      const vm = hv.machineVm(v.name);
      const cost = vm ? costBreakdown(vm) : { guestCycles: 0, overheadCycles: 0, overheadPercent: 0 };
      const busy = cost.guestCycles + cost.overheadCycles;
      return {
        name: v.name, image: v.image, mode: v.mode, state: v.state,
        cpuPercent: this.cpuShare(v.name, v.state === 'running', busy, now),
        memoryBytes: v.memoryBytes, residentBytes: v.residentBytes,
        instructions: v.instructions, exits: v.exits, overheadPercent: cost.overheadPercent,
      };
    });
    for (const name of this.vmWindows.keys()) if (!seen.has(name)) this.vmWindows.delete(name);
    return rows;
  }

  /** Busy cycles over host cycles since the last call; a VM seen for the first time shows 0. */
  private cpuShare(name: string, running: boolean, busy: number, now: number): number {
    const last = this.vmWindows.get(name);
    const elapsed = last ? now - last.at : 0;
    const used = last ? busy - last.busy : -1;
    // No time passed: keep the last figure. Fewer busy cycles: a new VM of the same name.
    const percent = !running || used < 0 ? 0 : elapsed > 0 ? Math.min(100, (used / elapsed) * 100) : last?.percent ?? 0;
    this.vmWindows.set(name, { at: now, busy, percent });
    return percent;
  }

  async containers(): Promise<ContainerRow[]> {
    const rt = this.host.containers;
    const stats = new Map(rt.stats().map((s) => [s.id, s]));
    return rt.list(true).map((c) => {
      const s = stats.get(c.id);
      return {
        id: c.id, name: c.name, image: c.image, command: c.command, status: c.status, hostname: c.hostname,
        cpuPercent: s?.cpuPercent ?? 0, memoryBytes: s?.memoryBytes ?? 0,
        memoryLimitBytes: s?.memoryLimitBytes ?? 0, pids: s?.pids ?? 0,
      };
    });
  }

  async startMany(request: StartManyRequest, onProgress?: (p: StartManyProgress) => void): Promise<StartManyResult> {
    this.cancelled = false;
    const total = Math.max(0, Math.floor(request.count));
    let started = 0;
    try {
      while (started < total && !this.cancelled) {
        const end = Math.min(total, started + START_BATCH);
        for (; started < end; started++) this.startOne(request, started + 1);
        onProgress?.({ started, total });
        await this.pace.yieldToEvents();
      }
    } catch (e) {
      return { started, cancelled: false, error: e instanceof Error ? e.message : String(e) };
    }
    return { started, cancelled: this.cancelled };
  }

  private startOne(request: StartManyRequest, n: number): void {
    this.host.containers.run({
      image: request.image,
      ...(request.prefix ? { name: `${request.prefix}-${n}` } : {}),
      limits: {}, env: [],
      command: { kind: 'program', argv: request.argv },
    });
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
  }
}
