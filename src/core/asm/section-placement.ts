// Where each section goes in memory, as a simple linker would place them: the input
// sections of each output section concatenated in the order the assembler created them,
// each at its own alignment; .text at the text base, then .rodata and .data each on the
// next page, .bss right after .data. tests/fixtures/asm/link.ld is the same rule for GNU ld.

import { SECTION_ORDER, type Section, type SectionName } from './section.ts';

export const PAGE_SIZE = 4096;

export const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export interface OutputPlacement {
  addr: number;
  size: number;
  /** Largest alignment among its input sections. */
  align: number;
  inputs: Section[];
}

export interface Placement {
  /** Address of each input section, by name. */
  input: Map<string, number>;
  output: Map<SectionName, OutputPlacement>;
}

const sizeOf = (s: Section) => (s.output === '.bss' ? s.size : s.bytes.length);

export function placeSections(sections: Iterable<Section>, textBase: number): Placement {
  const all = [...sections];
  const placement: Placement = { input: new Map(), output: new Map() };
  let cursor = textBase;
  for (const out of SECTION_ORDER) {
    if (out === '.rodata' || out === '.data') cursor = alignUp(cursor, PAGE_SIZE);
    const inputs = all.filter((s) => s.output === out);
    const align = Math.max(1, ...inputs.filter((s) => sizeOf(s) > 0).map((s) => s.align));
    const start = alignUp(cursor, align);
    cursor = start;
    for (const s of inputs) {
      cursor = alignUp(cursor, s.align);
      placement.input.set(s.name, cursor);
      cursor += sizeOf(s);
    }
    placement.output.set(out, { addr: start, size: cursor - start, align, inputs });
  }
  return placement;
}

/** The bytes of an output section: its input sections at their offsets, zeros between. */
export function outputBytes(p: Placement, out: SectionName): Uint8Array {
  const o = p.output.get(out)!;
  const bytes = new Uint8Array(out === '.bss' ? 0 : o.size);
  if (out !== '.bss') for (const s of o.inputs) bytes.set(s.bytes, p.input.get(s.name)! - o.addr);
  return bytes;
}
