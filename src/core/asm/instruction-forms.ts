// Every accepted way to write an instruction: base instructions in their GNU syntaxes,
// GNU's operand aliases (`add rd, rs, imm` = addi) and the pseudo-instructions with their
// expansions. Expansions match GNU as 2.40 with relaxation off (binutils tc-riscv.c
// `macro` and riscv-opc.c), so the bytes equal what GNU produces.

import { COMPRESSED_FORMS } from './compressed-forms.ts';
import type { Expr } from './expression.ts';
import type { ExpandContext, Form, MachineOp } from './form.ts';
import { base, BASE_INSTRUCTIONS, type BaseInstruction } from './instruction-set.ts';
import type { Args, Imm } from './operands.ts';

export type { ExpandContext, Form, MachineOp } from './form.ts';
export { opSize } from './form.ts';

const ZERO = 0;
const RA = 1;
const T1 = 6;

const forms: Form[] = [];
const form = (name: string, args: string, expand: Form['expand']) =>
  forms.push({ name, args: args === '' ? [] : args.split(/,(?![^(]*\))/), expand });
const op = (name: string, f: Omit<MachineOp, 'ins'>): MachineOp => ({ ins: base(name), ...f });

function pcrel(target: Expr, at: Imm['at'], mode: 'pcrel_hi' | 'pcrel_lo_pair'): Imm {
  return mode === 'pcrel_hi' ? { mode, expr: target, at } : { mode, expr: target, at, hiDelta: 4 };
}

/** auipc + a second instruction using the low part: la, call, tail, load/store to a symbol. */
function pcrelPair(a: Args, hiReg: number, second: (lo: Imm) => MachineOp): MachineOp[] {
  const at = a.targetAt!;
  return [op('auipc', { rd: hiReg, imm: pcrel(a.target!, at, 'pcrel_hi') }), second(pcrel(a.target!, at, 'pcrel_lo_pair'))];
}

const branchTo = (a: Args): Imm => ({ mode: 'branch', expr: a.target!, at: a.targetAt! });
const jumpTo = (a: Args): Imm => ({ mode: 'jump', expr: a.target!, at: a.targetAt! });

// ---- pseudo-instructions listed first where they share a name with nothing else ----
form('nop', '', () => [op('addi', { rd: ZERO, rs1: ZERO, imm: 0 })]);
form('li', 'd,I', (a, ctx) => expandLi(a, ctx));
form('la', 'd,B', (a) => pcrelPair(a, a.d!, (lo) => op('addi', { rd: a.d, rs1: a.d, imm: lo })));
form('lla', 'd,B', (a) => pcrelPair(a, a.d!, (lo) => op('addi', { rd: a.d, rs1: a.d, imm: lo })));
form('mv', 'd,s', (a) => [op('addi', { rd: a.d, rs1: a.s, imm: 0 })]);
form('not', 'd,s', (a) => [op('xori', { rd: a.d, rs1: a.s, imm: -1 })]);
form('neg', 'd,t', (a) => [op('sub', { rd: a.d, rs1: ZERO, rs2: a.t })]);
form('seqz', 'd,s', (a) => [op('sltiu', { rd: a.d, rs1: a.s, imm: 1 })]);
form('snez', 'd,t', (a) => [op('sltu', { rd: a.d, rs1: ZERO, rs2: a.t })]);
form('sltz', 'd,s', (a) => [op('slt', { rd: a.d, rs1: a.s, rs2: ZERO })]);
form('sgtz', 'd,t', (a) => [op('slt', { rd: a.d, rs1: ZERO, rs2: a.t })]);
form('zext.b', 'd,s', (a) => [op('andi', { rd: a.d, rs1: a.s, imm: 255 })]);
form('beqz', 's,p', (a) => [op('beq', { rs1: a.s, rs2: ZERO, imm: branchTo(a) })]);
form('bnez', 's,p', (a) => [op('bne', { rs1: a.s, rs2: ZERO, imm: branchTo(a) })]);
form('blez', 't,p', (a) => [op('bge', { rs1: ZERO, rs2: a.t, imm: branchTo(a) })]);
form('bgez', 's,p', (a) => [op('bge', { rs1: a.s, rs2: ZERO, imm: branchTo(a) })]);
form('bltz', 's,p', (a) => [op('blt', { rs1: a.s, rs2: ZERO, imm: branchTo(a) })]);
form('bgtz', 't,p', (a) => [op('blt', { rs1: ZERO, rs2: a.t, imm: branchTo(a) })]);
// The swapped-operand branches: bgt a,b = blt b,a.
for (const [name, real] of [['bgt', 'blt'], ['ble', 'bge'], ['bgtu', 'bltu'], ['bleu', 'bgeu']] as const) {
  form(name, 's,t,p', (a) => [op(real, { rs1: a.t, rs2: a.s, imm: branchTo(a) })]);
}
form('j', 'a', (a) => [op('jal', { rd: ZERO, imm: jumpTo(a) })]);
form('jal', 'd,a', (a) => [op('jal', { rd: a.d, imm: jumpTo(a) })]);
form('jal', 'a', (a) => [op('jal', { rd: RA, imm: jumpTo(a) })]);
form('jr', 's', (a) => [op('jalr', { rd: ZERO, rs1: a.s, imm: 0 })]);
form('jr', 's,j', (a) => [op('jalr', { rd: ZERO, rs1: a.s, imm: a.imm })]);
form('jr', 'o(s)', (a) => [op('jalr', { rd: ZERO, rs1: a.s, imm: a.imm })]);
form('jalr', 'd,s,j', (a) => [op('jalr', { rd: a.d, rs1: a.s, imm: a.imm })]);
form('jalr', 'd,o(s)', (a) => [op('jalr', { rd: a.d, rs1: a.s, imm: a.imm })]);
form('jalr', 'd,s', (a) => [op('jalr', { rd: a.d, rs1: a.s, imm: 0 })]);
form('jalr', 's', (a) => [op('jalr', { rd: RA, rs1: a.s, imm: 0 })]);
form('jalr', 's,j', (a) => [op('jalr', { rd: RA, rs1: a.s, imm: a.imm })]);
form('jalr', 'o(s)', (a) => [op('jalr', { rd: RA, rs1: a.s, imm: a.imm })]);
form('ret', '', () => [op('jalr', { rd: ZERO, rs1: RA, imm: 0 })]);
form('call', 'c', (a) => pcrelPair(a, RA, (lo) => op('jalr', { rd: RA, rs1: RA, imm: lo })));
// GNU 2.40 builds `call rd, sym` through t1, like tail: auipc t1; jalr rd, t1.
form('call', 'd,c', (a) => pcrelPair(a, T1, (lo) => op('jalr', { rd: a.d, rs1: T1, imm: lo })));
form('tail', 'c', (a) => pcrelPair(a, T1, (lo) => op('jalr', { rd: ZERO, rs1: T1, imm: lo })));
form('jump', 'c,s', (a) => pcrelPair(a, a.s!, (lo) => op('jalr', { rd: ZERO, rs1: a.s, imm: lo })));
form('unimp', '', () => [op('csrrw', { rd: ZERO, rs1: ZERO, csr: 0xc00 })]);
form('scall', '', () => [op('ecall', {})]);
form('sbreak', '', () => [op('ebreak', {})]);

// CSR shorthands (Zicsr): csrr reads with csrrs x0; the write/set/clear forms discard rd.
form('csrr', 'd,E', (a) => [op('csrrs', { rd: a.d, csr: a.csr, rs1: ZERO })]);
for (const [name, reg, imm] of [['csrw', 'csrrw', 'csrrwi'], ['csrs', 'csrrs', 'csrrsi'], ['csrc', 'csrrc', 'csrrci']] as const) {
  form(name, 'E,s', (a) => [op(reg, { rd: ZERO, csr: a.csr, rs1: a.s })]);
  form(name, 'E,Z', (a) => [op(imm, { rd: ZERO, csr: a.csr, imm: a.imm })]);
  form(name + 'i', 'E,Z', (a) => [op(imm, { rd: ZERO, csr: a.csr, imm: a.imm })]);
  form(reg, 'd,E,Z', (a) => [op(imm, { rd: a.d, csr: a.csr, imm: a.imm })]);
}
for (const [name, num] of [['rdcycle', 0xc00], ['rdtime', 0xc01], ['rdinstret', 0xc02], ['rdcycleh', 0xc80], ['rdtimeh', 0xc81], ['rdinstreth', 0xc82]] as const) {
  form(name, 'd', (a) => [op('csrrs', { rd: a.d, csr: num, rs1: ZERO })]);
}

form('fence', '', () => [op('fence', { imm: 0xff })]);
form('fence', 'P,Q', (a) => [op('fence', { imm: (a.pred! << 4) | a.succ! })]);
form('sfence.vma', '', () => [op('sfence.vma', {})]);
form('sfence.vma', 's', (a) => [op('sfence.vma', { rs1: a.s })]);
for (const name of ['hfence.vvma', 'hfence.gvma']) {
  form(name, '', () => [op(name, {})]);
  form(name, 's', (a) => [op(name, { rs1: a.s })]);
}

// ---- base instructions in their canonical syntax, generated from the format ----
const CANONICAL: Partial<Record<BaseInstruction['format'], string>> = {
  R: 'd,s,t', I: 'd,s,j', LOAD: 'd,o(s)', S: 't,q(s)', B: 's,t,p', U: 'd,u', J: 'd,a', SHIFT: 'd,s,>',
  CSR: 'd,E,s', CSRI: 'd,E,Z', AMO: 'd,t,0(s)', LR: 'd,0(s)', SFENCE: 's,t', HSV: 't,0(s)', FIXED: '',
};
for (const ins of BASE_INSTRUCTIONS.values()) {
  const syntax = CANONICAL[ins.format];
  if (syntax === undefined || ins.name === 'jalr' || ins.name === 'jal') continue;
  form(ins.name, syntax, (a) => [canonical(ins, a)]);
  if (ins.format === 'LOAD') form(ins.name, 'd,B', (a) => pcrelPair(a, a.d!, (lo) => op(ins.name, { rd: a.d, rs1: a.d, imm: lo })));
  if (ins.format === 'S') form(ins.name, 't,B,s', (a) => pcrelPair(a, a.s!, (lo) => op(ins.name, { rs2: a.t, rs1: a.s, imm: lo })));
}

// GNU accepts the register-form names with an immediate: `add a0, a1, 5` is addi.
for (const [n, i] of [['add', 'addi'], ['and', 'andi'], ['or', 'ori'], ['xor', 'xori'], ['slt', 'slti'], ['sltu', 'sltiu']]) {
  form(n!, 'd,s,j', (a) => [op(i!, { rd: a.d, rs1: a.s, imm: a.imm })]);
}
for (const n of ['sll', 'srl', 'sra']) form(n, 'd,s,>', (a) => [op(n + 'i', { rd: a.d, rs1: a.s, imm: a.imm })]);

function canonical(ins: BaseInstruction, a: Args): MachineOp {
  const f = ins.format;
  if (f === 'B') return { ins, rs1: a.s, rs2: a.t, imm: branchTo(a) };
  if (f === 'J') return { ins, rd: a.d, imm: jumpTo(a) };
  if (f === 'CSR') return { ins, rd: a.d, rs1: a.s, csr: a.csr };
  if (f === 'CSRI') return { ins, rd: a.d, csr: a.csr, imm: a.imm };
  return { ins, rd: a.d, rs1: a.s, rs2: a.t, imm: a.imm };
}

/**
 * li: GNU's load_const for RV32. Split the sign-extended value into a lui part and a
 * 12-bit addi part whose sign carries into the upper part; emit only the parts that are
 * needed (addi alone for 12-bit values, lui alone when the low 12 bits are zero).
 */
function expandLi(a: Args, ctx: ExpandContext): MachineOp[] {
  const v = ctx.liConstant(a.imm!.expr, a.imm!.at);
  if (v === undefined) return [op('addi', { rd: a.d, rs1: ZERO, imm: 0 }), op('addi', { rd: a.d, rs1: a.d, imm: 0 })];
  return liSequence(a.d!, Number(BigInt.asIntN(32, v)));
}

export function liSequence(rd: number, value: number): MachineOp[] {
  const lo = ((value & 0xfff) ^ 0x800) - 0x800;
  const hi = (value - lo) | 0;
  const out: MachineOp[] = [];
  let hiReg = ZERO;
  if (hi !== 0) {
    out.push(op('lui', { rd, imm: (hi >>> 12) & 0xfffff }));
    hiReg = rd;
  }
  // GNU tests the register, not the value: `li zero, 0x1000` still gets its addi.
  if (lo !== 0 || hiReg === ZERO) out.push(op('addi', { rd, rs1: hiReg, imm: lo }));
  return out;
}

export const FORMS_BY_NAME: ReadonlyMap<string, readonly Form[]> = (() => {
  const m = new Map<string, Form[]>();
  for (const f of [...forms, ...COMPRESSED_FORMS]) m.set(f.name, [...(m.get(f.name) ?? []), f]);
  return m;
})();

export const MNEMONICS: readonly string[] = [...FORMS_BY_NAME.keys()];
