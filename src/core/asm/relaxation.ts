// Branch relaxation under RVC, as GNU as does it (tc-riscv.c relaxed_branch_length and
// md_convert_frag; write.c relax_segment): every conditional branch and every `j` is sized
// by its distance once the layout is known, and padding of code alignments follows.
//
//   branch, target within ±256 B and a c.beqz/c.bnez form exists   2 bytes  c.beqz/c.bnez
//   branch, target within ±4 KiB                                    4 bytes  the branch
//   branch farther (or not in this section), with a C form          6 bytes  c.bnez/c.beqz +6; j target
//   branch farther, without one                                      8 bytes  inverted branch +8; j target
//   j, target within ±2 KiB                                          2 bytes  c.j
//   j otherwise                                                      4 bytes  jal x0
//
// Sizes are recomputed pass after pass until none changes, in GNU's order: walking the
// section, an instruction sees the new addresses of what precedes it and last pass's
// addresses of what follows. GNU's first estimate takes not-yet-placed code at its offset
// in its own fragment; so does the first pass here.

import { compressed } from './compressed-instructions.ts';
import { codePadding } from './directives.ts';
import type { MachineOp } from './form.ts';
import { base } from './instruction-set.ts';
import type { Expr, Value } from './expression.ts';
import type { AlignItem, InstructionItem, Section } from './section.ts';
import type { SymbolTable } from './symbol-table.ts';

/** What relaxation reads and moves of the layout (layout.ts's Layout). */
export interface Layout {
  readonly sections: ReadonlyMap<string, Section>;
  readonly symbols: SymbolTable;
  evaluateNow(e: Expr, dot?: Value): Value;
}

const MAX_PASSES = 64;
const INVERSE: Record<string, string> = { beq: 'bne', bne: 'beq', blt: 'bge', bge: 'blt', bltu: 'bgeu', bgeu: 'bltu' };

type Variable = (InstructionItem & { relax: NonNullable<InstructionItem['relax']> }) | AlignItem;

export function relax(L: Layout): void {
  const sections = [...L.sections.values()].filter((s) => s.items.some((i) => i.kind === 'instruction' && i.relax));
  if (sections.length === 0) return;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    // After many passes only growth is allowed, so an oscillation must end (as GNU does).
    for (const sec of sections) changed = relaxSection(L, sec, pass === 0, pass > MAX_PASSES / 2) || changed;
    if (!changed && pass > 0) break; // the first pass is only an estimate
  }
  for (const sec of sections) for (const item of variables(sec)) if (item.kind === 'instruction') item.ops = sequence(item);
}

function variables(sec: Section): Variable[] {
  return sec.items.filter((i): i is Variable => i.kind === 'align' || (i.kind === 'instruction' && i.relax !== undefined));
}

function relaxSection(L: Layout, sec: Section, estimate: boolean, growOnly: boolean): boolean {
  let stretch = 0;
  let changed = false;
  const vars = variables(sec);
  for (const item of vars) {
    const size = item.kind === 'align' ? alignPadding(item) : branchLength(L, sec, item, vars, stretch, estimate);
    const next = growOnly ? Math.max(size, sizeOf(item)) : size;
    if (next === sizeOf(item)) continue;
    stretch += next - sizeOf(item);
    resize(L, sec, item, next);
    changed = true;
  }
  return changed;
}

function sizeOf(item: Variable): number {
  return item.kind === 'align' ? item.size : item.relax.length;
}

function alignPadding(item: AlignItem): number {
  const pad = (item.bytes - (item.offset % item.bytes)) % item.bytes;
  return item.max !== undefined && pad > item.max ? 0 : pad;
}

/** relaxed_branch_length: the bytes this branch needs at the current layout. */
function branchLength(L: Layout, sec: Section, item: Variable & { kind: 'instruction' }, vars: Variable[], stretch: number, estimate: boolean): number {
  const { kind, rvc } = item.relax;
  const worst = kind === 'jump' ? 4 : rvc ? 6 : 8;
  let target;
  try { target = L.evaluateNow(item.relax.target.expr, { section: sec.name, v: BigInt(item.offset) }); } catch { return worst; }
  if (target.section !== sec.name) return worst;
  let to = Number(target.v);
  if (to > item.offset) to = estimate ? to - fragmentStart(vars, to) : to - stretch;
  const d = to - item.offset;
  const reach = kind === 'jump' ? 2048 : 256;
  if (rvc && d >= -reach && d < reach) return 2;
  if (d >= -4096 && d < 4096) return 4;
  return worst;
}

/** Where the fragment holding this offset starts: after the last variable item before it. */
function fragmentStart(vars: Variable[], at: number): number {
  let start = 0;
  for (const v of vars) {
    const end = v.offset + sizeOf(v);
    if (end <= at && end > start) start = end;
  }
  return start;
}

/** md_convert_frag: the instructions of a relaxed branch of this length. */
function sequence(item: InstructionItem & { relax: NonNullable<InstructionItem['relax']> }): MachineOp[] {
  const { op, target, kind, length } = item.relax;
  const jump: MachineOp = { ins: base('jal'), rd: 0, imm: { ...target, mode: 'jump' } };
  if (kind === 'jump') return length === 2 ? [{ ins: compressed('c.j'), imm: { ...target, mode: 'cjump' } }] : [jump];
  const name = op.ins.name;
  if (length === 2) return [{ ins: compressed(name === 'beq' ? 'c.beqz' : 'c.bnez'), rs1: op.rs1, imm: { ...target, mode: 'cbranch' } }];
  if (length === 4) return [op];
  const inverse = INVERSE[name]!;
  if (length === 6) return [{ ins: compressed(inverse === 'beq' ? 'c.beqz' : 'c.bnez'), rs1: op.rs1, imm: 6 }, jump];
  return [{ ins: base(inverse), rs1: op.rs1, rs2: op.rs2, imm: 8 }, jump];
}

/**
 * Changes the size of one variable item and moves everything after it in the section:
 * bytes, items, data ranges and the labels (and '.'-relative assignments) that follow.
 */
function resize(L: Layout, sec: Section, item: Variable, size: number): void {
  const old = sizeOf(item);
  const end = item.offset + old;
  const delta = size - old;
  let fresh: number[];
  if (item.kind === 'align') {
    fresh = item.fill === undefined ? codePadding(size) : new Array<number>(size).fill(item.fill);
    item.size = size;
    retagAlignData(sec, item, old);
  } else {
    fresh = new Array<number>(size).fill(0);
    item.relax.length = size;
  }
  sec.bytes.splice(item.offset, old, ...fresh);
  const index = sec.items.indexOf(item);
  for (let i = index + 1; i < sec.items.length; i++) sec.items[i]!.offset += delta;
  for (const r of sec.dataRanges) {
    if (r[0] >= end) r[0] += delta;
    if (r[1] >= end && r[0] !== item.offset) r[1] += delta;
  }
  // A label at the item's own offset moves only if it was defined after the item.
  const after = (v: bigint, order: number | undefined) => (order !== undefined ? order > index : v >= BigInt(end));
  for (const s of L.symbols.entries.values()) {
    if (s.value?.section === sec.name && after(s.value.v, s.order)) s.value = { ...s.value, v: s.value.v + BigInt(delta) };
    if (s.dot?.section === sec.name && after(s.dot.v, s.order)) s.dot = { ...s.dot, v: s.dot.v + BigInt(delta) };
  }
}

/** Code padding of odd length begins with a data byte (objdump's `$d`); keep that mark true. */
function retagAlignData(sec: Section, item: AlignItem, old: number): void {
  const i = sec.dataRanges.findIndex(([a, b]) => a === item.offset && b <= item.offset + old);
  if (i >= 0) sec.dataRanges.splice(i, 1);
  if (item.size === 0) return;
  const range: [number, number] = item.fill !== undefined ? [item.offset, item.offset + item.size] : [item.offset, item.offset + 1];
  if (item.fill !== undefined || item.size % 2 === 1) {
    const at = sec.dataRanges.findIndex(([a]) => a > item.offset);
    sec.dataRanges.splice(at < 0 ? sec.dataRanges.length : at, 0, range);
  }
}
