// System information: free, hostname, uname. Each answers from the caller's namespaces
// and cgroup: `hostname` in a container is the container's (uts namespace), and `free`
// reports its memory.max as the total.

import { fail, parseFlags, type Builtin } from '../builtin.ts';
import { isErrnoError } from '../../kernel/kernel-port.ts';
import { strerror } from '../strerror.ts';
import { humanSize, table } from './format.ts';

const EPERM = 1;

export const free: Builtin = {
  name: 'free',
  summary: 'show memory use (-k KiB, -m MiB, -h human-readable); a container sees its limit',
  async run(ctx) {
    const { flags, unknown } = parseFlags(ctx.argv.slice(1), 'kmbh');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`);
    const unit = flags.has('h') ? humanSize : flags.has('m') ? (b: number) => String(Math.floor(b / 1048576)) : flags.has('b') ? String : (b: number) => String(Math.floor(b / 1024));
    const m = ctx.port.memoryInfo();
    const rows = [
      ['', 'total', 'used', 'free', 'shared', 'available'],
      ['Mem:', unit(m.totalBytes), unit(m.usedBytes), unit(m.freeBytes), unit(m.sharedBytes), unit(m.freeBytes)],
    ];
    await ctx.stdout.write(table(rows.map((r) => [...r, '']), 'lrrrrrl'));
    return 0;
  },
};

export const hostname: Builtin = {
  name: 'hostname',
  summary: 'print or set the host name (of your uts namespace)',
  async run(ctx) {
    const name = ctx.argv[1];
    if (name === undefined) {
      await ctx.stdout.write(`${ctx.port.uname().nodename}\n`);
      return 0;
    }
    try {
      ctx.port.sethostname(name);
      return 0;
    } catch (e) {
      if (isErrnoError(e) && e.errno === EPERM) return fail(ctx, 'you must be root to change the host name');
      return fail(ctx, isErrnoError(e) ? strerror(e.errno) : String(e));
    }
  },
};

export const uname: Builtin = {
  name: 'uname',
  summary: 'print system information (-a all, -s -n -r -v -m -o)',
  async run(ctx) {
    const { flags, unknown } = parseFlags(ctx.argv.slice(1), 'asnrvmo');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`);
    const u = ctx.port.uname();
    const all = flags.has('a');
    const fields: [string, string][] = [['s', u.sysname], ['n', u.nodename], ['r', u.release], ['v', u.version], ['m', u.machine], ['o', 'Linux']];
    const picked = fields.filter(([f]) => all || flags.has(f)).map(([, v]) => v);
    await ctx.stdout.write(`${(picked.length ? picked : [u.sysname]).join(' ')}\n`);
    return 0;
  },
};
