// Is an image from our assembler the same program as a GNU-built ELF of the same source?
// The fixtures are linked with `ld -N` (sections packed back to back), while our assembler
// puts .rodata and .data each on their own page, so the data sections sit at other
// addresses and the pc-relative pairs (auipc + addi/lw/sw) that reach them carry other
// offsets. Everything else must be byte for byte the same.

import type { ProgramImage, Segment } from '../../../src/core/asm/image.ts';
import { SEG_X } from '../../../src/core/asm/image.ts';

const OP_AUIPC = 0x17;
const OP_STORE = 0x23;
const NOP = 0x13;

const word = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

/** The low 12 bits an instruction adds to an auipc result: I-type, or S-type for stores. */
function low12(insn: number): number {
  return (insn & 0x7f) === OP_STORE ? ((insn >> 25) << 5) | ((insn >>> 7) & 0x1f) : insn >> 20;
}

/** The instruction with its immediate cleared, to compare everything but the offset. */
function withoutImmediate(insn: number): number {
  if ((insn & 0x7f) === OP_AUIPC) return insn & 0xfff;
  return ((insn & 0x7f) === OP_STORE ? insn & 0x01fff07f : insn & 0x000fffff) >>> 0;
}

/** A symbol that names `ours` in our image and `gnu` in GNU's, if there is one. */
function symbolAt(ours: ProgramImage, gnu: ProgramImage, a: number, b: number): string | undefined {
  for (const [name, v] of ours.symbols) if (v >>> 0 === a >>> 0 && (gnu.symbols.get(name) ?? -1) >>> 0 === b >>> 0) return name;
  return undefined;
}

/** The bytes GNU's image holds at [addr, addr + length) (its single `ld -N` segment). */
function gnuBytes(gnu: ProgramImage, addr: number, length: number): Uint8Array {
  const seg = gnu.segments.find((s) => addr >= s.vaddr && addr + length <= s.vaddr + s.bytes.length);
  return seg ? seg.bytes.subarray(addr - seg.vaddr, addr - seg.vaddr + length) : new Uint8Array(0);
}

/** Where .text's last source line ends: after it, only the nops that pad the section to
 * its alignment, which GNU ld leaves out when it packs .rodata right behind. */
function sourceEnd(ours: ProgramImage, text: Segment): number {
  const end = text.vaddr + text.bytes.length;
  const last = Math.max(...ours.lines.map((l) => l.addr).filter((a) => a >= text.vaddr && a < end)) + 4;
  let at = end;
  while (at > last && word(text.bytes, at - 4 - text.vaddr) === NOP) at -= 4;
  return at;
}

/** .text: equal words, except auipc pairs that reach the same symbol in both layouts. */
function textDifferences(ours: ProgramImage, gnu: ProgramImage, text: Segment): string[] {
  const mine = text.bytes.subarray(0, sourceEnd(ours, text) - text.vaddr);
  const theirs = gnuBytes(gnu, text.vaddr, mine.length);
  if (theirs.length !== mine.length) return [`.text: GNU's image has no ${mine.length} bytes at ${hex(text.vaddr)}`];
  const out: string[] = [];
  for (const [name, v] of ours.symbols) {
    if (v >= text.vaddr && v < text.vaddr + mine.length && gnu.symbols.get(name) !== v) out.push(`.text: ${name} at ${hex(v)} here, elsewhere in GNU's`);
  }
  for (let i = 0; i < mine.length; i += 4) {
    const [a, b] = [word(mine, i), word(theirs, i)];
    if (a === b) continue;
    const pc = text.vaddr + i;
    const paired = (a & 0x7f) === OP_AUIPC && i + 4 < mine.length && withoutImmediate(a) === withoutImmediate(b);
    const [a2, b2] = paired ? [word(mine, i + 4), word(theirs, i + 4)] : [0, 0];
    if (!paired || withoutImmediate(a2) !== withoutImmediate(b2)) {
      out.push(`.text ${hex(pc)}: ${hex(a)} here, ${hex(b)} in GNU's`);
      continue;
    }
    const target = (hi: number, lo: number) => (pc + (hi & 0xfffff000) + low12(lo)) >>> 0;
    const [ta, tb] = [target(a, a2), target(b, b2)];
    if (!symbolAt(ours, gnu, ta, tb)) out.push(`.text ${hex(pc)}: reaches ${hex(ta)} here, ${hex(tb)} in GNU's, no one symbol at both`);
    i += 4;
  }
  return out;
}

/** A data segment's file bytes, found in GNU's image where its symbols moved to. */
function dataDifferences(ours: ProgramImage, gnu: ProgramImage, seg: Segment): string[] {
  if (seg.bytes.length === 0) return [];
  const inside = [...ours.symbols].filter(([, v]) => v >= seg.vaddr && v < seg.vaddr + seg.bytes.length);
  const shifts = new Set(inside.map(([name, v]) => (gnu.symbols.get(name) ?? NaN) - v));
  const where = `segment ${hex(seg.vaddr)}`;
  if (shifts.size !== 1) return [`${where}: its symbols moved by ${[...shifts].join(', ') || 'nothing known'}, not all by one amount`];
  const theirs = gnuBytes(gnu, seg.vaddr + [...shifts][0]!, seg.bytes.length);
  return theirs.length === seg.bytes.length && theirs.every((v, i) => v === seg.bytes[i]) ? [] : [`${where}: bytes differ`];
}

/** Every way `ours` is not the program `gnu` is (empty when they are the same). */
export function programDifferences(ours: ProgramImage, gnu: ProgramImage): string[] {
  const out: string[] = [];
  if (ours.entry !== gnu.entry) out.push(`entry ${hex(ours.entry)} here, ${hex(gnu.entry)} in GNU's`);
  for (const name of ours.symbols.keys()) if (!gnu.symbols.has(name)) out.push(`symbol ${name} missing from GNU's`);
  for (const seg of ours.segments) out.push(...(seg.flags & SEG_X ? textDifferences(ours, gnu, seg) : dataDifferences(ours, gnu, seg)));
  return out;
}
