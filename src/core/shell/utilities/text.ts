// Text filters for pipelines: head, tail, wc, grep. They read files through the kernel
// port, or standard input, so `ps | grep spin` works the same on the host and inside a
// container.

import { fail, parseFlags, type Builtin, type BuiltinContext } from '../builtin.ts';
import { isErrnoError, O_RDONLY } from '../../kernel/kernel-port.ts';
import { FdInput, readAll } from '../stream.ts';
import { strerror } from '../strerror.ts';

/** Every operand's text (stdin for none or "-"), with errors reported as `name: file: reason`. */
async function inputs(ctx: BuiltinContext, operands: string[]): Promise<{ texts: [string, string][]; status: number }> {
  const texts: [string, string][] = [];
  let status = 0;
  for (const p of operands.length ? operands : ['-']) {
    if (p === '-') {
      texts.push(['(standard input)', await readAll(ctx.stdin)]);
      continue;
    }
    try {
      const fd = ctx.port.open(p, O_RDONLY);
      try {
        texts.push([p, await readAll(new FdInput(ctx.port, fd))]);
      } finally {
        ctx.port.close(fd);
      }
    } catch (e) {
      await ctx.stderr.write(`${ctx.argv[0]}: ${p}: ${isErrnoError(e) ? strerror(e.errno) : String(e)}\n`);
      status = ctx.argv[0] === 'grep' ? 2 : 1;
    }
  }
  return { texts, status };
}

/** "a\nb\n" -> ["a\n", "b\n"]; a last line without newline is kept. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** `-n 5`, `-n5` or `-5`; returns the count and the remaining operands. */
function countOption(args: string[]): { count: number; rest: string[] } | string {
  let count = 10;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-n(.*)$/.exec(a) ?? /^-([0-9]+)$/.exec(a);
    if (!m) { rest.push(a); continue; }
    const spec = a.startsWith('-n') && m[1] === '' ? args[++i] ?? '' : m[1]!;
    if (!/^[0-9]+$/.test(spec)) return `invalid number of lines: '${spec}'`;
    count = Number(spec);
  }
  return { count, rest };
}

function headOrTail(name: 'head' | 'tail', pick: (all: string[], n: number) => string[]): Builtin {
  return {
    name,
    summary: `print the ${name === 'head' ? 'first' : 'last'} lines of files or standard input (-n N, default 10)`,
    async run(ctx) {
      const opt = countOption(ctx.argv.slice(1));
      if (typeof opt === 'string') return fail(ctx, opt);
      const { texts, status } = await inputs(ctx, opt.rest);
      for (const [i, [file, text]] of texts.entries()) {
        if (texts.length > 1) await ctx.stdout.write(`${i ? '\n' : ''}==> ${file} <==\n`);
        await ctx.stdout.write(pick(lines(text), opt.count).join(''));
      }
      return status;
    },
  };
}

export const head = headOrTail('head', (all, n) => all.slice(0, n));
export const tail = headOrTail('tail', (all, n) => (n === 0 ? [] : all.slice(-n)));

export const wc: Builtin = {
  name: 'wc',
  summary: 'count lines, words and bytes (-l, -w, -c)',
  async run(ctx) {
    const { flags, operands, unknown } = parseFlags(ctx.argv.slice(1), 'lwc');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`);
    const show = flags.size ? flags : new Set(['l', 'w', 'c']);
    const { texts, status } = await inputs(ctx, operands);
    const totals = [0, 0, 0];
    const row = (counts: number[], name: string) => {
      const cells = ['l', 'w', 'c'].filter((f) => show.has(f)).map((f) => String(counts['lwc'.indexOf(f)]).padStart(show.size > 1 ? 7 : 1));
      return `${cells.join(' ')}${name ? ` ${name}` : ''}\n`;
    };
    for (const [file, text] of texts) {
      const counts = [(text.match(/\n/g) ?? []).length, text.split(/\s+/).filter(Boolean).length, utf8Length(text)];
      counts.forEach((c, i) => { totals[i]! += c; });
      await ctx.stdout.write(row(counts, operands.length ? file : ''));
    }
    if (texts.length > 1) await ctx.stdout.write(row(totals, 'total'));
    return status;
  },
};

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

export const grep: Builtin = {
  name: 'grep',
  summary: 'print lines matching a pattern (-i ignore case, -v invert, -c count, -n numbers)',
  async run(ctx) {
    const { flags, operands, unknown } = parseFlags(ctx.argv.slice(1), 'ivcnE');
    if (unknown) return fail(ctx, `invalid option -- '${unknown}'`, 2);
    const [pattern, ...files] = operands;
    if (pattern === undefined) return fail(ctx, 'usage: grep [-ivcn] PATTERN [FILE...]', 2);
    let re: RegExp;
    try {
      re = new RegExp(pattern, flags.has('i') ? 'i' : '');
    } catch {
      return fail(ctx, `invalid pattern '${pattern}'`, 2);
    }
    const { texts, status } = await inputs(ctx, files);
    let matched = 0;
    for (const [file, text] of texts) {
      const prefix = files.length > 1 ? `${file}:` : '';
      let count = 0;
      for (const [i, line] of lines(text).entries()) {
        if (re.test(line.replace(/\n$/, '')) === flags.has('v')) continue;
        count++;
        if (!flags.has('c')) await ctx.stdout.write(`${prefix}${flags.has('n') ? `${i + 1}:` : ''}${line.endsWith('\n') ? line : `${line}\n`}`);
      }
      if (flags.has('c')) await ctx.stdout.write(`${prefix}${count}\n`);
      matched += count;
    }
    return status || (matched ? 0 : 1);
  },
};
