// Where each output section goes in memory, as a simple linker would place them:
// .text at the text base, then .rodata and .data each on the next page, .bss right after
// .data at its own alignment. tests/fixtures/asm/link.ld is the same rule for GNU ld.

import type { Section, SectionName } from './section.ts';

export const PAGE_SIZE = 4096;

export const alignUp = (v: number, a: number): number => Math.ceil(v / a) * a;

export type Placement = Map<SectionName, number>;

export function placeSections(sections: Map<SectionName, Section>, textBase: number): Placement {
  const size = (n: SectionName) => { const s = sections.get(n); return s ? (n === '.bss' ? s.size : s.bytes.length) : 0; };
  const placement: Placement = new Map();
  placement.set('.text', textBase);
  let cursor = textBase + size('.text');
  cursor = alignUp(cursor, PAGE_SIZE);
  placement.set('.rodata', cursor);
  cursor = alignUp(cursor + size('.rodata'), PAGE_SIZE);
  placement.set('.data', cursor);
  cursor += size('.data');
  placement.set('.bss', alignUp(cursor, sections.get('.bss')?.align ?? 1));
  return placement;
}
