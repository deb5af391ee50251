// `vm`: virtual machines over the hypervisor — create, start, stop, ls, console,
// snapshot, restore, clone, rm, stats. The third approach beside containers: each VM
// boots its own kernel on its own virtual hardware.

import { fail, type Builtin, type BuiltinContext } from './builtin.ts';
import { parseSize } from './container-run.ts';
import { humanSize, table } from './utilities/format.ts';
import type { HypervisorPort, VmMode } from '../vmm/vm-port.ts';

type Verb = (ctx: BuiltinContext, hv: HypervisorPort, args: string[]) => Promise<number>;

const VERBS: Record<string, [Verb, string]> = {
  create: [create, 'create NAME IMAGE [--memory 128m] [--mode full|pv|hw]'],
  start: [each((hv, n) => hv.start(n)), 'start NAME...      power on'],
  stop: [each((hv, n) => hv.stop(n)), 'stop NAME...       power off'],
  ls: [ls, 'ls                 list VMs'],
  console: [consoleVerb, 'console NAME       attach the terminal to the guest UART (Ctrl-C or Ctrl-D detaches)'],
  snapshot: [pair((hv, a, b) => hv.snapshot(a, b)), 'snapshot NAME TAG  save the whole machine state'],
  restore: [pair((hv, a, b) => hv.restore(a, b)), 'restore NAME TAG   go back to a snapshot'],
  clone: [pair((hv, a, b) => hv.clone(a, b)), 'clone NAME NEW     a copy of a VM, for test and dev'],
  rm: [each((hv, n) => hv.remove(n)), 'rm NAME...         delete VMs'],
  stats: [stats, 'stats              instructions, exits and overhead of each VM'],
  images: [images, 'images             guest kernels a VM can boot'],
};

export const vmCommand: Builtin = {
  name: 'vm',
  summary: 'create and run virtual machines on the hypervisor (vm help)',
  async run(ctx) {
    const [verb, ...args] = ctx.argv.slice(1);
    if (verb === undefined || verb === 'help' || verb === '--help') {
      await ctx.stdout.write(Object.values(VERBS).map(([, u]) => `  ${u}\n`).join(''));
      return verb === undefined ? 1 : 0;
    }
    const entry = VERBS[verb];
    if (!entry) return fail(ctx, `'${verb}' is not a vm command (vm help lists them)`);
    const hv = ctx.shell.vms;
    if (!hv) return fail(ctx, 'no hypervisor here (VMs are managed from the host shell)');
    try {
      return await entry[0](ctx, hv, args);
    } catch (e) {
      return fail(ctx, e instanceof Error ? e.message : String(e));
    }
  },
};

async function create(ctx: BuiltinContext, hv: HypervisorPort, args: string[]): Promise<number> {
  const usage = 'usage: vm create NAME IMAGE [--memory 128m] [--mode full|pv|hw]';
  const words: string[] = [];
  let image: string | undefined;
  let memoryBytes: number | undefined;
  let mode: VmMode | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => args[++i] ?? '';
    if (a === '--image') image = next();
    else if (a === '--memory' || a === '-m') memoryBytes = parseSize(next());
    else if (a === '--mode') {
      const m = next();
      if (m !== 'full' && m !== 'pv' && m !== 'hw') return fail(ctx, `--mode must be full, pv or hw, not '${m}'`);
      mode = m;
    } else if (a.startsWith('-')) return fail(ctx, `unknown flag: ${a}`);
    else words.push(a);
  }
  // IMAGE may be the second word (vm create web1 rr-kernel) or given with --image.
  const [name, positionalImage, extra] = words;
  if (extra !== undefined || (image !== undefined && positionalImage !== undefined)) return fail(ctx, `unexpected argument '${extra ?? positionalImage}'`);
  image ??= positionalImage;
  if (name === undefined || image === undefined) return fail(ctx, usage);
  const vm = hv.create({ name, image, mode, memoryBytes });
  await ctx.stdout.write(`${vm.name}\n`);
  return 0;
}

function each(action: (hv: HypervisorPort, name: string) => void): Verb {
  return async (ctx, hv, names) => {
    if (names.length === 0) return fail(ctx, 'needs at least one VM name');
    let status = 0;
    for (const n of names) {
      try {
        action(hv, n);
        await ctx.stdout.write(`${n}\n`);
      } catch (e) {
        await ctx.stderr.write(`vm: ${e instanceof Error ? e.message : String(e)}\n`);
        status = 1;
      }
    }
    return status;
  };
}

function pair(action: (hv: HypervisorPort, a: string, b: string) => unknown): Verb {
  return async (ctx, hv, args) => {
    if (args.length !== 2) return fail(ctx, `needs exactly 2 arguments, got ${args.length}`);
    action(hv, args[0]!, args[1]!);
    await ctx.stdout.write(`${args[1]}\n`);
    return 0;
  };
}

async function ls(ctx: BuiltinContext, hv: HypervisorPort): Promise<number> {
  const rows = [['NAME', 'STATE', 'MODE', 'IMAGE', 'MEMORY', 'RESIDENT', 'SNAPSHOTS']];
  for (const v of hv.list()) rows.push([v.name, v.state, v.mode, v.image, humanSize(v.memoryBytes), humanSize(v.residentBytes), String(v.snapshots.length)]);
  await ctx.stdout.write(table(rows, 'lllllrr'));
  return 0;
}

async function stats(ctx: BuiltinContext, hv: HypervisorPort): Promise<number> {
  const rows = [['NAME', 'CPU %', 'INSTRUCTIONS', 'EXITS', 'OVERHEAD %', 'RESIDENT']];
  for (const s of hv.stats()) rows.push([s.name, s.cpuPercent.toFixed(2), String(s.instructions), String(s.exits), s.overheadPercent.toFixed(2), humanSize(s.residentBytes)]);
  await ctx.stdout.write(table(rows, 'lrrrrr'));
  return 0;
}

async function images(ctx: BuiltinContext, hv: HypervisorPort): Promise<number> {
  await ctx.stdout.write(hv.images().map((i) => `${i}\n`).join(''));
  return 0;
}

/** Guest output to our stdout, typed lines to the guest, until Ctrl-C, end of input or power-off. */
async function consoleVerb(ctx: BuiltinContext, hv: HypervisorPort, args: string[]): Promise<number> {
  if (args.length !== 1) return fail(ctx, 'usage: vm console NAME');
  const con = hv.console(args[0]!);
  let writing = Promise.resolve();
  const detach = con.onOutput((text) => { writing = writing.then(() => ctx.stdout.write(text)); });
  let open = true;
  // Ctrl-D (or a script, which has no keyboard) ends input: that detaches too.
  const forward = (async () => {
    for (let line = await ctx.stdin.read(); line !== null && open; line = await ctx.stdin.read()) con.input(line);
  })();
  await Promise.race([con.stopped, ctx.interrupt.promise, forward]);
  open = false;
  detach();
  await writing;
  return 0;
}
