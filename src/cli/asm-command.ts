// `trapdoor asm FILE.s -o OUT.elf`: GNU-as-compatible source in, a linked ELF32 out.

import { writeFileSync } from 'node:fs';
import { integerOption, parseArgs } from './args.ts';
import { CliError, EXIT_USAGE, type CliIo } from './io.ts';
import { assembleFile, readInputFile } from './load-program.ts';

export const ASM_HELP = `usage: trapdoor asm FILE.s [-o OUT.elf] [--text-base ADDR]

Assembles RISC-V (RV32IMA, Zicsr) source in GNU as syntax into an ELF32 executable.
Every error is printed as FILE:LINE:COL: error: MESSAGE; the status is 1 if any.

  -o, --output FILE    where to write the ELF (default: FILE with .elf)
  --text-base ADDR     address of .text (default 0x80000000; 0x10000 for Linux programs)
`;

export function asmCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('asm', argv, { values: ['--output', '--text-base'], aliases: { '-o': '--output' } });
  if (args.flags.has('--help')) {
    io.stdout.write(ASM_HELP);
    return 0;
  }
  const [file, extra] = args.positional;
  if (!file || extra !== undefined) throw new CliError('asm: expected one source file (see trapdoor asm --help)', EXIT_USAGE);
  const base = args.flags.get('--text-base');
  const textBase = typeof base === 'string' ? integerOption('asm', '--text-base', base) : undefined;
  const out = (args.flags.get('--output') as string | undefined) ?? file.replace(/\.(s|S|asm)$/, '') + '.elf';
  const { elf } = assembleFile(file, readInputFile(file), textBase, (line) => io.stderr.write(line + '\n'));
  try {
    writeFileSync(out, elf);
  } catch (e) {
    throw new CliError(`${out}: cannot write: ${(e as Error).message}`);
  }
  return 0;
}
