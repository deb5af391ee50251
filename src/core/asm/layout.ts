// Phase 3 — resolve and lay out: walk the statements in order, keep a location counter
// per section, define labels, pick the instruction form that fits the operands, and
// reserve the bytes of every instruction and datum. Sizes are all known here (li's
// constant must be, as in GNU as), so after this pass every label has its final offset
// and only the values that depend on symbols remain to be filled in (see assembler.ts).

import type { DiagnosticSink, SourceSpan } from './diagnostics-catalogue.ts';
import { didYouMean } from './edit-distance.ts';
import { evaluate, ExprError, parseExpr as parseExprOrThrow, UndefinedSymbol, type Expr, type Value } from './expression.ts';
import { branchHasCompressedForm, compress } from './compression.ts';
import type { AsmDiagnosticCode, DiagnosticParams } from './diagnostics-catalogue.ts';
import { FORMS_BY_NAME, MNEMONICS, opSize, type ExpandContext, type Form, type MachineOp } from './instruction-forms.ts';
import type { Token } from './lexer.ts';
import { OperandError, readOperand, ARG_NAMES, type Args, type Imm } from './operands.ts';
import { spanOf, textOf, type Statement } from './parser.ts';
import { relax } from './relaxation.ts';
import { Section, type InstructionItem, type SectionName } from './section.ts';
import { SymbolTable } from './symbol-table.ts';
import { emitCodePadding, runDirective, type Layout as DirectiveContext } from './directives.ts';

/** Separates a numeric local label from its instance number in generated symbol names. */
export const LOCAL_SEP = '\u0002';
/** Deferred symbols followed while laying out (each one a few host stack frames). */
const MAX_CHAIN = 16;

export interface LineRecord {
  /** Input section name. */
  section: string;
  offset: number;
  line: number;
  column: number;
  /** The `.include`d file it is from, when not the main one. */
  file?: string;
}

export class Layout implements ExpandContext, DirectiveContext {
  /** Input sections in the order GNU as creates them (.text, .data, .bss first). */
  readonly sections = new Map<string, Section>();
  readonly symbols = new SymbolTable();
  readonly lines: LineRecord[] = [];
  /** undefined while in a section whose contents are discarded (.comment, .note...). */
  current: Section | undefined;
  /** `.option rvc` state, saved and restored by `.option push`/`pop`. */
  rvc: boolean;
  /** RVC was on at some point (the ELF then says so: EF_RISCV_RVC). */
  usedRvc: boolean;
  /** `.option pic`: GNU would load `la` addresses from a GOT; we have no dynamic linking. */
  pic = false;
  readonly optionStack: { rvc: boolean; pic: boolean }[] = [];
  private readonly localCounts = new Map<string, number>();
  private readonly deferredLi: { name: string; at: SourceSpan; text: string }[] = [];
  private stmtAt: SourceSpan = { line: 1, column: 1, endColumn: 2 };
  ended = false;

  /** rvc: the C extension is on from the start (`--march=rv32imac`), not only after `.option rvc`. */
  constructor(readonly sink: DiagnosticSink, private readonly initialRvc = false) {
    this.rvc = initialRvc;
    this.usedRvc = initialRvc;
    this.section('.data', '.data');
    this.section('.bss', '.bss');
    this.current = this.section('.text', '.text');
  }

  section(name: string, output: SectionName): Section {
    let s = this.sections.get(name);
    if (!s) {
      // GNU as (md_begin) aligns only the default .text: 4, or 2 when RVC is on from the start.
      s = new Section(name, output, name === '.text' ? (this.initialRvc ? 2 : 4) : 1, this.initialRvc);
      this.sections.set(name, s);
    }
    return s;
  }

  run(stmts: Statement[]): void {
    for (const st of stmts) {
      if (this.ended) break;
      this.sink.current = (st.op ?? st.labels[0]?.at)?.file;
      this.statement(st);
    }
    this.sink.current = undefined;
    this.finishDeferred();
    relax(this);
    this.padSectionEnds();
    this.recordLines();
  }

  /** The source line of every instruction word, now that offsets are final. */
  private recordLines(): void {
    for (const sec of this.sections.values()) {
      for (const item of sec.items) {
        if (item.kind !== 'instruction') continue;
        let offset = item.offset;
        for (const op of item.ops) {
          this.lines.push({ section: sec.name, offset, line: item.at.line, column: item.at.column, file: item.at.file });
          offset += opSize(op);
        }
      }
    }
  }

  /** GNU rounds the size of code sections up to their alignment with nops (write.c,
   *  SUB_SEGMENT_ALIGN); data sections keep their size. */
  private padSectionEnds(): void {
    for (const sec of this.sections.values()) {
      if (sec.output === '.text') emitCodePadding(sec, (sec.align - (sec.offset % sec.align)) % sec.align);
    }
  }

  private statement(st: Statement): void {
    for (const l of st.labels) this.label(l.name, l.numeric, l.at);
    const op = st.op;
    if (!op || st.broken) return;
    this.stmtAt = op;
    if (st.assign) return this.assign(op.text, st.operands, op, false);
    if (op.text.startsWith('.')) return runDirective(this, op, st.operands);
    this.instruction(op, st.operands);
  }

  // ---- symbols ----

  here(): Value {
    return { section: this.current?.name ?? '.text', v: BigInt(this.current?.offset ?? 0) };
  }

  private label(name: string, numeric: boolean, at: Token): void {
    if (numeric) {
      const n = (this.localCounts.get(name) ?? 0) + 1;
      this.localCounts.set(name, n);
      name = `${name}${LOCAL_SEP}${n}`;
    }
    const prev = this.symbols.get(name);
    if (prev) {
      this.sink.report('duplicate-label', at, { name, line: prev.definedAt.line });
      return;
    }
    this.symbols.define({ name, value: this.here(), definedAt: at, isLabel: true, global: false, order: this.current?.items.length });
  }

  /** `1b` is the latest `1:` so far, `1f` the next one. */
  readonly localRef = (tok: Token): string => {
    const n = String(tok.value);
    const count = this.localCounts.get(n) ?? 0;
    const back = /b$/i.test(tok.text);
    return `${n}${LOCAL_SEP}${back ? count : count + 1}`;
  };

  /** .equ/.set/=: evaluate now when possible, else keep the expression for later. */
  assign(name: string, operands: Token[][], at: SourceSpan, once: boolean): void {
    const expr = this.expression(operands[0] ?? [], at);
    if (!expr) return;
    const prev = this.symbols.get(name);
    if (prev && (prev.isLabel || once)) {
      this.sink.report('duplicate-label', at, { name, line: prev.definedAt.line });
      return;
    }
    const dot = this.here();
    let value: Value | undefined;
    try { value = this.evaluateNow(expr, dot); } catch { value = undefined; }
    this.symbols.define({ name, value, expr: value ? undefined : expr, dot, definedAt: at, isLabel: false, global: false, order: this.current?.items.length });
  }

  /** Evaluate with the symbols known so far; throws UndefinedSymbol/ExprError. */
  evaluateNow(e: Expr, dot: Value = this.here()): Value {
    const visiting = new Set<string>();
    const lookup = (name: string, at: SourceSpan): Value | undefined => {
      const s = this.symbols.get(name);
      if (!s) return undefined;
      if (s.value) return s.value;
      if (!s.expr || visiting.has(name)) return undefined;
      // Deferred symbols are followed recursively here; a longer chain counts as not known
      // yet and is left to the final evaluation, which is iterative (assembler.ts).
      if (visiting.size >= MAX_CHAIN) throw new UndefinedSymbol(name, at);
      visiting.add(name);
      const v = evaluate(s.expr, lookup, s.dot ?? dot);
      visiting.delete(name);
      return v;
    };
    return evaluate(e, lookup, dot);
  }

  /** Replace symbols that are absolute constants right now by their value, as GNU's
   *  expression parser does: a later `.set` of the same name does not change this use. */
  readonly fold = (e: Expr): Expr => {
    switch (e.k) {
      case 'sym': {
        const s = this.symbols.get(e.name);
        return s?.value && s.value.section === undefined ? { k: 'num', v: s.value.v, at: e.at } : e;
      }
      case 'un': return { ...e, e: this.fold(e.e) };
      case 'bin': return { ...e, l: this.fold(e.l), r: this.fold(e.r) };
      default: return e;
    }
  };

  /** Parse an operand as an expression, reporting syntax errors. */
  expression(toks: Token[], fallback: SourceSpan): Expr | undefined {
    if (toks.length === 0) {
      this.sink.report('syntax', fallback, { detail: 'missing expression' });
      return undefined;
    }
    try {
      return this.fold(parseExprOrThrow(toks, this.localRef, spanOf(toks, fallback)));
    } catch (e) {
      if (e instanceof ExprError) { this.sink.report('syntax', e.at, { detail: e.detail }); return undefined; }
      throw e;
    }
  }

  /** A constant needed now (sizes, alignments, li): reports and returns undefined otherwise. */
  constantNow(e: Expr, at: SourceSpan, what: string): bigint | undefined {
    try {
      const v = this.evaluateNow(e);
      if (v.section === undefined) return v.v;
      this.sink.report('not-constant', at, { what, detail: ', not an address' });
    } catch (err) {
      this.reportEvalError(err, what);
    }
    return undefined;
  }

  private reportEvalError(err: unknown, what: string): void {
    if (err instanceof UndefinedSymbol) this.sink.report('not-constant', err.at, { what, detail: `: '${displayName(err.symbol)}' is not defined before this point` });
    else if (err instanceof ExprError) this.sink.report('bad-expression', err.at, { detail: err.detail });
    else throw err;
  }

  liConstant(e: Expr, at: SourceSpan): bigint | undefined {
    try {
      const v = this.evaluateNow(e);
      if (v.section !== undefined) { this.sink.report('li-not-constant', at, { text: exprText(e) }); return undefined; }
      if (v.v < -(2n ** 31n) || v.v >= 2n ** 32n) {
        this.sink.report('immediate-range', at, { value: v.v, name: 'li', min: -(2 ** 31), max: 2 ** 32 - 1 });
        return undefined;
      }
      return v.v;
    } catch (err) {
      if (err instanceof UndefinedSymbol) this.deferredLi.push({ name: err.symbol, at: err.at, text: exprText(e) });
      else this.reportEvalError(err, "li's operand");
      return undefined;
    }
  }

  /** An immediate's value now when it is a plain constant: what C-extension operands need. */
  constantImm(imm: Imm | number | undefined): number | undefined {
    if (typeof imm === 'number') return imm;
    if (!imm || imm.mode !== 'value' || hasSymbol(imm.expr)) return undefined;
    try {
      const v = this.evaluateNow(imm.expr);
      return v.section === undefined && v.v >= -(2n ** 31n) && v.v < 2n ** 32n ? Number(v.v) : undefined;
    } catch {
      return undefined;
    }
  }

  report(code: AsmDiagnosticCode, at: SourceSpan, params: DiagnosticParams): void {
    this.sink.report(code, at, params);
  }

  /** A symbol li could not use: an address defined later, or never defined at all. */
  private finishDeferred(): void {
    for (const d of this.deferredLi) {
      const sym = this.symbols.get(d.name);
      if (!sym) this.sink.report('undefined-symbol', d.at, { name: displayName(d.name) });
      else if (sym.isLabel) this.sink.report('li-not-constant', d.at, { text: d.text });
      else this.sink.report('not-constant', d.at, { what: "li's operand", detail: `: '${displayName(d.name)}' is not defined before this point` });
    }
  }

  // ---- instructions ----

  private instruction(op: Token, operands: Token[][]): void {
    // GNU lowercases mnemonics (registers and symbols stay case-sensitive).
    const forms = FORMS_BY_NAME.get(op.text.toLowerCase());
    if (!forms) {
      this.sink.report('unknown-mnemonic', op, { name: op.text, hint: didYouMean(op.text, MNEMONICS) });
      return;
    }
    const empty = operands.findIndex((o) => o.length === 0);
    if (empty >= 0) {
      this.sink.report('syntax', op, { detail: `operand ${empty + 1} of '${op.text}' is missing` });
      return;
    }
    if (forms[0]!.rvc && !this.rvc) {
      this.sink.report('needs-rvc', op, { name: op.text });
      return;
    }
    const chosen = this.match(op, forms, operands);
    if (!chosen) return;
    if (this.pic && op.text === 'la') this.sink.report('pic-ignored', op, {}, 'warning');
    const name = op.text.toLowerCase();
    let ops = chosen.form.expand(chosen.args, this);
    if (this.rvc && !chosen.form.rvc) ops = compress(name, chosen.form, ops, this);
    this.place(op, ops, this.rvc && !chosen.form.rvc ? relaxable(name, chosen.form, ops) : undefined);
  }

  private place(op: Token, ops: MachineOp[], relax?: InstructionItem['relax']): void {
    const sec = this.current;
    if (!sec || ops.length === 0) return;
    if (sec.output === '.bss') {
      this.sink.report('data-in-bss', op, { name: op.text });
      return;
    }
    const offset = sec.offset;
    if (sec.isaRvc !== this.rvc) {
      sec.items.push({ kind: 'isa', offset, rvc: this.rvc });
      sec.isaRvc = this.rvc;
    }
    // A relaxable branch starts at its shortest; relaxation.ts sizes it and builds its sequence.
    const size = relax ? relax.length : ops.reduce((n, o) => n + opSize(o), 0);
    sec.items.push({ kind: 'instruction', offset, ops, mnemonic: op.text, at: op, relax });
    sec.emit(new Array(size).fill(0));
  }

  /** Try each form with this operand count; on failure report the most specific error. */
  private match(op: Token, forms: readonly Form[], operands: Token[][]): { form: Form; args: Args } | undefined {
    let best: { err: OperandError; index: number } | undefined;
    const at = operands.map((o) => spanOf(o, op));
    const texts = operands.map((o) => textOf(o));
    for (const form of forms) {
      if (form.args.length !== operands.length) continue;
      const args: Args = { at, texts };
      let failed = false;
      for (let i = 0; i < form.args.length && !failed; i++) {
        try {
          readOperand(form.args[i]!, operands[i]!, args, { mnemonic: op.text, index: i + 1, local: this.localRef, stmtAt: op, fold: this.fold });
        } catch (e) {
          if (!(e instanceof OperandError)) throw e;
          if (!best || i > best.index) best = { err: e, index: i };
          failed = true;
        }
      }
      if (!failed) return { form, args };
    }
    if (best) this.sink.report(best.err.code, best.err.at, best.err.params);
    else this.reportCount(op, forms, operands.length);
    return undefined;
  }

  private reportCount(op: Token, forms: readonly Form[], count: number): void {
    const syntax = (f: Form) => (f.args.length === 0 ? 'no operands' : f.args.map((a) => ARG_NAMES[a] ?? a).join(', '));
    const distinct = [...new Set(forms.map(syntax))];
    const n = forms[0]!.args.length;
    const expected = distinct.length === 1
      ? (n === 0 ? 'no operands' : `${n} operand${n === 1 ? '' : 's'} (${distinct[0]})`)
      : `one of: ${distinct.join(' | ')}`;
    const end = this.stmtAt;
    this.sink.report('operand-count', { line: op.line, column: op.column, endColumn: Math.max(op.endColumn, end.endColumn) }, { name: op.text, expected, count, plural: count === 1 ? '' : 's' });
  }
}

/**
 * Under RVC every branch, and `j`, is sized by relaxation (GNU's RELAX_BRANCH frags):
 * 2, 4, 6 or 8 bytes as the distance allows. Other jumps and calls keep their size.
 */
function relaxable(name: string, form: Form, ops: MachineOp[]): InstructionItem['relax'] {
  const op = ops[0];
  if (ops.length !== 1 || !op || typeof op.imm !== 'object') return undefined;
  if (op.ins.name === 'jal' && name === 'j' && form.args.join(',') === 'a') return { kind: 'jump', rvc: true, op, target: op.imm, length: 2 };
  if (op.ins.size === 4 && op.ins.format === 'B') {
    const rvc = branchHasCompressedForm(name, op);
    return { kind: 'branch', rvc, op, target: op.imm, length: rvc ? 2 : 4 };
  }
  return undefined;
}

function hasSymbol(e: Expr): boolean {
  return e.k === 'sym' || e.k === 'dot' || (e.k === 'un' && hasSymbol(e.e)) || (e.k === 'bin' && (hasSymbol(e.l) || hasSymbol(e.r)));
}

/** A user-facing name for a symbol (numeric local labels lose their instance suffix). */
export function displayName(name: string): string {
  const i = name.indexOf(LOCAL_SEP);
  return i < 0 ? name : name.slice(0, i);
}

function exprText(e: Expr): string {
  switch (e.k) {
    case 'num': return String(e.v);
    case 'sym': return displayName(e.name);
    case 'dot': return '.';
    case 'un': return e.op + exprText(e.e);
    case 'bin': return `${exprText(e.l)}${e.op}${exprText(e.r)}`;
  }
}
