// `trapdoor asm FILE.s -o OUT.elf`: GNU-as-compatible source in, a linked ELF32 out.

import { writeFileSync } from 'node:fs';
import { archHasC } from '../core/asm/isa-string.ts';
import { integerOption, parseArgs } from './args.ts';
import { CliError, EXIT_USAGE, type CliIo } from './io.ts';
import { assembleFile, readInputFile } from './load-program.ts';

/** The highest word-aligned address: sections past it would wrap to 0. */
const MAX_TEXT_BASE = 0xffff_fffc;

export const ASM_HELP = `usage: trapdoor asm FILE.s [-o OUT.elf] [--text-base ADDR] [--march ISA]

Assembles RISC-V (RV32IMA(C), Zicsr) source in GNU as syntax into an ELF32 executable.
Every error is printed as FILE:LINE:COL: error: MESSAGE; the status is 1 if any.

  -o, --output FILE    where to write the ELF (default: FILE with .elf)
  --text-base ADDR     address of .text (default 0x80000000; 0x10000 for Linux programs)
  --march ISA          the ISA, as GNU as -march: with C (rv32imac, rv32imac_zicsr...) ordinary
                       instructions are compressed where GNU as would (also -march=ISA);
                       without it only '.option rvc' turns compression on
`;

export function asmCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('asm', argv, { values: ['--output', '--text-base', '--march'], aliases: { '-o': '--output', '-march': '--march' } });
  if (args.flags.has('--help')) {
    io.stdout.write(ASM_HELP);
    return 0;
  }
  const [file, extra] = args.positional;
  if (!file || extra !== undefined) throw new CliError('asm: expected one source file (see trapdoor asm --help)', EXIT_USAGE);
  const base = args.flags.get('--text-base');
  const textBase = typeof base === 'string' ? integerOption('asm', '--text-base', base, MAX_TEXT_BASE) : undefined;
  if (textBase !== undefined && textBase % 4 !== 0) throw new CliError(`asm: --text-base must be a multiple of 4, got '${String(base)}'`, EXIT_USAGE);
  const out = (args.flags.get('--output') as string | undefined) ?? file.replace(/\.(s|S|asm)$/, '') + '.elf';
  const march = args.flags.get('--march');
  if (march !== undefined && (typeof march !== 'string' || !/^rv32[a-z][a-z0-9_]*$/.test(march))) {
    throw new CliError(`asm: --march expects an RV32 ISA string such as rv32ima or rv32imac_zicsr, got '${String(march)}'`, EXIT_USAGE);
  }
  const rvc = typeof march === 'string' && archHasC(march);
  const { elf } = assembleFile(file, readInputFile(file), textBase, (line) => io.stderr.write(line + '\n'), rvc);
  try {
    writeFileSync(out, elf);
  } catch (e) {
    throw new CliError(`${out}: cannot write: ${(e as Error).message}`);
  }
  return 0;
}
