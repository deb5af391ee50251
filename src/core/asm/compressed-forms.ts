// The `c.*` mnemonics: every RV32C instruction written explicitly, with the operand
// constraints of its format (unprivileged spec ch. 16: x8-x15 in the 3-bit register
// fields, sp-relative forms, scaled and non-zero immediates). Accepted exactly where GNU as
// 2.40 accepts them, hints included (`c.li zero, 1`); a broken constraint is reported on
// the operand that breaks it. Immediates must be constants when the line is read, as in GNU.

import { compressed, isCompressibleRegister } from './compressed-instructions.ts';
import type { ExpandContext, Form, MachineOp } from './form.ts';
import type { Args } from './operands.ts';

const SP = 2;

interface Range { min: number; max: number; multiple?: number; nonzero?: boolean; also?: [number, number] }

/** Checks one form's operands, reporting the first broken constraint. */
class Operands {
  ok = true;
  constructor(readonly a: Args, readonly ctx: ExpandContext, readonly name: string) {}

  private fail(code: Parameters<ExpandContext['report']>[0], i: number, params: Record<string, string | number>): void {
    if (!this.ok) return;
    this.ok = false;
    this.ctx.report(code, this.a.at?.[i] ?? { line: 1, column: 1, endColumn: 2 }, { index: i + 1, name: this.name, ...params });
  }

  private text(i: number): string {
    return this.a.texts?.[i] ?? '';
  }

  /** A register in x8..x15. */
  creg(r: number | undefined, i: number): number | undefined {
    if (!isCompressibleRegister(r)) this.fail('rvc-register', i, { text: this.text(i) });
    return r;
  }

  sp(r: number | undefined, i: number): void {
    if (r !== SP) this.fail('rvc-sp', i, { text: this.text(i) });
  }

  nonzero(r: number | undefined, i: number): number | undefined {
    if (r === 0) this.fail('rvc-zero-register', i, {});
    return r;
  }

  notSp(r: number | undefined, i: number): void {
    if (r === SP) this.fail('rvc-not-sp', i, {});
  }

  imm(i: number, range: Range): number {
    const v = this.ctx.constantImm(this.a.imm);
    if (v === undefined) {
      this.fail('not-constant', i, { what: `operand ${i + 1} of '${this.name}'`, detail: ' known when the line is read' });
      return 0;
    }
    const inMain = v >= range.min && v <= range.max;
    const inAlso = range.also !== undefined && v >= range.also[0] && v <= range.also[1];
    const bad = (!inMain && !inAlso) || (range.multiple !== undefined && v % range.multiple !== 0) || (range.nonzero && v === 0);
    if (bad) this.fail('rvc-immediate', i, { value: v, expected: describe(range) });
    return v;
  }
}

function describe(r: Range): string {
  const span = r.also ? `${r.min}..${r.max} or 0x${r.also[0].toString(16)}..0x${r.also[1].toString(16)}` : `${r.min}..${r.max}`;
  const multiple = r.multiple ? `a multiple of ${r.multiple} in ${span}` : span;
  return r.nonzero ? `${multiple}, not 0` : multiple;
}

const forms: Form[] = [];
const cform = (name: string, args: string, build: (o: Operands) => Omit<MachineOp, 'ins'>) => forms.push({
  name,
  args: args === '' ? [] : args.split(/,(?![^(]*\))/),
  rvc: true,
  expand: (a, ctx) => {
    const o = new Operands(a, ctx, name);
    const fields = build(o);
    return o.ok ? [{ ins: compressed(name), ...fields }] : [];
  },
});

const SIGNED6: Range = { min: -32, max: 31 };
const SHAMT: Range = { min: 1, max: 31 };
const LW_OFFSET: Range = { min: 0, max: 124, multiple: 4 };
const SP_OFFSET: Range = { min: 0, max: 252, multiple: 4 };

cform('c.unimp', '', () => ({}));
cform('c.ebreak', '', () => ({}));
cform('c.nop', '', () => ({}));
cform('c.addi4spn', 'd,s,j', (o) => { o.creg(o.a.d, 0); o.sp(o.a.s, 1); return { rd: o.a.d, imm: o.imm(2, { min: 4, max: 1020, multiple: 4 }) }; });
cform('c.lw', 'd,o(s)', (o) => { o.creg(o.a.d, 0); o.creg(o.a.s, 1); return { rd: o.a.d, rs1: o.a.s, imm: o.imm(1, LW_OFFSET) }; });
cform('c.sw', 't,q(s)', (o) => { o.creg(o.a.t, 0); o.creg(o.a.s, 1); return { rs2: o.a.t, rs1: o.a.s, imm: o.imm(1, LW_OFFSET) }; });
cform('c.addi', 'd,j', (o) => ({ rd: o.a.d, imm: o.imm(1, SIGNED6) }));
cform('c.li', 'd,j', (o) => ({ rd: o.a.d, imm: o.imm(1, SIGNED6) }));
cform('c.addi16sp', 's,j', (o) => { o.sp(o.a.s, 0); return { imm: o.imm(1, { min: -512, max: 496, multiple: 16, nonzero: true }) }; });
cform('c.lui', 'd,u', (o) => { o.notSp(o.a.d, 0); return { rd: o.a.d, imm: o.imm(1, { min: 1, max: 31, also: [0xfffe0, 0xfffff] }) }; });
for (const n of ['c.srli', 'c.srai']) cform(n, 'd,>', (o) => { o.creg(o.a.d, 0); return { rd: o.a.d, imm: o.imm(1, SHAMT) }; });
cform('c.andi', 'd,j', (o) => { o.creg(o.a.d, 0); return { rd: o.a.d, imm: o.imm(1, SIGNED6) }; });
for (const n of ['c.sub', 'c.xor', 'c.or', 'c.and']) cform(n, 'd,t', (o) => { o.creg(o.a.d, 0); o.creg(o.a.t, 1); return { rd: o.a.d, rs2: o.a.t }; });
for (const n of ['c.j', 'c.jal']) cform(n, 'a', (o) => ({ imm: { mode: 'cjump', expr: o.a.target!, at: o.a.targetAt! } }));
for (const n of ['c.beqz', 'c.bnez']) cform(n, 's,p', (o) => { o.creg(o.a.s, 0); return { rs1: o.a.s, imm: { mode: 'cbranch', expr: o.a.target!, at: o.a.targetAt! } }; });
cform('c.slli', 'd,>', (o) => ({ rd: o.a.d, imm: o.imm(1, SHAMT) }));
cform('c.lwsp', 'd,o(s)', (o) => { o.nonzero(o.a.d, 0); o.sp(o.a.s, 1); return { rd: o.a.d, imm: o.imm(1, SP_OFFSET) }; });
cform('c.swsp', 't,q(s)', (o) => { o.sp(o.a.s, 1); return { rs2: o.a.t, imm: o.imm(1, SP_OFFSET) }; });
for (const n of ['c.jr', 'c.jalr']) cform(n, 's', (o) => ({ rs1: o.nonzero(o.a.s, 0) }));
for (const n of ['c.mv', 'c.add']) cform(n, 'd,t', (o) => ({ rd: o.a.d, rs2: o.nonzero(o.a.t, 1) }));

export const COMPRESSED_FORMS: readonly Form[] = forms;
