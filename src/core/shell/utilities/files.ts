// File utilities: ls, cat, mkdir, rm, rmdir, cd, pwd — every access through the kernel
// port, so inside a container they see the container's overlay root and nothing else.

import { fail, parseFlags, type Builtin, type BuiltinContext } from '../builtin.ts';
import { isErrnoError, O_RDONLY, type FileStat } from '../../kernel/kernel-port.ts';
import { FdInput } from '../stream.ts';
import { strerror } from '../strerror.ts';
import { columns, modeString, table, userName } from './format.ts';

const ENOENT = 2;

function why(e: unknown): string {
  return isErrnoError(e) ? strerror(e.errno) : String(e);
}

function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

const TYPE_LETTER: Record<FileStat['type'], string> = { file: '-', dir: 'd', symlink: 'l', pipe: 'p', char: 'c' };

function longLine(name: string, st: FileStat): string[] {
  return [modeString(TYPE_LETTER[st.type], st.perm), String(st.nlink), userName(st.uid), userName(st.gid), String(st.size), name];
}

export const ls: Builtin = {
  name: 'ls',
  summary: 'list directory contents (-l long, -a all, -1 one per line)',
  async run(ctx) {
    const { flags, operands, unknown } = parseFlags(ctx.argv.slice(1), 'la1');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`, 2);
    const paths = operands.length ? operands : ['.'];
    let status = 0;
    const files: [string, FileStat][] = [];
    const dirs: string[] = [];
    for (const p of paths) {
      try {
        const st = ctx.port.stat(p);
        if (st.type === 'dir') dirs.push(p);
        else files.push([p, st]);
      } catch (e) {
        await ctx.stderr.write(`ls: cannot access '${p}': ${why(e)}\n`);
        status = 2;
      }
    }
    if (files.length) await ctx.stdout.write(listing(ctx, files, flags));
    for (const [i, dir] of dirs.entries()) {
      if (paths.length > 1) await ctx.stdout.write(`${files.length || i ? '\n' : ''}${dir}:\n`);
      try {
        const entries = ctx.port.readdir(dir).filter((e) => flags.has('a') || !e.name.startsWith('.'));
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const stats = entries.map((e): [string, FileStat] => [e.name, flags.has('l') ? ctx.port.stat(join(dir, e.name)) : { type: e.type } as FileStat]);
        await ctx.stdout.write(listing(ctx, stats, flags));
      } catch (e) {
        await ctx.stderr.write(`ls: cannot open directory '${dir}': ${why(e)}\n`);
        status = 2;
      }
    }
    return status;
  },
};

function listing(ctx: BuiltinContext, entries: [string, FileStat][], flags: Set<string>): string {
  if (entries.length === 0) return '';
  if (flags.has('l')) return table(entries.map(([n, st]) => longLine(n, st)), 'lrllrl');
  const names = entries.map(([n]) => n);
  if (flags.has('1') || !ctx.stdoutIsTerminal) return names.map((n) => `${n}\n`).join('');
  return columns(names);
}

export const cat: Builtin = {
  name: 'cat',
  summary: 'print files (or standard input) to standard output',
  async run(ctx) {
    const operands = ctx.argv.slice(1);
    let status = 0;
    for (const p of operands.length ? operands : ['-']) {
      if (p === '-') {
        for (let t = await ctx.stdin.read(); t !== null; t = await ctx.stdin.read()) await ctx.stdout.write(t);
        continue;
      }
      try {
        const fd = ctx.port.open(p, O_RDONLY);
        try {
          const input = new FdInput(ctx.port, fd);
          for (let t = await input.read(); t !== null; t = await input.read()) await ctx.stdout.write(t);
        } finally {
          ctx.port.close(fd);
        }
      } catch (e) {
        if (isErrnoError(e) && e.errno === 32) throw e;
        await ctx.stderr.write(`cat: ${p}: ${why(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const mkdir: Builtin = {
  name: 'mkdir',
  summary: 'make directories (-p: parents too, no error if existing)',
  async run(ctx) {
    const { flags, operands, unknown } = parseFlags(ctx.argv.slice(1), 'p');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`);
    if (operands.length === 0) return fail(ctx, 'missing operand');
    let status = 0;
    for (const p of operands) {
      const steps = flags.has('p') ? prefixes(p) : [p];
      for (const step of steps) {
        try {
          ctx.port.mkdir(step, 0o755);
        } catch (e) {
          if (flags.has('p') && existsAsDir(ctx, step)) continue;
          await ctx.stderr.write(`mkdir: cannot create directory '${p}': ${why(e)}\n`);
          status = 1;
          break;
        }
      }
    }
    return status;
  },
};

/** "a/b/c" -> ["a", "a/b", "a/b/c"]. */
function prefixes(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    if (p !== '' && !p.endsWith('/')) out.push(p);
  }
  return out;
}

function existsAsDir(ctx: BuiltinContext, path: string): boolean {
  try { return ctx.port.stat(path).type === 'dir'; } catch { return false; }
}

export const rm: Builtin = {
  name: 'rm',
  summary: 'remove files (-r directories too, -f ignore missing)',
  async run(ctx) {
    const { flags, operands, unknown } = parseFlags(ctx.argv.slice(1), 'rRf');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`);
    if (operands.length === 0 && !flags.has('f')) return fail(ctx, 'missing operand');
    const recursive = flags.has('r') || flags.has('R');
    let status = 0;
    for (const p of operands) {
      try {
        removePath(ctx, p, recursive);
      } catch (e) {
        if (flags.has('f') && isErrnoError(e) && e.errno === ENOENT) continue;
        const reason = e instanceof NeedsRecursive ? 'Is a directory' : why(e);
        await ctx.stderr.write(`rm: cannot remove '${p}': ${reason}\n`);
        status = 1;
      }
    }
    return status;
  },
};

class NeedsRecursive {}

function removePath(ctx: BuiltinContext, path: string, recursive: boolean): void {
  const st = ctx.port.stat(path);
  if (st.type !== 'dir') return ctx.port.unlink(path);
  if (!recursive) throw new NeedsRecursive();
  for (const e of ctx.port.readdir(path)) if (e.name !== '.' && e.name !== '..') removePath(ctx, join(path, e.name), true);
  ctx.port.rmdir(path);
}

export const rmdir: Builtin = {
  name: 'rmdir',
  summary: 'remove empty directories',
  async run(ctx) {
    let status = 0;
    for (const p of ctx.argv.slice(1)) {
      try { ctx.port.rmdir(p); } catch (e) {
        await ctx.stderr.write(`rmdir: failed to remove '${p}': ${why(e)}\n`);
        status = 1;
      }
    }
    return status;
  },
};

export const cd: Builtin = {
  name: 'cd',
  summary: 'change the working directory (no argument: $HOME, -: the previous one)',
  async run(ctx) {
    const arg = ctx.argv[1];
    const target = arg === undefined ? ctx.shell.lookup('HOME') ?? '/' : arg === '-' ? ctx.shell.lookup('OLDPWD') : arg;
    if (target === undefined) {
      await ctx.stderr.write('sh: cd: OLDPWD not set\n');
      return 1;
    }
    const old = ctx.port.getcwd();
    try {
      ctx.port.chdir(target);
    } catch (e) {
      await ctx.stderr.write(`sh: cd: ${target}: ${why(e)}\n`);
      return 1;
    }
    ctx.shell.setVariable('OLDPWD', old);
    ctx.shell.setVariable('PWD', ctx.port.getcwd());
    if (arg === '-') await ctx.stdout.write(`${ctx.port.getcwd()}\n`);
    return 0;
  },
};

export const pwd: Builtin = {
  name: 'pwd',
  summary: 'print the working directory',
  async run(ctx) {
    await ctx.stdout.write(`${ctx.port.getcwd()}\n`);
    return 0;
  },
};
