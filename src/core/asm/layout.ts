// Phase 3 — resolve and lay out: walk the statements in order, keep a location counter
// per section, define labels, pick the instruction form that fits the operands, and
// reserve the bytes of every instruction and datum. Sizes are all known here (li's
// constant must be, as in GNU as), so after this pass every label has its final offset
// and only the values that depend on symbols remain to be filled in (see assembler.ts).

import type { DiagnosticSink, SourceSpan } from './diagnostics-catalogue.ts';
import { didYouMean } from './edit-distance.ts';
import { evaluate, ExprError, parseExpr as parseExprOrThrow, UndefinedSymbol, type Expr, type Value } from './expression.ts';
import { FORMS_BY_NAME, MNEMONICS, type ExpandContext, type Form, type MachineOp } from './instruction-forms.ts';
import type { Token } from './lexer.ts';
import { OperandError, readOperand, ARG_NAMES, type Args } from './operands.ts';
import { spanOf, type Statement } from './parser.ts';
import { Section, type SectionName } from './section.ts';
import { SymbolTable } from './symbol-table.ts';
import { emitCodePadding, runDirective, type Layout as DirectiveContext } from './directives.ts';

/** Separates a numeric local label from its instance number in generated symbol names. */
export const LOCAL_SEP = '\u0002';

export interface LineRecord {
  /** Input section name. */
  section: string;
  offset: number;
  line: number;
  column: number;
}

export class Layout implements ExpandContext, DirectiveContext {
  /** Input sections in the order GNU as creates them (.text, .data, .bss first). */
  readonly sections = new Map<string, Section>();
  readonly symbols = new SymbolTable();
  readonly lines: LineRecord[] = [];
  /** undefined while in a section whose contents are discarded (.comment, .note...). */
  current: Section | undefined;
  /** `.option rvc` state, saved and restored by `.option push`/`pop`. */
  rvc = false;
  /** `.option pic`: GNU would load `la` addresses from a GOT; we have no dynamic linking. */
  pic = false;
  readonly optionStack: { rvc: boolean; pic: boolean }[] = [];
  private rvcWarned = false;
  private readonly localCounts = new Map<string, number>();
  private readonly deferredLi: { name: string; at: SourceSpan; text: string }[] = [];
  private stmtAt: SourceSpan = { line: 1, column: 1, endColumn: 2 };
  ended = false;

  constructor(readonly sink: DiagnosticSink) {
    this.section('.data', '.data');
    this.section('.bss', '.bss');
    this.current = this.section('.text', '.text');
  }

  section(name: string, output: SectionName): Section {
    let s = this.sections.get(name);
    if (!s) { s = new Section(name, output); this.sections.set(name, s); }
    return s;
  }

  run(stmts: Statement[]): void {
    for (const st of stmts) {
      if (this.ended) break;
      this.statement(st);
    }
    this.finishDeferred();
    this.padSectionEnds();
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
    this.symbols.define({ name, value: this.here(), definedAt: at, isLabel: true, global: false });
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
    this.symbols.define({ name, value, expr: value ? undefined : expr, dot, definedAt: at, isLabel: false, global: false });
  }

  /** Evaluate with the symbols known so far; throws UndefinedSymbol/ExprError. */
  evaluateNow(e: Expr, dot: Value = this.here()): Value {
    const visiting = new Set<string>();
    const lookup = (name: string): Value | undefined => {
      const s = this.symbols.get(name);
      if (!s) return undefined;
      if (s.value) return s.value;
      if (!s.expr || visiting.has(name)) return undefined;
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
    const chosen = this.match(op, forms, operands);
    if (!chosen) return;
    if (this.pic && op.text === 'la') this.sink.report('pic-ignored', op, {}, 'warning');
    const ops = chosen.form.expand(chosen.args, this);
    this.place(op, ops);
  }

  private place(op: Token, ops: MachineOp[]): void {
    const sec = this.current;
    if (!sec) return;
    if (this.rvc && !this.rvcWarned) {
      this.rvcWarned = true;
      this.sink.report('rvc-ignored', op, {}, 'warning');
    }
    if (sec.output === '.bss') {
      this.sink.report('data-in-bss', op, { name: op.text });
      return;
    }
    const offset = sec.offset;
    for (let i = 0; i < ops.length; i++) this.lines.push({ section: sec.name, offset: offset + 4 * i, line: op.line, column: op.column });
    sec.items.push({ kind: 'instruction', offset, ops, mnemonic: op.text, at: op });
    sec.emit(new Array(4 * ops.length).fill(0));
  }

  /** Try each form with this operand count; on failure report the most specific error. */
  private match(op: Token, forms: readonly Form[], operands: Token[][]): { form: Form; args: Args } | undefined {
    let best: { err: OperandError; index: number } | undefined;
    for (const form of forms) {
      if (form.args.length !== operands.length) continue;
      const args: Args = {};
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
