// Automatic compression under `.option rvc`: which ordinary instructions become 16-bit ones,
// exactly as GNU as 2.40 decides. GNU's opcode table (binutils riscv-opc.c) lists, before
// each base entry, the compressed forms a mnemonic may take; the first one whose operands
// fit wins. So the choice depends on the mnemonic written, not only on the machine
// operation: `mv a0, zero` stays 32-bit where `li a0, 0` becomes c.li, and `addi a0, a0, 0`
// is c.mv. Immediates must be constants when the line is read; anything with a symbol or
// %lo/%pcrel_lo stays 32-bit, and so do the pieces of la, call, tail and load/store-to-symbol.
// Branches and `j` are not decided here: their size depends on the distance (relaxation.ts).

import { compressed, isCompressibleRegister as isC } from './compressed-instructions.ts';
import type { ExpandContext, Form, MachineOp } from './form.ts';

const SP = 2;
const RA = 1;
type Constant = (imm: MachineOp['imm']) => number | undefined;
type Candidate = (op: MachineOp, k: Constant) => MachineOp | undefined;

const mk = (name: string, f: Omit<MachineOp, 'ins'>): MachineOp => ({ ins: compressed(name), ...f });
const is = (op: MachineOp, name: string) => op.ins.name === name;
const inRange = (v: number | undefined, min: number, max: number): v is number => v !== undefined && v >= min && v <= max;
/** c.lui's immediate: a non-zero 6-bit signed value in lui's 20-bit field (spec 16.5). */
const luiImm = (v: number | undefined): v is number => v !== undefined && v !== 0 && (v <= 31 || (v >= 0xfffe0 && v <= 0xfffff));

const addi4spn: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'addi') && isC(op.rd) && op.rs1 === SP && inRange(v, 4, 1020) && v % 4 === 0 ? mk('c.addi4spn', { rd: op.rd, imm: v }) : undefined;
};
const cAddi = (allowZero: boolean): Candidate => (op, k) => {
  const v = k(op.imm);
  return is(op, 'addi') && op.rd !== 0 && op.rd === op.rs1 && inRange(v, -32, 31) && (allowZero || v !== 0) ? mk('c.addi', { rd: op.rd, imm: v }) : undefined;
};
const nopHint: Candidate = (op, k) => (is(op, 'addi') && op.rd === 0 && op.rs1 === 0 && k(op.imm) === 0 ? mk('c.nop', {}) : undefined);
const addi16sp: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'addi') && op.rd === SP && op.rs1 === SP && inRange(v, -512, 496) && v !== 0 && v % 16 === 0 ? mk('c.addi16sp', { imm: v }) : undefined;
};
const cLi: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'addi') && op.rd !== 0 && op.rs1 === 0 && inRange(v, -32, 31) ? mk('c.li', { rd: op.rd, imm: v }) : undefined;
};
const mvFromAddi: Candidate = (op, k) => (is(op, 'addi') && op.rd !== 0 && op.rs1 !== 0 && k(op.imm) === 0 ? mk('c.mv', { rd: op.rd, rs2: op.rs1 }) : undefined);
const cAdd: Candidate = (op) => (is(op, 'add') && op.rd !== 0 && op.rd === op.rs1 && op.rs2 !== 0 ? mk('c.add', { rd: op.rd, rs2: op.rs2 }) : undefined);
const cAddSwapped: Candidate = (op) => (is(op, 'add') && op.rd !== 0 && op.rd === op.rs2 && op.rs1 !== 0 ? mk('c.add', { rd: op.rd, rs2: op.rs1 }) : undefined);
const mvFromAdd: Candidate = (op) => (is(op, 'add') && op.rd !== 0 && op.rs1 === 0 && op.rs2 !== 0 ? mk('c.mv', { rd: op.rd, rs2: op.rs2 }) : undefined);
const cLui: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'lui') && op.rd !== 0 && op.rd !== SP && luiImm(v) ? mk('c.lui', { rd: op.rd, imm: v }) : undefined;
};
const cSlli: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'slli') && op.rd !== 0 && op.rd === op.rs1 && inRange(v, 1, 31) ? mk('c.slli', { rd: op.rd, imm: v }) : undefined;
};
const shiftRight = (base: string): Candidate => (op, k) => {
  const v = k(op.imm);
  return is(op, base) && isC(op.rd) && op.rd === op.rs1 && inRange(v, 1, 31) ? mk(`c.${base}`, { rd: op.rd, imm: v }) : undefined;
};
const cAndi: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'andi') && isC(op.rd) && op.rd === op.rs1 && inRange(v, -32, 31) ? mk('c.andi', { rd: op.rd, imm: v }) : undefined;
};
/** c.sub/xor/or/and: rd' = rd' op rs2'; the commutative ones also take the operands swapped. */
const arith = (base: string, swapped: boolean): Candidate => (op) => {
  if (!is(op, base) || !isC(op.rd)) return undefined;
  const [a, b] = swapped ? [op.rs2, op.rs1] : [op.rs1, op.rs2];
  return a === op.rd && isC(b) ? mk(`c.${base}`, { rd: op.rd, rs2: b }) : undefined;
};
const cLwsp: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'lw') && op.rd !== 0 && op.rs1 === SP && inRange(v, 0, 252) && v % 4 === 0 ? mk('c.lwsp', { rd: op.rd, imm: v }) : undefined;
};
const cLw: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'lw') && isC(op.rd) && isC(op.rs1) && inRange(v, 0, 124) && v % 4 === 0 ? mk('c.lw', { rd: op.rd, rs1: op.rs1, imm: v }) : undefined;
};
const cSwsp: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'sw') && op.rs1 === SP && inRange(v, 0, 252) && v % 4 === 0 ? mk('c.swsp', { rs2: op.rs2, imm: v }) : undefined;
};
const cSw: Candidate = (op, k) => {
  const v = k(op.imm);
  return is(op, 'sw') && isC(op.rs2) && isC(op.rs1) && inRange(v, 0, 124) && v % 4 === 0 ? mk('c.sw', { rs2: op.rs2, rs1: op.rs1, imm: v }) : undefined;
};
const cJr: Candidate = (op, k) => (is(op, 'jalr') && op.rd === 0 && op.rs1 !== 0 && k(op.imm) === 0 ? mk('c.jr', { rs1: op.rs1 }) : undefined);
const cJalr: Candidate = (op, k) => (is(op, 'jalr') && op.rd === RA && op.rs1 !== 0 && k(op.imm) === 0 ? mk('c.jalr', { rs1: op.rs1 }) : undefined);
const always = (name: string): Candidate => () => mk(name, {});

const ADDI = [addi4spn, cAddi(false), nopHint, addi16sp, cLi, mvFromAddi];

/** GNU's compressed entries by "mnemonic operand-syntax", in table order. */
const RULES: Record<string, Candidate[]> = {
  'unimp ': [always('c.unimp')], 'ebreak ': [always('c.ebreak')], 'sbreak ': [always('c.ebreak')], 'nop ': [always('c.nop')],
  'ret ': [cJr], 'jr s': [cJr], 'jalr s': [cJalr],
  'lui d,u': [cLui], 'mv d,s': [mvFromAddi],
  'addi d,s,j': ADDI,
  'add d,s,t': [cAdd, cAddSwapped, mvFromAdd], 'add d,s,j': [cAddi(true), addi4spn, addi16sp],
  'andi d,s,j': [cAndi], 'and d,s,j': [cAndi],
  'and d,s,t': [arith('and', false), arith('and', true)], 'or d,s,t': [arith('or', false), arith('or', true)],
  'xor d,s,t': [arith('xor', false), arith('xor', true)], 'sub d,s,t': [arith('sub', false)],
  'slli d,s,>': [cSlli], 'sll d,s,>': [cSlli], 'srli d,s,>': [shiftRight('srli')], 'srl d,s,>': [shiftRight('srli')],
  'srai d,s,>': [shiftRight('srai')], 'sra d,s,>': [shiftRight('srai')],
  'lw d,o(s)': [cLwsp, cLw], 'sw t,q(s)': [cSwsp, cSw],
};

/** The operations of one source line, compressed where GNU would compress them. */
export function compress(mnemonic: string, form: Form, ops: MachineOp[], ctx: ExpandContext): MachineOp[] {
  const k: Constant = (imm) => ctx.constantImm(imm);
  if (mnemonic === 'li' && form.args.join(',') === 'd,I') return compressLi(ops, k);
  const rules = RULES[`${mnemonic} ${form.args.join(',')}`];
  if (!rules || ops.length !== 1) return ops;
  return [first(rules, ops[0]!, k) ?? ops[0]!];
}

/**
 * li: c.lui for a value that is a compressible lui alone, c.li for a 6-bit one, a plain
 * addi for a 12-bit one; a longer constant is GNU's lui/addi macro, whose pieces GNU
 * assembles as ordinary lines, so each may compress on its own.
 */
function compressLi(ops: MachineOp[], k: Constant): MachineOp[] {
  if (ops.length === 1 && is(ops[0]!, 'addi')) return [cLi(ops[0]!, k) ?? ops[0]!];
  if (ops.length === 1) return [cLui(ops[0]!, k) ?? ops[0]!];
  return ops.map((op) => (is(op, 'lui') ? cLui(op, k) : first(ADDI, op, k)) ?? op);
}

function first(rules: Candidate[], op: MachineOp, k: Constant): MachineOp | undefined {
  for (const r of rules) {
    const c = r(op, k);
    if (c) return c;
  }
  return undefined;
}

/** Branches GNU may shorten to c.beqz/c.bnez: beqz/bnez/beq/bne against zero on x8-x15. */
export function branchHasCompressedForm(mnemonic: string, op: MachineOp): boolean {
  return ['beqz', 'bnez', 'beq', 'bne'].includes(mnemonic) && op.rs2 === 0 && isC(op.rs1);
}
