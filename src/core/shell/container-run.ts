// `container run` and `container exec`: options as docker spells them, then one of three
// ways to start: a program attached to the terminal (or detached, output to the log), a
// shell entered on the terminal (`-it IMAGE sh`), or a built-in utility run by a shell
// process inside the container (`exec web ps`).

import type { BuiltinContext } from './builtin.ts';
import type {
  ContainerCommand, ContainerInfo, ContainerLimits, ContainerProcess, ContainerRuntimePort, RunRequest, VolumeRequest,
} from '../kernel/container-port.ts';
import { decodeUtf8 } from './text-codec.ts';
import { utf8Encode } from '../kernel/bytes.ts';
import type { ExitStatus, KernelPort } from '../kernel/kernel-port.ts';
import type { ShellContext, ShellHost } from './builtin.ts';
import { Shell } from './shell.ts';
import { SIGINT } from './signals.ts';

const SHELLS = new Set(['sh', '/bin/sh', 'ash', '/bin/ash', 'bash', '/bin/bash']);

/** Parsed `run`/`exec` options. */
interface RunOptions {
  detach: boolean;
  tty: boolean;
  name?: string;
  hostname?: string;
  limits: ContainerLimits;
  env: string[];
  remove: boolean;
  count: number;
  volumes: VolumeRequest[];
  rest: string[];
}

/** A mistake in the command line: printed as "container: MESSAGE". */
export class UsageError extends Error {}

/** Options up to the first operand; docker accepts `--name x` and `--name=x`. */
function parseRunOptions(args: string[]): RunOptions {
  const o: RunOptions = { detach: false, tty: false, limits: {}, env: [], remove: false, count: 1, volumes: [], rest: [] };
  let i = 0;
  const value = (flag: string, inline?: string): string => {
    if (inline !== undefined) return inline;
    const v = args[++i];
    if (v === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
    return v;
  };
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    switch (flag) {
      case '--name': o.name = value(flag, inline); break;
      case '-h': case '--hostname': o.hostname = hostname(value(flag, inline)); break;
      case '-m': case '--memory': o.limits.memoryBytes = parseMemoryLimit(flag, value(flag, inline)); break;
      case '--cpus': o.limits.cpus = parsePositive(flag, value(flag, inline)); break;
      case '--pids-limit': o.limits.pidsLimit = Math.floor(parsePositive(flag, value(flag, inline))); break;
      case '-e': case '--env': o.env.push(value(flag, inline)); break;
      case '--rm': o.remove = true; break;
      case '-v': case '--volume': o.volumes.push(parseVolume(value(flag, inline))); break;
      case '--count': o.count = Math.floor(parsePositive(flag, value(flag, inline))); break;
      case '--detach': o.detach = true; break;
      case '--interactive': case '--tty': o.tty = true; break;
      default:
        if (!/^-[dit]+$/.test(flag)) throw new UsageError(`unknown flag: ${flag}`);
        if (flag.includes('d')) o.detach = true;
        if (flag.includes('i') || flag.includes('t')) o.tty = true;
    }
  }
  o.rest = args.slice(i);
  return o;
}

/** -v SRC:DST[:ro|:rw], as docker spells a bind mount. */
function parseVolume(spec: string): VolumeRequest {
  const parts = spec.split(':');
  let readOnly = false;
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) readOnly = parts.pop() === 'ro';
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`invalid volume specification: '${spec}' (expected SRC:DST[:ro])`);
  if (!parts[1].startsWith('/')) throw new UsageError(`invalid volume specification: '${spec}': the destination must be an absolute path`);
  return { source: parts[0], target: parts[1], readOnly };
}

/** HOST_NAME_MAX is 64 in Linux (sethostname gives EINVAL past it); docker wants an RFC 1123 name. */
const HOST_NAME_MAX = 64;

function hostname(name: string): string {
  if (name.length === 0 || name.length > HOST_NAME_MAX) throw new UsageError(`invalid hostname: it must be 1 to ${HOST_NAME_MAX} characters, got ${name.length}`);
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)) throw new UsageError(`invalid hostname '${name}': letters, digits, '-' and '.' only`);
  return name;
}

/** "64m" -> 67108864; docker's units b, k, m, g (powers of 1024). */
export function parseSize(spec: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([bkmg]?)b?$/i.exec(spec);
  if (!m) throw new UsageError(`invalid size: '${spec}'`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

/** The smallest memory.max a container may get: one page (a program needs at least its stack). */
const MIN_MEMORY_LIMIT = 4096;

function parseMemoryLimit(flag: string, spec: string): number {
  const bytes = parseSize(spec);
  if (bytes < MIN_MEMORY_LIMIT) {
    throw new UsageError(`invalid argument "${spec}" for "${flag}" flag: the smallest memory limit is 4k (one page)`);
  }
  return bytes;
}

function parsePositive(flag: string, spec: string): number {
  const n = Number(spec);
  if (!(n > 0)) throw new UsageError(`invalid argument "${spec}" for "${flag}" flag`);
  return n;
}

function commandFor(argv: string[], tty: boolean): ContainerCommand {
  return tty && (argv.length === 0 || (argv.length === 1 && SHELLS.has(argv[0]!))) ? { kind: 'shell' } : { kind: 'program', argv };
}

export async function run(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const o = parseRunOptions(args);
  const [image, ...argv] = o.rest;
  if (image === undefined) throw new UsageError('"container run" requires at least 1 argument: IMAGE [COMMAND...]');
  const command = commandFor(argv, o.tty);
  if (o.count > 1 && !o.detach) throw new UsageError('--count needs -d: only one container can have the terminal');
  const request = (n: number): RunRequest => ({
    image, limits: o.limits, env: o.env, command,
    name: o.name !== undefined && o.count > 1 ? `${o.name}-${n}` : o.name,
    hostname: o.hostname, volumes: o.volumes,
  });
  if (o.detach) {
    for (let n = 1; n <= o.count; n++) await ctx.stdout.write(`${rt.run(request(n)).container.id}\n`);
    return 0;
  }
  if (isBuiltin(ctx, argv)) {
    // `container run alpine ps`: a shell process is the container's pid 1 and runs it.
    const { container, process } = rt.run({ ...request(1), command: { kind: 'shell' } });
    const status = await runBuiltinInside(ctx, process.port!, argv, containerEnv(container, o.env));
    if (o.remove) rt.remove(container.id, true);
    return status;
  }
  let started: { container: ContainerInfo; process: ContainerProcess };
  if (command.kind === 'shell') started = rt.run(request(1));
  else if (o.tty && rt.terminals && ctx.shell.host.interactive && ctx.shell.host.connectTerminal) {
    const screen = screenWriter(ctx.shell.host);
    started = rt.run({ ...request(1), env: containerEnvFor(image, o), tty: { output: screen } });
  } else {
    const io = ctx.programStdio();
    try {
      started = rt.run({ ...request(1), stdio: io.stdio });
    } finally {
      io.release();
    }
  }
  const status = await attach(ctx, rt, started.container.id, started.process, containerEnv(started.container, o.env));
  if (o.remove) rt.remove(started.container.id, true);
  return status;
}

export async function exec(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const o = parseRunOptions(args);
  const [target, ...argv] = o.rest;
  if (target === undefined || argv.length === 0) throw new UsageError('"container exec" requires at least 2 arguments: NAME COMMAND...');
  const command = commandFor(argv, o.tty);
  const info = rt.inspect(target);
  if (isBuiltin(ctx, argv) && !o.detach) {
    return runBuiltinInside(ctx, rt.exec(target, { kind: 'shell' }, o.env).port!, argv, containerEnv(info, o.env));
  }
  if (command.kind === 'shell') return attach(ctx, rt, target, rt.exec(target, command, o.env), containerEnv(info, o.env));
  if (o.tty && rt.terminals && ctx.shell.host.interactive && ctx.shell.host.connectTerminal) {
    const proc = rt.exec(target, command, containerEnv(info, o.env), undefined, { output: screenWriter(ctx.shell.host) });
    return attach(ctx, rt, target, proc, []);
  }
  const io = ctx.programStdio();
  let proc: ContainerProcess;
  try {
    proc = rt.exec(target, command, o.env, io.stdio);
  } finally {
    io.release();
  }
  return attach(ctx, rt, target, proc, []);
}

/** A built-in utility name (ps, hostname, ls…) rather than a program path. */
function isBuiltin(ctx: BuiltinContext, argv: string[]): boolean {
  const name = argv[0];
  return name !== undefined && !SHELLS.has(name) && ctx.shell.table.get(name) !== undefined;
}

/**
 * Runs a built-in in a shell process inside the container (`container exec web ps`), its
 * output into this command's stdout so it can be piped; the process then exits.
 */
async function runBuiltinInside(ctx: BuiltinContext, port: KernelPort, argv: string[], env: string[]): Promise<number> {
  let writing = Promise.resolve();
  const host: ShellHost = {
    interactive: false,
    write: (text) => { writing = writing.then(() => ctx.stdout.write(text)); },
    connectKeyboard: (input) => { input.end(); return () => {}; },
    enterShell: async () => 1,
  };
  const vars = Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const inner = new Shell({ port, host, table: ctx.shell.table, env: vars, confined: true });
  const status = await inner.execute(argv.map(quote).join(' '));
  await writing;
  try { port.exit(status); } catch { /* already gone */ }
  return status;
}

function quote(word: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function containerEnv(info: ContainerInfo, extra: string[]): string[] {
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${info.hostname}`, 'HOME=/root', 'TERM=xterm', ...extra];
}

/** Runs an entered shell on the terminal, or waits for an attached program (Ctrl-C -> SIGINT). */
async function attach(ctx: BuiltinContext, rt: ContainerRuntimePort, id: string, proc: ContainerProcess, env: string[]): Promise<number> {
  if (proc.port) {
    const vars = Object.fromEntries(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const nested = new Shell({ port: proc.port, host: ctx.shell.host, table: ctx.shell.table, env: vars, confined: true });
    return ctx.shell.host.enterShell(nested);
  }
  const waiting = proc.wait();
  const terminal = proc.terminal;
  if (terminal && ctx.shell.host.connectTerminal) {
    // The program's own terminal has the keyboard: ^C reaches it through the line discipline.
    const disconnect = ctx.shell.host.connectTerminal((data) => terminal.input(utf8Encode(data)), (columns) => terminal.resize(columns, 24));
    try {
      return statusCode(await waiting);
    } finally {
      disconnect();
      terminal.close();
    }
  }
  void ctx.interrupt.promise.then(() => {
    try { rt.kill(id, SIGINT); } catch { /* it has already exited */ }
  });
  return statusCode(await waiting);
}

/** A terminal's bytes for the screen, UTF-8 decoded across chunk boundaries. */
function screenWriter(host: ShellHost): (bytes: Uint8Array) => void {
  let rest: Uint8Array = new Uint8Array(0);
  return (bytes) => {
    const joined = new Uint8Array(rest.length + bytes.length);
    joined.set(rest);
    joined.set(bytes, rest.length);
    const decoded = decodeUtf8(joined);
    rest = decoded.rest;
    if (decoded.text) host.write(decoded.text);
  };
}

/** The environment of a program started with -it (no container yet to take the hostname from). */
function containerEnvFor(_image: string, o: RunOptions): string[] {
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm', ...o.env];
}

function statusCode(s: ExitStatus): number {
  return s.kind === 'exited' ? s.code : 128 + s.signal;
}
