// Runs parsed command lists, like runcmd() in xv6 user/sh.c: lists in order, && and ||
// by status, pipelines with a kernel pipe between neighbours, redirections by opening
// files through the kernel. Programs are spawned through the kernel port; built-ins run
// in-process with streams over the same file descriptors.
//
// Programs reach the terminal through a pty-like TerminalLink (terminal-link.ts).

import type { AndOr, CommandList, Pipeline, Redirect, SimpleCommand } from './command.ts';
import type { BuiltinContext, ShellContext } from './builtin.ts';
import { expandWord, expandWords } from './expansion.ts';
import { Job } from './job.ts';
import { isErrnoError, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, type ExitStatus } from '../kernel/kernel-port.ts';
import { SIGINT, SIGPIPE, signalDescription } from './signals.ts';
import { FdInput, FdOutput, TerminalOutput, type InputStream, type OutputStream } from './stream.ts';
import { strerror } from './strerror.ts';
import { closeQuietly, TerminalLink } from './terminal-link.ts';

type Endpoint = { kind: 'terminal' } | { kind: 'fd'; fd: number };
type Stdio = [Endpoint, Endpoint, Endpoint];

const TERMINAL: Endpoint = { kind: 'terminal' };
const EPIPE = 32;

export class Executor {
  constructor(private readonly shell: ShellContext) {}

  async runList(list: CommandList): Promise<number> {
    for (const item of list.items) {
      const job = new Job(item.source);
      if (item.background) this.startBackground(job, item.command);
      else await this.runForeground(job, item.command);
      if (this.shell.exitCode !== null) break;
    }
    return this.shell.lastStatus;
  }

  private async runForeground(job: Job, command: AndOr): Promise<void> {
    this.shell.foregroundJob = job;
    try {
      await this.runAndOr(command, job);
    } finally {
      this.shell.foregroundJob = undefined;
    }
  }

  private startBackground(job: Job, command: AndOr): void {
    const done = this.runAndOr(command, job);
    const entry = this.shell.jobs.add(job, done);
    this.shell.host.write(`[${entry.number}] ${job.pids[job.pids.length - 1] ?? this.shell.port.pid}\n`);
    this.shell.lastStatus = 0;
  }

  private async runAndOr(command: AndOr, job: Job): Promise<number> {
    let status = await this.runPipeline(command.first, job);
    for (const { op, pipeline } of command.rest) {
      if (this.shell.exitCode !== null || job.interrupt.fired) break;
      if ((op === '&&') === (status === 0)) status = await this.runPipeline(pipeline, job);
    }
    return status;
  }

  private async runPipeline(pipeline: Pipeline, job: Job): Promise<number> {
    const tty = new TerminalLink(this.shell, job);
    const n = pipeline.commands.length;
    const pipes: [number, number][] = [];
    try {
      for (let i = 0; i < n - 1; i++) pipes.push(this.shell.port.pipe());
    } catch (e) {
      for (const [r, w] of pipes) closeQuietly(this.shell, r, w);
      return this.finish(await this.report('sh', e));
    }
    const stages = pipeline.commands.map((cmd, i) => {
      const stdin: Endpoint = i === 0 ? TERMINAL : { kind: 'fd', fd: pipes[i - 1]![0] };
      const stdout: Endpoint = i === n - 1 ? TERMINAL : { kind: 'fd', fd: pipes[i]![1] };
      const owned = [...(i > 0 ? [pipes[i - 1]![0]] : []), ...(i < n - 1 ? [pipes[i]![1]] : [])];
      return this.runSimple(cmd, [stdin, stdout, TERMINAL], owned, job, tty);
    });
    tty.allStarted();
    const statuses = await Promise.all(stages);
    await tty.finished();
    return this.finish(statuses[statuses.length - 1]!);
  }

  private finish(status: number): number {
    this.shell.lastStatus = status;
    return status;
  }

  /** One command; closes `owned` fds once they have been handed on or are no longer used. */
  private async runSimple(cmd: SimpleCommand, inherited: Stdio, owned: number[], job: Job, tty: TerminalLink): Promise<number> {
    const opened: number[] = [];
    const release = () => closeQuietly(this.shell, ...owned.splice(0), ...opened.splice(0));
    try {
      const lookup = this.shell.lookup;
      const argv = expandWords(cmd.words, lookup, this.shell.listDirectory);
      const prefix = cmd.assignments.map((a) => [a.name, expandWord(a.value, lookup) ?? ''] as const);
      const stdio = this.redirect(cmd.redirects, inherited, opened);
      if (argv.length === 0) {
        for (const [name, value] of prefix) this.shell.setVariable(name, value);
        release();
        return 0;
      }
      const env = this.shell.environment(prefix);
      const builtin = this.shell.table.get(argv[0]!);
      if (builtin) {
        const status = await this.runBuiltin(builtin.run.bind(builtin), argv, env, stdio, job, tty);
        release();
        return status;
      }
      return await this.runProgram(argv, env, stdio, job, tty, release);
    } catch (e) {
      release();
      return this.report('sh', e);
    }
  }

  private redirect(redirects: Redirect[], inherited: Stdio, opened: number[]): Stdio {
    const stdio: Stdio = [...inherited];
    for (const r of redirects) {
      const target = expandWord(r.target, this.shell.lookup) ?? '';
      if (r.fd > 2) throw new ShellError(`${r.fd}: Bad file descriptor`);
      if (r.op === '>&' || r.op === '<&') {
        const from = /^[0-2]$/.test(target) ? Number(target) : -1;
        if (from < 0) throw new ShellError(`${target}: Bad file descriptor`);
        stdio[r.fd] = stdio[from]!;
        continue;
      }
      if (target === '') throw new ShellError(`${r.target.source}: ambiguous redirect`);
      const flags = r.op === '<' ? O_RDONLY : O_WRONLY | O_CREAT | (r.op === '>>' ? O_APPEND : O_TRUNC);
      let fd: number;
      try {
        fd = this.shell.port.open(target, flags, 0o644);
      } catch (e) {
        if (isErrnoError(e)) throw new ShellError(`${target}: ${strerror(e.errno)}`);
        throw e;
      }
      opened.push(fd);
      stdio[r.fd] = { kind: 'fd', fd };
    }
    return stdio;
  }

  private async runBuiltin(run: (ctx: BuiltinContext) => Promise<number>, argv: string[], env: Map<string, string>, stdio: Stdio, job: Job, tty: TerminalLink): Promise<number> {
    const ctx: BuiltinContext = {
      argv, env, shell: this.shell, port: this.shell.port, interrupt: job.interrupt,
      stdin: this.input(stdio[0], tty),
      stdout: this.output(stdio[1]),
      stderr: this.output(stdio[2]),
      stdoutIsTerminal: stdio[1].kind === 'terminal',
      programStdio: () => {
        const fds = stdio.map((e, i) => (e.kind === 'fd' ? e.fd : i === 0 ? tty.inputFd() : tty.outputFd())) as [number, number, number];
        return { stdio: fds, release: () => tty.allStarted() };
      },
    };
    try {
      return await run(ctx);
    } catch (e) {
      if (isErrnoError(e) && e.errno === EPIPE) return 128 + SIGPIPE;
      return this.report(argv[0]!, e, ctx.stderr);
    }
  }

  private async runProgram(argv: string[], env: Map<string, string>, stdio: Stdio, job: Job, tty: TerminalLink, release: () => void): Promise<number> {
    const path = this.shell.resolveCommand(argv[0]!);
    if (typeof path !== 'string') {
      release();
      await this.output(stdio[2]).write(`sh: ${argv[0]}: ${path.message}\n`);
      return path.status;
    }
    const fds = stdio.map((e, i) => (e.kind === 'fd' ? e.fd : i === 0 ? tty.inputFd() : tty.outputFd())) as [number, number, number];
    let pid: number;
    try {
      pid = this.shell.port.spawn({ path, argv, env: [...env].map(([k, v]) => `${k}=${v}`), stdio: fds });
    } finally {
      release();
    }
    job.pids.push(pid);
    if (job.interrupt.fired) this.shell.port.kill(pid, SIGINT);
    const status = await this.shell.port.wait(pid);
    return this.exitStatus(status, job);
  }

  private async exitStatus(status: ExitStatus, job: Job): Promise<number> {
    if (status.kind === 'exited') return status.code & 0xff;
    const foreground = this.shell.foregroundJob === job;
    if (foreground && status.message) this.shell.host.write(`${status.message}\n`);
    if (foreground && status.signal !== SIGINT && status.signal !== SIGPIPE) this.shell.host.write(`${signalDescription(status.signal)}\n`);
    return 128 + status.signal;
  }

  private input(e: Endpoint, tty: TerminalLink): InputStream {
    if (e.kind === 'fd') return new FdInput(this.shell.port, e.fd);
    return tty.keyboard();
  }

  private output(e: Endpoint): OutputStream {
    if (e.kind === 'fd') return new FdOutput(this.shell.port, e.fd);
    return new TerminalOutput((t) => this.shell.host.write(t));
  }

  /** Prints a failure as the shell would and returns its status. */
  private async report(name: string, e: unknown, stream?: OutputStream): Promise<number> {
    const out = stream ?? this.output(TERMINAL);
    if (e instanceof ShellError) await out.write(`sh: ${e.message}\n`);
    else if (isErrnoError(e)) await out.write(`${name}: ${strerror(e.errno)}\n`);
    else await out.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** A failure the shell reports itself ("sh: out: Permission denied"). */
export class ShellError extends Error {}
