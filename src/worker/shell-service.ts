// The terminal's shell in the worker: one host kernel (createTerminalHost), one Session
// drawing into the page's xterm. The page only forwards key bytes and draws the output;
// Ctrl-C, history, completion and `container exec -it` all happen inside the Session.
// The guests overview reads the same kernel's containers from here.

import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../core/shell/index.ts';
import type {
  ContainerRow, ShellApi, ShellListener, StartManyProgress, StartManyRequest, StartManyResult,
} from './shell-api.ts';
import type { PacedHost } from './paced-driver.ts';
import { createTerminalHost, type TerminalHost } from './terminal-host.ts';

/** Containers started between yields in startMany: small enough to cancel promptly. */
const START_BATCH = 50;

export class ShellService implements ShellApi {
  private readonly host: TerminalHost;
  private session: Session | null = null;
  private listener: ShellListener | null = null;
  private cancelled = false;

  constructor(private readonly pace: PacedHost) {
    this.host = createTerminalHost(pace);
  }

  async start(listener: ShellListener): Promise<void> {
    this.listener = listener;
    if (!this.session) this.openSession();
    else this.session.redraw();
  }

  private openSession(): void {
    const host = this.host;
    const session = new Session({
      port: host.port, containers: host.containers, vms: host.vms, table: standardCommands(),
      env: { ...DEFAULT_SHELL_ENV, ...host.env }, mode: 'terminal',
      output: (text) => this.listener?.output(text),
      // `exit` in the host shell: a terminal has to keep a shell, so start a fresh one.
      onEnd: () => {
        this.session = null;
        this.listener?.output('\r\n[the shell exited: a new one starts]\r\n');
        this.openSession();
      },
    });
    this.session = session;
    session.start();
  }

  async input(data: string): Promise<void> {
    this.session?.input(data);
  }

  async redraw(): Promise<void> {
    this.session?.redraw();
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
