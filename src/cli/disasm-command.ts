// `trapdoor disasm FILE.elf`: the executable's code in objdump -d style.

import { parseArgs } from './args.ts';
import { CliError, EXIT_FAULT, EXIT_USAGE, type CliIo } from './io.ts';
import { readInputFile, elfImage } from './load-program.ts';

export const DISASM_HELP = `usage: trapdoor disasm FILE.elf

Disassembles the executable segments of an RV32 ELF file in the style of
riscv64-unknown-elf-objdump -d.
`;

export function disasmCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('disasm', argv, {});
  if (args.flags.has('--help')) {
    io.stdout.write(DISASM_HELP);
    return 0;
  }
  const [file, extra] = args.positional;
  if (!file || extra !== undefined) throw new CliError('disasm: expected one ELF file (see trapdoor disasm --help)', EXIT_USAGE);
  elfImage(file, readInputFile(file));
  io.stderr.write('trapdoor: disasm: the disassembler is not available yet\n');
  return EXIT_FAULT;
}
