// One shell: its variables, history, jobs and last status, over one kernel port. The host
// shell and a shell inside a container are the same class with different ports; the
// session stacks them when `container exec -it NAME sh` enters one.

import type { Commands, ShellContext, ShellHost } from './builtin.ts';
import { complete } from './completion.ts';
import type { ContainerRuntimePort } from '../kernel/container-port.ts';
import { Executor } from './executor.ts';
import { History, type HistoryState } from './history.ts';
import type { Job } from './job.ts';
import { JobTable } from './job.ts';
import { isErrnoError, type KernelPort } from '../kernel/kernel-port.ts';
import type { Completion } from './line-editor.ts';
import { parse } from './parser.ts';
import { SIGINT } from './signals.ts';
import { strerror } from './strerror.ts';
import type { HypervisorPort } from '../vmm/vm-port.ts';

export interface ShellOptions {
  port: KernelPort;
  host: ShellHost;
  table: Commands;
  env: Record<string, string>;
  containers?: ContainerRuntimePort;
  vms?: HypervisorPort;
  /**
   * A shell inside a container: the host's management commands (container, vm, dc) are
   * refused, as the container has no access to the host's runtime, hypervisor or data centre.
   */
  confined?: boolean;
}

export interface ShellState {
  version: 1;
  variables: [string, string][];
  exported: string[];
  history: HistoryState;
  lastStatus: number;
}

export class Shell implements ShellContext {
  readonly port: KernelPort;
  readonly host: ShellHost;
  readonly table: Commands;
  readonly containers: ContainerRuntimePort | undefined;
  readonly vms: HypervisorPort | undefined;
  readonly confined: boolean;
  readonly history = new History();
  readonly jobs = new JobTable();
  lastStatus = 0;
  /** Set by `exit`: the shell stops reading commands. */
  exitCode: number | null = null;
  foregroundJob: Job | undefined;
  private readonly variables = new Map<string, string>();
  private readonly exported = new Set<string>();
  private readonly executor = new Executor(this);

  constructor(options: ShellOptions) {
    this.port = options.port;
    this.host = options.host;
    this.table = options.table;
    this.containers = options.containers;
    this.vms = options.vms;
    this.confined = options.confined ?? false;
    for (const [k, v] of Object.entries(options.env)) this.setVariable(k, v, true);
    // Killed from inside (`kill -9 $$`) or outside: no more commands run in this shell.
    this.port.onKilled?.((status) => {
      if (this.exitCode !== null) return;
      this.exitCode = status.kind === 'exited' ? status.code : 128 + status.signal;
      this.foregroundJob?.interrupt.fire();
      if (!this.foregroundJob) this.host.shellKilled?.(this);
    });
  }

  /** Parses and runs one line; prints syntax errors as sh does (status 2). */
  async execute(line: string): Promise<number> {
    if (this.exitCode !== null) return this.exitCode;
    this.history.add(line);
    const parsed = parse(line);
    if (!parsed.ok) {
      this.host.write(`sh: ${parsed.error}\n`);
      this.lastStatus = 2;
      return 2;
    }
    try {
      return await this.executor.runList(parsed.list);
    } catch (e) {
      // A failure no command handled (the kernel ended this shell's process, a bug):
      // report it and keep the terminal alive.
      this.foregroundJob = undefined;
      this.host.write(`sh: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      this.lastStatus = 1;
      return 1;
    }
  }

  /** Ctrl-C: SIGINT to the foreground job's programs, and its built-ins stop. */
  interrupt(): void {
    const job = this.foregroundJob;
    if (!job) return;
    job.interrupt.fire();
    for (const pid of job.pids) {
      try { this.port.kill(pid, SIGINT); } catch { /* already gone */ }
    }
  }

  get busy(): boolean {
    return this.foregroundJob !== undefined;
  }

  /** root@web:/# — user, hostname and cwd come from the kernel, so a container shows its own. */
  prompt(): string {
    const uid = this.port.getuid();
    const user = this.variables.get('USER') ?? (uid === 0 ? 'root' : 'user');
    let cwd = '?';
    try { cwd = this.port.getcwd(); } catch { /* cwd removed: keep going */ }
    const home = this.variables.get('HOME');
    if (home && home !== '/' && (cwd === home || cwd.startsWith(`${home}/`))) cwd = `~${cwd.slice(home.length)}`;
    return `${user}@${this.port.uname().nodename}:${cwd}${uid === 0 ? '#' : '$'} `;
  }

  complete(line: string, cursor: number): Completion {
    return complete({ port: this.port, commandNames: () => this.table.names(), path: () => this.variables.get('PATH') ?? '' }, line, cursor);
  }

  readonly lookup = (name: string): string | undefined => {
    if (name === '?') return String(this.lastStatus);
    if (name === '$') return String(this.port.pid);
    if (name === '#') return '0';
    if (name === '0') return 'sh';
    return this.variables.get(name);
  };

  /** Directory names for pathname expansion; nothing when unreadable. */
  readonly listDirectory = (dir: string): string[] => {
    try {
      return this.port.readdir(dir).map((e) => e.name).filter((n) => n !== '.' && n !== '..');
    } catch {
      return [];
    }
  };

  setVariable(name: string, value: string, exported = false): void {
    this.variables.set(name, value);
    if (exported) this.exported.add(name);
  }

  exportVariable(name: string): void {
    this.exported.add(name);
  }

  unsetVariable(name: string): void {
    this.variables.delete(name);
    this.exported.delete(name);
  }

  /** Exported variables plus a command's NAME=value prefixes: what a program's envp holds. */
  environment(prefix: readonly (readonly [string, string])[] = []): Map<string, string> {
    const env = new Map<string, string>();
    for (const name of [...this.exported].sort()) {
      const v = this.variables.get(name);
      if (v !== undefined) env.set(name, v);
    }
    for (const [k, v] of prefix) env.set(k, v);
    return env;
  }

  /** A program's path on $PATH, or why it cannot run (`command not found`, 127). */
  resolveCommand(name: string): string | { message: string; status: number } {
    if (name.includes('/')) return this.checkExecutable(name);
    for (const dir of (this.variables.get('PATH') ?? '').split(':').filter(Boolean)) {
      const path = `${dir.replace(/\/$/, '')}/${name}`;
      if (typeof this.checkExecutable(path) === 'string') return path;
    }
    return { message: 'command not found', status: 127 };
  }

  private checkExecutable(path: string): string | { message: string; status: number } {
    try {
      const st = this.port.stat(path);
      if (st.type === 'dir') return { message: 'Is a directory', status: 126 };
      if ((st.perm & 0o111) === 0) return { message: 'Permission denied', status: 126 };
      return path;
    } catch (e) {
      return { message: isErrnoError(e) ? strerror(e.errno) : String(e), status: 127 };
    }
  }

  getState(): ShellState {
    return {
      version: 1,
      variables: [...this.variables],
      exported: [...this.exported],
      history: this.history.getState(),
      lastStatus: this.lastStatus,
    };
  }

  setState(state: ShellState): void {
    if (state.version !== 1) throw new Error(`shell state version ${String(state.version)} is not 1`);
    this.variables.clear();
    this.exported.clear();
    for (const [k, v] of state.variables) this.variables.set(k, v);
    for (const k of state.exported) this.exported.add(k);
    this.history.setState(state.history);
    this.lastStatus = state.lastStatus;
  }
}
