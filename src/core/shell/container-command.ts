// `container`: docker's verbs over the kernel's container runtime, so docker users feel
// at home — run (-d, -it, --name, --hostname, --memory, --cpus, --pids-limit, -e, --rm,
// --count N to start many at once), ps, exec, stop, kill, rm, logs, stats, images,
// inspect, top. `run -it IMAGE sh` and `exec -it NAME sh` enter a shell whose kernel
// port is a process inside the container: the session stacks it until `exit`.

import { fail, type Builtin, type BuiltinContext } from './builtin.ts';
import type { ContainerCommand, ContainerInfo, ContainerLimits, ContainerProcess, ContainerRuntimePort, RunRequest } from './container-port.ts';
import type { ExitStatus, KernelPort } from './kernel-port.ts';
import { Shell, type ShellHost } from './shell.ts';
import { signalNumber, SIGINT, SIGKILL } from './signals.ts';
import { cpuTime, humanSize, table, userName } from './utilities/format.ts';

const SHELLS = new Set(['sh', '/bin/sh', 'ash', '/bin/ash', 'bash', '/bin/bash']);
const USAGE = 'usage: container run|ps|exec|stop|kill|rm|logs|stats|images|inspect|top ... (container help)';

type Verb = (ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]) => Promise<number>;

const VERBS: Record<string, [Verb, string]> = {
  run: [run, 'run [-d] [-it] [--name N] [--hostname H] [--memory 64m] [--cpus 0.5] [--pids-limit N] [-e K=V] [--rm] [--count N] IMAGE [COMMAND...]'],
  ps: [ps, 'ps [-a]            list containers (-a: stopped ones too)'],
  exec: [exec, 'exec [-it] [-e K=V] NAME COMMAND...   run a command (or sh) inside a container'],
  stop: [stop, 'stop NAME...       SIGTERM, then SIGKILL after 10 s'],
  kill: [killVerb, 'kill [-s SIG] NAME...'],
  rm: [rm, 'rm [-f] NAME...    remove containers (-f: even running ones)'],
  logs: [logs, 'logs NAME          what a detached container printed'],
  stats: [stats, 'stats              CPU, memory and pids of each running container'],
  images: [images, 'images             the images containers start from'],
  inspect: [inspect, 'inspect NAME...    everything about a container, as JSON'],
  top: [top, 'top NAME           the processes of a container, with host pids'],
};

export const containerCommand: Builtin = {
  name: 'container',
  summary: 'run and manage containers with docker\'s verbs (container help)',
  async run(ctx) {
    const [verb, ...args] = ctx.argv.slice(1);
    if (verb === undefined || verb === 'help' || verb === '--help') {
      await ctx.stdout.write(`${Object.values(VERBS).map(([, u]) => `  ${u}\n`).join('')}`);
      return verb === undefined ? 1 : 0;
    }
    const entry = VERBS[verb];
    if (!entry) return fail(ctx, `'${verb}' is not a container command. ${USAGE}`);
    const rt = ctx.shell.containers;
    if (!rt) return fail(ctx, 'no container runtime here (containers are started from the host shell)');
    try {
      return await entry[0](ctx, rt, args);
    } catch (e) {
      return fail(ctx, e instanceof Error ? e.message : String(e), verb === 'run' ? 125 : 1);
    }
  },
};

export const dockerAlias: Builtin = {
  name: 'docker',
  summary: 'the same as container',
  run: (ctx) => containerCommand.run(ctx),
};

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
  rest: string[];
}

class UsageError extends Error {}

/** Options up to the first operand; docker accepts `--name x` and `--name=x`. */
function parseRunOptions(args: string[]): RunOptions {
  const o: RunOptions = { detach: false, tty: false, limits: {}, env: [], remove: false, count: 1, rest: [] };
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
      case '-h': case '--hostname': o.hostname = value(flag, inline); break;
      case '-m': case '--memory': o.limits.memoryBytes = parseSize(value(flag, inline)); break;
      case '--cpus': o.limits.cpus = parsePositive(flag, value(flag, inline)); break;
      case '--pids-limit': o.limits.pidsLimit = Math.floor(parsePositive(flag, value(flag, inline))); break;
      case '-e': case '--env': o.env.push(value(flag, inline)); break;
      case '--rm': o.remove = true; break;
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

/** "64m" -> 67108864; docker's units b, k, m, g (powers of 1024). */
export function parseSize(spec: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([bkmg]?)b?$/i.exec(spec);
  if (!m) throw new UsageError(`invalid size: '${spec}'`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

function parsePositive(flag: string, spec: string): number {
  const n = Number(spec);
  if (!(n > 0)) throw new UsageError(`invalid argument "${spec}" for "${flag}" flag`);
  return n;
}

function commandFor(argv: string[], tty: boolean): ContainerCommand {
  return tty && (argv.length === 0 || (argv.length === 1 && SHELLS.has(argv[0]!))) ? { kind: 'shell' } : { kind: 'program', argv };
}

async function run(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const o = parseRunOptions(args);
  const [image, ...argv] = o.rest;
  if (image === undefined) throw new UsageError('"container run" requires at least 1 argument: IMAGE [COMMAND...]');
  const command = commandFor(argv, o.tty);
  if (o.count > 1 && !o.detach) throw new UsageError('--count needs -d: only one container can have the terminal');
  const request = (n: number): RunRequest => ({
    image, limits: o.limits, env: o.env, command,
    name: o.name !== undefined && o.count > 1 ? `${o.name}-${n}` : o.name,
    hostname: o.hostname,
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
  else {
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

async function exec(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const o = parseRunOptions(args);
  const [target, ...argv] = o.rest;
  if (target === undefined || argv.length === 0) throw new UsageError('"container exec" requires at least 2 arguments: NAME COMMAND...');
  const command = commandFor(argv, o.tty);
  const info = rt.inspect(target);
  if (isBuiltin(ctx, argv) && !o.detach) {
    return runBuiltinInside(ctx, rt.exec(target, { kind: 'shell' }, o.env).port!, argv, containerEnv(info, o.env));
  }
  if (command.kind === 'shell') return attach(ctx, rt, target, rt.exec(target, command, o.env), containerEnv(info, o.env));
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
  const inner = new Shell({ port, host, table: ctx.shell.table, env: vars });
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
    const nested = new Shell({ port: proc.port, host: ctx.shell.host, table: ctx.shell.table, env: vars });
    return ctx.shell.host.enterShell(nested);
  }
  const waiting = proc.wait();
  void ctx.interrupt.promise.then(() => {
    try { rt.kill(id, SIGINT); } catch { /* it has already exited */ }
  });
  return statusCode(await waiting);
}

function statusCode(s: ExitStatus): number {
  return s.kind === 'exited' ? s.code : 128 + s.signal;
}

/** "5 seconds", "3 minutes", as docker's ps writes durations. */
function ago(ns: number): string {
  const s = Math.max(0, Math.floor(ns / 1e9));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m < 60) return m === 1 ? 'About a minute' : `${m} minutes`;
  const h = Math.floor(m / 60);
  return h === 1 ? 'About an hour' : `${h} hours`;
}

function statusText(c: ContainerInfo, now: number): string {
  if (c.status === 'running') return `Up ${ago(now - c.startedNs)}`;
  if (c.status === 'created') return 'Created';
  return `Exited (${c.exitCode ?? 0}) ${ago(now - (c.finishedNs ?? now))} ago`;
}

async function ps(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const all = args.includes('-a') || args.includes('--all');
  const now = ctx.port.now();
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES']];
  for (const c of rt.list(all)) {
    const cmd = c.command.length > 20 ? `${c.command.slice(0, 19)}…` : c.command;
    rows.push([c.id.slice(0, 12), c.image, `"${cmd}"`, `${ago(now - c.createdNs)} ago`, statusText(c, now), c.name]);
  }
  await ctx.stdout.write(table(rows, 'llllll'));
  return 0;
}

/** Applies `action` to each named container, printing the name on success as docker does. */
async function eachTarget(ctx: BuiltinContext, names: string[], action: (name: string) => Promise<void> | void): Promise<number> {
  if (names.length === 0) throw new UsageError('requires at least 1 argument: NAME...');
  let status = 0;
  for (const n of names) {
    try {
      await action(n);
      await ctx.stdout.write(`${n}\n`);
    } catch (e) {
      await ctx.stderr.write(`container: ${e instanceof Error ? e.message : String(e)}\n`);
      status = 1;
    }
  }
  return status;
}

function stop(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  return eachTarget(ctx, args, (n) => rt.stop(n, 10e9));
}

function killVerb(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  let signal = SIGKILL;
  if (args[0] === '-s' || args[0] === '--signal') {
    const n = signalNumber(args[1] ?? '');
    if (n === undefined) throw new UsageError(`invalid signal: ${args[1] ?? ''}`);
    signal = n;
    args = args.slice(2);
  }
  return eachTarget(ctx, args, (n) => rt.kill(n, signal));
}

function rm(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  const force = args.includes('-f') || args.includes('--force');
  return eachTarget(ctx, args.filter((a) => a !== '-f' && a !== '--force'), (n) => rt.remove(n, force));
}

async function logs(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('"container logs" requires exactly 1 argument: NAME');
  await ctx.stdout.write(rt.logs(args[0]!));
  return 0;
}

async function stats(ctx: BuiltinContext, rt: ContainerRuntimePort): Promise<number> {
  const rows = [['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS']];
  for (const s of rt.stats()) {
    const memPct = s.memoryLimitBytes > 0 ? (100 * s.memoryBytes) / s.memoryLimitBytes : 0;
    rows.push([s.id.slice(0, 12), s.name, `${s.cpuPercent.toFixed(2)}%`, `${humanSize(s.memoryBytes)} / ${humanSize(s.memoryLimitBytes)}`, `${memPct.toFixed(2)}%`, String(s.pids)]);
  }
  await ctx.stdout.write(table(rows, 'llrrrr'));
  return 0;
}

async function images(ctx: BuiltinContext, rt: ContainerRuntimePort): Promise<number> {
  const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE', 'LAYERS', 'OS']];
  for (const i of rt.images()) rows.push([i.repository, i.tag, i.id.slice(0, 12), humanSize(i.sizeBytes), String(i.layers), i.os]);
  await ctx.stdout.write(table(rows, 'lllrrl'));
  return 0;
}

async function inspect(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('"container inspect" requires at least 1 argument: NAME...');
  await ctx.stdout.write(`${JSON.stringify(args.map((n) => rt.inspect(n)), null, 4)}\n`);
  return 0;
}

async function top(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('"container top" requires exactly 1 argument: NAME');
  const rows = [['UID', 'PID', 'PPID', 'STAT', 'TIME', 'CMD']];
  for (const p of rt.top(args[0]!)) rows.push([userName(p.uid), String(p.pid), String(p.ppid), p.state, cpuTime(p.cpuNs), p.command]);
  await ctx.stdout.write(table(rows, 'lrrlrl'));
  return 0;
}
