// Output sections and the bytes being assembled into them. Instructions and data whose
// values depend on symbols get their bytes reserved now and patched after layout.

import type { SourceSpan } from './diagnostics-catalogue.ts';
import type { Expr } from './expression.ts';
import type { MachineOp } from './form.ts';
import type { Imm } from './operands.ts';

export type SectionName = '.text' | '.rodata' | '.data' | '.bss';

export const SECTION_ORDER: readonly SectionName[] = ['.text', '.rodata', '.data', '.bss'];

/** Input section names GNU ld's default script gathers into each output section. */
export function outputSectionFor(name: string): SectionName | undefined {
  const m = /^\.(text|rodata|srodata|data|sdata|bss|sbss)(\..*)?$/.exec(name);
  if (!m) return undefined;
  const base = m[1]!;
  return base === 'srodata' ? '.rodata' : base === 'sdata' ? '.data' : base === 'sbss' ? '.bss' : (`.${base}` as SectionName);
}

export interface InstructionItem {
  kind: 'instruction';
  offset: number;
  ops: MachineOp[];
  mnemonic: string;
  at: SourceSpan;
  /** A branch or jump whose size depends on its distance (relaxation.ts). */
  relax?: RelaxableBranch;
}

export interface RelaxableBranch {
  kind: 'branch' | 'jump';
  /** A compressed form exists (c.beqz/c.bnez/c.j) when the target is near enough. */
  rvc: boolean;
  /** The 32-bit instruction (a B-type branch or jal x0) and its target. */
  op: MachineOp;
  target: Imm;
  /** Bytes it takes at the current layout: 2, 4, 6 or 8. */
  length: number;
}

/** An alignment in a code section, recomputed when relaxation moves what precedes it. */
export interface AlignItem {
  kind: 'align';
  offset: number;
  size: number;
  bytes: number;
  max?: number;
  /** The fill byte; undefined for code padding (nops). */
  fill?: number;
}

export interface DataItem {
  kind: 'data';
  offset: number;
  size: 1 | 2 | 4 | 8;
  expr: Expr;
  directive: string;
  at: SourceSpan;
}

/** Where the ISA changes (RVC on or off) before an instruction: GNU's `$x<isa>` mapping symbol. */
export interface IsaItem {
  kind: 'isa';
  offset: number;
  rvc: boolean;
}

export type Item = InstructionItem | DataItem | AlignItem | IsaItem;

/** One input section (`.text`, `.srodata`, `.text.startup`...) as GNU as keeps it; the
 *  linker step concatenates input sections into the four output sections. */
export class Section {
  bytes: number[] = [];
  /** For .bss: size only. */
  size = 0;
  align = 1;
  readonly items: Item[] = [];
  /** RVC as of the last instruction placed (an IsaItem marks each change). */
  isaRvc: boolean;
  /** Offset ranges holding data rather than code (for objdump-style mapping symbols). */
  readonly dataRanges: [number, number][] = [];
  /** GNU as gives only `.text` an initial alignment: 4, or 2 when assembling with RVC. */
  constructor(readonly name: string, readonly output: SectionName, align = 1, rvc = false) {
    this.align = align;
    this.isaRvc = rvc;
  }

  get offset(): number {
    return this.output === '.bss' ? this.size : this.bytes.length;
  }

  emit(bytes: number[]): void {
    if (this.output === '.bss') this.size += bytes.length;
    else for (const b of bytes) this.bytes.push(b & 0xff);
  }

  /** A separate range starts a new `$d` even right after data, as GNU does for padding. */
  markData(start: number, end: number, separate = false): void {
    const last = this.dataRanges[this.dataRanges.length - 1];
    if (last && last[1] === start && !separate) last[1] = end;
    else if (end > start) this.dataRanges.push([start, end]);
  }
}
