// `trapdoor disasm FILE.elf`: the executable's code in `objdump -d` style: one block per
// code section, a label line at each symbol, then address, instruction word and text.

import { DisassemblyState, decodeText, sortedSymbols } from '../core/asm/disassembler.ts';
import { rvcAt, type ProgramImage } from '../core/asm/image.ts';
import { parseArgs } from './args.ts';
import { SHF_EXECINSTR, SHT_PROGBITS, readMappingSymbols, readSections } from './elf-sections.ts';
import { CliError, EXIT_USAGE, type CliIo } from './io.ts';
import { elfImage, readInputFile } from './load-program.ts';

export const DISASM_HELP = `usage: trapdoor disasm FILE.elf

Disassembles the code sections of an RV32 ELF file in the style of
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
  const bytes = readInputFile(file);
  const image = elfImage(file, bytes);
  io.stdout.write(listing(file, bytes, image));
  return 0;
}

/** objdump skips runs of zero bytes this long, or this short at the end of a block. */
const SKIP_ZEROES = 8;
const SKIP_ZEROES_AT_END = 3;
/** Width of the raw-bytes column, as objdump pads it for each instruction size. */
const RAW_WIDTH: Record<number, number> = { 1: 18, 2: 20, 4: 18 };

/** The whole objdump -d text for an ELF file. */
export function listing(file: string, bytes: Uint8Array, image: ProgramImage): string {
  const out = [`\n${file}:     file format elf32-littleriscv\n\n`];
  const labels = new Map<number, string>();
  for (const s of sortedSymbols(image.symbols, image.symbolInfo)) if (!labels.has(s.value)) labels.set(s.value, s.name);
  const sections = readSections(bytes);
  const mapping = readMappingSymbols(bytes, sections);
  const code = sections.filter((s) => s.type === SHT_PROGBITS && s.flags & SHF_EXECINSTR && s.size > 0);
  for (const sec of code) {
    out.push(`\nDisassembly of section ${sec.name}:\n`);
    const end = sec.addr + Math.min(sec.size, bytes.length - sec.offset);
    const starts = [...labels.keys()].filter((a) => a > sec.addr && a < end).sort((a, b) => a - b);
    const blocks = [sec.addr, ...starts, end];
    const state = new DisassemblyState(image.symbolInfo, image.rvc ?? false);
    for (let b = 0; b + 1 < blocks.length; b++) {
      const label = labels.get(blocks[b]!);
      if (label !== undefined) out.push(`\n${hex8(blocks[b]!)} <${label}>:\n`);
      block(out, bytes, sec.offset - sec.addr, blocks[b]!, blocks[b + 1]!, image, mapping, state, addressWidth(sec.addr, sec.size));
    }
  }
  return out.join('');
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** One symbol's range [from, to): instructions, data words, and skipped zero runs. */
function block(out: string[], bytes: Uint8Array, delta: number, from: number, to: number, image: ProgramImage,
  mapping: { addr: number; data: boolean }[], state: DisassemblyState, width: number): void {
  let pc = from;
  while (pc < to) {
    let z = pc;
    while (z < to && bytes[z + delta] === 0) z++;
    if (z - pc >= SKIP_ZEROES || (z === to && z - pc < SKIP_ZEROES_AT_END && z > pc)) {
      out.push('\t...\n');
      pc = z === to ? z : pc + ((z - pc) & ~3);
      continue;
    }
    const at = pc + delta;
    const data = isData(mapping, pc);
    const left = to - pc;
    // Data goes up to 4 bytes at a time but stops where the code starts again (riscv_data_length).
    const dataLeft = Math.min(left, nextMapping(mapping, pc) - pc);
    const size = data ? (dataLeft >= 4 ? 4 : dataLeft >= 2 ? 2 : 1) : (bytes[at]! & 3) === 3 && left >= 4 ? 4 : 2;
    let word = 0;
    for (let i = size - 1; i >= 0; i--) word = word * 256 + bytes[at + i]!;
    const raw = word.toString(16).padStart(size * 2, '0');
    let text: string;
    if (data) {
      text = `${size === 4 ? '.word' : size === 2 ? '.short' : '.byte'}\t0x${raw}`;
    } else {
      state.rvc = rvcAt(image, pc);
      const d = decodeText(word, pc, image.symbols, state);
      text = (d.operands ? `${d.mnemonic}\t${d.operands}` : d.mnemonic) + (d.comment ? ` # ${d.comment}` : '');
    }
    out.push(`${pc.toString(16).padStart(width, ' ')}:\t${raw.padEnd(RAW_WIDTH[size]!, ' ')}\t${text}\n`);
    pc += size;
  }
}

/**
 * How wide objdump prints this section's addresses: 8 hex digits, less the leading zeros
 * its end address has, in groups of four (objdump.c skip_addr_chars): `   0:` in a small
 * section at 0, `80000000:` at 0x80000000.
 */
function addressWidth(vma: number, size: number): number {
  const end = hex8((vma + size) >>> 0);
  let zeros = 0;
  while (end[zeros] === '0') zeros++;
  if (zeros === 8 && vma !== 0) return 8;
  return 8 - (zeros === 0 ? 0 : (zeros - 1) & ~3);
}

/** The address of the first mapping symbol after pc. */
function nextMapping(mapping: { addr: number; data: boolean }[], pc: number): number {
  for (const m of mapping) if (m.addr > pc) return m.addr;
  return Infinity;
}

/** Is pc inside a $d (data) mapping region? */
function isData(mapping: { addr: number; data: boolean }[], pc: number): boolean {
  let data = false;
  for (const m of mapping) {
    if (m.addr > pc) break;
    data = m.data;
  }
  return data;
}
