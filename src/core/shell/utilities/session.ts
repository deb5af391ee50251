// The shell's own commands: echo, env, export, unset, clear, true, false, history, help,
// exit. They change or show the shell's state rather than the system's.

import { fail, type Builtin } from '../builtin.ts';
import { CLEAR_SCREEN } from '../line-editor.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const echo: Builtin = {
  name: 'echo',
  summary: 'print arguments (-n: no newline, -e: interpret \\n \\t \\\\)',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    let newline = true;
    let escapes = false;
    while (args[0] && /^-[ne]+$/.test(args[0])) {
      if (args[0].includes('n')) newline = false;
      if (args[0].includes('e')) escapes = true;
      args.shift();
    }
    let text = args.join(' ');
    if (escapes) text = text.replace(/\\([nt\\])/g, (_, c: string) => ({ n: '\n', t: '\t', '\\': '\\' })[c]!);
    await ctx.stdout.write(newline ? `${text}\n` : text);
    return 0;
  },
};

export const env: Builtin = {
  name: 'env',
  summary: 'print the environment programs get',
  async run(ctx) {
    await ctx.stdout.write([...ctx.env].map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  },
};

export const exportCommand: Builtin = {
  name: 'export',
  summary: 'put variables in the environment (export NAME=value or NAME)',
  async run(ctx) {
    const args = ctx.argv.slice(1);
    if (args.length === 0) {
      await ctx.stdout.write([...ctx.shell.environment()].map(([k, v]) => `declare -x ${k}="${v}"\n`).join(''));
      return 0;
    }
    let status = 0;
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!NAME.test(name)) {
        await ctx.stderr.write(`sh: export: '${a}': not a valid identifier\n`);
        status = 1;
      } else if (eq < 0) ctx.shell.exportVariable(name);
      else ctx.shell.setVariable(name, a.slice(eq + 1), true);
    }
    return status;
  },
};

export const unset: Builtin = {
  name: 'unset',
  summary: 'remove variables',
  async run(ctx) {
    for (const a of ctx.argv.slice(1)) ctx.shell.unsetVariable(a);
    return 0;
  },
};

export const clear: Builtin = {
  name: 'clear',
  summary: 'clear the screen (Ctrl-L does it too)',
  async run(ctx) {
    await ctx.stdout.write(CLEAR_SCREEN);
    return 0;
  },
};

export const trueCommand: Builtin = { name: 'true', summary: 'do nothing, successfully', run: async () => 0 };
export const falseCommand: Builtin = { name: 'false', summary: 'do nothing, unsuccessfully', run: async () => 1 };

export const history: Builtin = {
  name: 'history',
  summary: 'list the commands typed so far',
  async run(ctx) {
    const lines = ctx.shell.history.all().map((l, i) => `${String(i + 1).padStart(5)}  ${l}\n`);
    await ctx.stdout.write(lines.join(''));
    return 0;
  },
};

export const help: Builtin = {
  name: 'help',
  summary: 'list every command with a line each (help NAME: just that one)',
  async run(ctx) {
    const name = ctx.argv[1];
    if (name === undefined) {
      await ctx.stdout.write(ctx.shell.table.help());
      return 0;
    }
    const b = ctx.shell.table.get(name);
    if (!b) return fail(ctx, `no help topics match '${name}'`);
    await ctx.stdout.write(`${b.name}: ${b.summary}\n`);
    return 0;
  },
};

export const exit: Builtin = {
  name: 'exit',
  summary: 'leave this shell (exit N: with status N)',
  async run(ctx) {
    const arg = ctx.argv[1];
    if (arg !== undefined && !/^-?[0-9]+$/.test(arg)) {
      await ctx.stderr.write(`sh: exit: ${arg}: numeric argument required\n`);
      ctx.shell.exitCode = 2;
      return 2;
    }
    const code = arg === undefined ? ctx.shell.lastStatus : Number(arg) & 0xff;
    ctx.shell.exitCode = code;
    return code;
  },
};
