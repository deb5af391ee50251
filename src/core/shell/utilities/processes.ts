// Process utilities: ps, top, kill, sleep, jobs, wait. The process list comes from the
// kernel port, which shows only the caller's pid namespace: in a container, pid 1 is the
// container's first process and the host's processes do not exist.

import { fail, type Builtin, type BuiltinContext } from '../builtin.ts';
import { jobState } from '../job.ts';
import { CLEAR_SCREEN } from '../line-editor.ts';
import { isErrnoError, type ProcessInfo } from '../../kernel/kernel-port.ts';
import { signalList, signalNumber, SIGTERM } from '../signals.ts';
import { strerror } from '../strerror.ts';
import { cpuTime, table, userName } from './format.ts';

function byPid(a: ProcessInfo, b: ProcessInfo): number {
  return a.pid - b.pid;
}

export const ps: Builtin = {
  name: 'ps',
  summary: 'list the processes you can see (your pid namespace)',
  async run(ctx) {
    const rows = [['PID', 'PPID', 'USER', 'STAT', 'RSS', 'TIME', 'COMMAND']];
    for (const p of ctx.port.processes().sort(byPid)) {
      rows.push([String(p.pid), String(p.ppid), userName(p.uid), p.state, `${Math.ceil(p.rssBytes / 1024)}K`, cpuTime(p.cpuNs), p.command]);
    }
    await ctx.stdout.write(table(rows, 'rrllrrl'));
    return 0;
  },
};

/** One screen of top; %CPU over the interval since `previous`, or the process lifetime. */
export function topSnapshot(ctx: BuiltinContext, previous?: { at: number; cpu: Map<number, number> }): { text: string; at: number; cpu: Map<number, number> } {
  const now = ctx.port.now();
  const procs = ctx.port.processes().sort(byPid);
  const mem = ctx.port.memoryInfo();
  const cg = ctx.port.cgroup();
  const cpu = new Map(procs.map((p) => [p.pid, p.cpuNs]));
  const share = (p: ProcessInfo) => {
    const base = previous?.cpu.get(p.pid);
    const span = previous && base !== undefined ? now - previous.at : now - p.startNs;
    const used = base !== undefined ? p.cpuNs - base : p.cpuNs;
    return span > 0 ? (100 * used) / span : 0;
  };
  const running = procs.filter((p) => p.state === 'R').length;
  const kib = (b: number) => Math.round(b / 1024);
  const head = [
    `top - up ${cpuTime(now)}, ${ctx.port.uname().nodename}`,
    `Tasks: ${procs.length} total, ${running} running, ${procs.length - running} sleeping`,
    `KiB Mem: ${kib(mem.totalBytes)} total, ${kib(mem.freeBytes)} free, ${kib(mem.usedBytes)} used, ${kib(mem.sharedBytes)} shared`,
    `cgroup ${cg.path}: cpu.max ${cg.cpuMax}, memory ${kib(cg.memoryCurrent)}K / ${cg.memoryMax}, pids ${cg.pidsCurrent} / ${cg.pidsMax}`,
    '',
  ].join('\n');
  const rows = [['PID', 'USER', 'S', '%CPU', 'RES', 'SHR', 'TIME', 'COMMAND']];
  for (const p of procs) {
    rows.push([String(p.pid), userName(p.uid), p.state, share(p).toFixed(1), `${kib(p.rssBytes)}K`, `${kib(p.sharedBytes)}K`, cpuTime(p.cpuNs), p.command]);
  }
  return { text: `${head}\n${table(rows, 'rllrrrrl')}`, at: now, cpu };
}

export const top: Builtin = {
  name: 'top',
  summary: 'show processes by CPU use (-n N: N screens; one screen when not interactive)',
  async run(ctx) {
    const nIndex = ctx.argv.indexOf('-n');
    const limit = nIndex > 0 ? Number(ctx.argv[nIndex + 1]) : ctx.shell.host.interactive && ctx.stdoutIsTerminal ? Infinity : 1;
    if (!(limit >= 1)) return fail(ctx, 'bad iterations argument');
    let previous: ReturnType<typeof topSnapshot> | undefined;
    for (let i = 0; i < limit && !ctx.interrupt.fired; i++) {
      if (i > 0) await Promise.race([ctx.port.sleep(1e9), ctx.interrupt.promise]);
      if (ctx.interrupt.fired) break;
      previous = topSnapshot(ctx, previous);
      await ctx.stdout.write((limit > 1 && ctx.stdoutIsTerminal ? CLEAR_SCREEN : '') + previous.text);
    }
    return 0;
  },
};

export const kill: Builtin = {
  name: 'kill',
  summary: 'send a signal to processes (kill [-s SIG | -SIG] PID..., kill -l)',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args[0] === '-l') {
      await ctx.stdout.write(`${signalList()}\n`);
      return 0;
    }
    let signal = SIGTERM;
    if (args[0] === '-s' || (args[0]?.startsWith('-') && args[0] !== '--')) {
      const spec = args[0] === '-s' ? args[1] ?? '' : args[0].slice(1);
      args.splice(0, args[0] === '-s' ? 2 : 1);
      const n = signalNumber(spec);
      if (n === undefined) return fail(ctx, `${spec}: invalid signal specification`, 1, 'sh: kill');
      signal = n;
    }
    if (args.length === 0) return fail(ctx, 'usage: kill [-s sigspec | -sigspec] pid ... or kill -l', 2, 'sh: kill');
    let status = 0;
    for (const a of args) {
      const pid = /^%[0-9]+$/.test(a) ? jobPid(ctx, Number(a.slice(1))) : /^[0-9]+$/.test(a) ? Number(a) : NaN;
      if (Number.isNaN(pid)) {
        await ctx.stderr.write(`sh: kill: ${a}: arguments must be process or job IDs\n`);
        status = 1;
        continue;
      }
      try {
        ctx.port.kill(pid, signal);
      } catch (e) {
        await ctx.stderr.write(`sh: kill: (${pid}) - ${isErrnoError(e) ? strerror(e.errno) : String(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};

function jobPid(ctx: BuiltinContext, n: number): number {
  const job = ctx.shell.jobs.list().find((j) => j.number === n);
  return job?.job.pids[job.job.pids.length - 1] ?? NaN;
}

/** "1.5", "2s", "3m", "1h" -> nanoseconds; NaN when malformed. */
export function durationNs(spec: string): number {
  const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(spec);
  if (!m) return NaN;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit * 1e9);
}

export const sleep: Builtin = {
  name: 'sleep',
  summary: 'pause for a number of seconds of virtual time (1.5, 2m, 1h)',
  async run(ctx) {
    const specs = ctx.argv.slice(1);
    if (specs.length === 0) return fail(ctx, 'missing operand');
    let ns = 0;
    for (const s of specs) {
      const d = durationNs(s);
      if (Number.isNaN(d)) return fail(ctx, `invalid time interval '${s}'`);
      ns += d;
    }
    await Promise.race([ctx.port.sleep(ns), ctx.interrupt.promise]);
    return ctx.interrupt.fired ? 130 : 0;
  },
};

export const jobs: Builtin = {
  name: 'jobs',
  summary: 'list background jobs',
  async run(ctx) {
    for (const j of ctx.shell.jobs.list()) {
      await ctx.stdout.write(`[${j.number}]  ${jobState(j).padEnd(24)}${j.job.source} &\n`);
    }
    return 0;
  },
};

export const wait: Builtin = {
  name: 'wait',
  summary: 'wait for every background job to finish',
  async run(ctx) {
    await Promise.race([ctx.shell.jobs.waitAll(), ctx.interrupt.promise]);
    return ctx.interrupt.fired ? 130 : 0;
  },
};

export function processCommands(): Builtin[] {
  return [ps, top, kill, sleep, jobs, wait];
}
