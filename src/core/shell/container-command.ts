// `container`: docker's verbs over the kernel's container runtime, so docker users feel
// at home — run (-d, -it, -v, --name, --hostname, --memory, --cpus, --pids-limit, -e, --rm,
// --count N to start many at once), ps (and ls), exec, cp, stop, kill, rm, logs, stats,
// images, inspect, top. `run -it IMAGE sh` and `exec -it NAME sh` enter a shell whose kernel
// port is a process inside the container: the session stacks it until `exit`.

import { fail, type Builtin, type BuiltinContext } from './builtin.ts';
import type { ContainerInfo, ContainerRuntimePort } from '../kernel/container-port.ts';
import { exec, run, UsageError } from './container-run.ts';
import { O_RDONLY } from '../kernel/kernel-port.ts';
import { FdInput, readAll } from './stream.ts';
import { signalNumber, SIGKILL } from './signals.ts';
import { cpuTime, humanSize, table, userName } from './utilities/format.ts';

const USAGE = 'usage: container run|ps|ls|exec|cp|stop|kill|rm|logs|stats|images|inspect|top ... (container help)';

type Verb = (ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]) => Promise<number>;

const VERBS: Record<string, [Verb, string]> = {
  run: [run, 'run [-d] [-it] [-v SRC:DST[:ro]] [--name N] [--hostname H] [--memory 64m] [--cpus 0.5] [--pids-limit N] [-e K=V] [--rm] [--count N] IMAGE [COMMAND...]'],
  ps: [ps, 'ps [-a]            list containers (-a: stopped ones too)'],
  ls: [ps, 'ls [-a]            the same as ps'],
  cp: [cp, 'cp SRC NAME:DST | NAME:SRC DST   copy files into or out of a container'],
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

/**
 * `container cp SRC NAME:DST` or `container cp NAME:SRC DST`: one side names a container
 * (NAME:PATH), the other is a path of this shell's filesystem.
 */
async function cp(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  if (args.length !== 2) throw new UsageError('"container cp" requires exactly 2 arguments: SRC NAME:DST or NAME:SRC DST');
  const end = (arg: string): { container?: string; path: string } => {
    const colon = arg.indexOf(':');
    return colon > 0 && !arg.slice(0, colon).includes('/') ? { container: arg.slice(0, colon), path: arg.slice(colon + 1) || '/' } : { path: arg };
  };
  const from = end(args[0]!);
  const to = end(args[1]!);
  if ((from.container === undefined) === (to.container === undefined)) {
    throw new UsageError('copying between containers, or within the host, is not supported: one side must be NAME:PATH');
  }
  rt.copy(from, to);
  return 0;
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
  const infos: Record<string, unknown>[] = [];
  for (const n of args) {
    const info = rt.inspect(n);
    const events = typeof info.cgroupPath === 'string' ? await cgroupEvents(ctx, info.cgroupPath) : {};
    infos.push(Object.keys(events).length > 0 ? { ...info, cgroupEvents: events } : info);
  }
  await ctx.stdout.write(`${JSON.stringify(infos, null, 4)}\n`);
  return 0;
}

/** How often the container's limits bit, read from /sys/fs/cgroup as a program would; files not there are left out. */
async function cgroupEvents(ctx: BuiltinContext, cgroupPath: string): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const file of ['pids.events', 'memory.events', 'cpu.stat']) {
    try {
      const fd = ctx.port.open(`/sys/fs/cgroup${cgroupPath}/${file}`, O_RDONLY);
      try {
        const text = await readAll(new FdInput(ctx.port, fd));
        out[file] = Object.fromEntries(text.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k!, Number(v)]));
      } finally {
        ctx.port.close(fd);
      }
    } catch {
      // Not mounted in this view: inspect shows what it can.
    }
  }
  return out;
}

async function top(ctx: BuiltinContext, rt: ContainerRuntimePort, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError('"container top" requires exactly 1 argument: NAME');
  const rows = [['UID', 'PID', 'PPID', 'STAT', 'TIME', 'CMD']];
  for (const p of rt.top(args[0]!)) rows.push([userName(p.uid), String(p.pid), String(p.ppid), p.state, cpuTime(p.cpuNs), p.command]);
  await ctx.stdout.write(table(rows, 'lrrlrl'));
  return 0;
}
