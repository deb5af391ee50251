// The `trapdoor` command line: one verb per file, dispatched from here. Every failure is
// one line on stderr and a non-zero status, never a stack trace.

import { asmCommand } from './asm-command.ts';
import { datacenterCommand } from './datacenter-command.ts';
import { disasmCommand } from './disasm-command.ts';
import { CliError, EXIT_USAGE, processIo, type CliIo } from './io.ts';
import { runCommand } from './run-command.ts';
import { shellCommand } from './shell-command.ts';

export const MAIN_HELP = `usage: trapdoor <command> [options]

Trapdoor, a virtualization lab: the same engine as the web page, from a terminal.

commands:
  asm FILE.s -o OUT.elf     assemble RISC-V source into an ELF32 executable
  disasm FILE.elf           disassemble an executable (objdump style)
  run FILE [--mode M]       run a program: bare, full, pv, hw or linux (see run --help)
  run --mode full|pv FILE...  several guests, one VM per file, on one host
  shell [--script FILE]     the lab's terminal shell, headless
  lessons check [DIR]       validate lessons and prove each one solvable
  dc VERB [ARGS]            a simulated data centre: hosts, VMs, migration (see dc --help)

Run 'trapdoor <command> --help' for a command's options.
`;

type Command = (argv: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  asm: asmCommand,
  disasm: disasmCommand,
  run: runCommand,
  shell: shellCommand,
  lessons: lessonsCommand,
  dc: datacenterCommand,
};

/** `trapdoor lessons ...` lives in lessons-command.ts, written with the lesson engine. */
async function lessonsCommand(argv: string[], io: CliIo): Promise<number> {
  const specifier = './lessons-command.ts';
  let mod: { lessonsCommand?: Command };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as { lessonsCommand?: Command };
  } catch {
    mod = {};
  }
  if (!mod.lessonsCommand) {
    io.stderr.write('trapdoor: lessons: not available yet\n');
    return 1;
  }
  return mod.lessonsCommand(argv, io);
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    (verb === undefined ? io.stderr : io.stdout).write(MAIN_HELP);
    return verb === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[verb];
  try {
    if (!command) throw new CliError(`unknown command '${verb}' (expected asm, disasm, run, shell, lessons or dc)`, EXIT_USAGE);
    return await command(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      if (e.message) io.stderr.write(`trapdoor: ${e.message}\n`);
      return e.status;
    }
    // A bug in Trapdoor: still one line, never a stack trace.
    io.stderr.write(`trapdoor: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 70;
  }
}
