// Phase 2 — parsing: tokens to statements. A statement is any number of labels, then at
// most one operation (instruction, directive or `sym = expr`) whose operands are token
// runs split at top-level commas. What an operand means depends on the operation, so the
// resolver interprets those runs later (a register, an expression, `imm(reg)`...).

import type { DiagnosticSink, SourceSpan } from './diagnostics-catalogue.ts';
import type { Token } from './lexer.ts';

export interface LabelDef {
  name: string;
  /** `1:` style numeric local label. */
  numeric: boolean;
  at: Token;
}

export type Operand = Token[];

export interface Statement {
  labels: LabelDef[];
  /** Mnemonic or directive (with its dot); absent for label-only lines. */
  op?: Token;
  /** `sym = expr` assignment (GNU's synonym for .set). */
  assign?: boolean;
  /** An error was already reported inside the operation; only its labels count. */
  broken?: boolean;
  operands: Operand[];
  line: number;
}

export function parse(tokens: Token[], sink: DiagnosticSink): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'eol') continue;
    const stmt = parseStatement(tokens.slice(start, i), sink);
    if (stmt) out.push(stmt);
    start = i + 1;
  }
  return out;
}

function parseStatement(toks: Token[], sink: DiagnosticSink): Statement | undefined {
  if (toks.length === 0) return undefined;
  const stmt: Statement = { labels: [], operands: [], line: toks[0]!.line };
  if (toks.some((t) => t.kind === 'invalid')) stmt.broken = true;
  let i = 0;
  while (i + 1 < toks.length && isColon(toks[i + 1]!) && (toks[i]!.kind === 'ident' || toks[i]!.kind === 'number')) {
    const t = toks[i]!;
    stmt.labels.push({ name: t.kind === 'number' ? String(t.value) : t.text, numeric: t.kind === 'number', at: t });
    i += 2;
  }
  if (i >= toks.length) return stmt;
  const op = toks[i]!;
  if (op.kind !== 'ident') {
    sink.report('syntax', op, { detail: `expected an instruction, directive or label, found '${op.text}'` });
    return stmt;
  }
  stmt.op = op;
  i++;
  if (toks[i]?.kind === 'punct' && toks[i]!.text === '=') {
    stmt.assign = true;
    i++;
  }
  stmt.operands = splitOperands(toks.slice(i), op, sink);
  const last = stmt.operands[stmt.operands.length - 1];
  if (last && last.length === 0 && stmt.operands.length > 1) stmt.broken = true;
  return stmt;
}

function isColon(t: Token): boolean {
  return t.kind === 'punct' && t.text === ':';
}

/** Split at commas outside parentheses. Empty operands stay (`.p2align 3,,16`); instructions reject them. */
function splitOperands(toks: Token[], op: Token, sink: DiagnosticSink): Operand[] {
  if (toks.length === 0) return [];
  const out: Operand[] = [];
  let depth = 0;
  let cur: Token[] = [];
  let lastComma: SourceSpan = op;
  for (const t of toks) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth = Math.max(0, depth - 1);
    if (t.kind === 'punct' && t.text === ',' && depth === 0) {
      out.push(cur);
      cur = [];
      lastComma = t;
      continue;
    }
    cur.push(t);
  }
  if (cur.length === 0) sink.report('syntax', lastComma, { detail: "missing operand after ','" });
  out.push(cur);
  return out;
}

/** The span covering a run of tokens (for pointing at a whole operand). */
export function spanOf(toks: Token[], fallback: SourceSpan): SourceSpan {
  if (toks.length === 0) return fallback;
  const first = toks[0]!;
  const last = toks[toks.length - 1]!;
  return { line: first.line, column: first.column, endColumn: last.line === first.line ? last.endColumn : first.endColumn };
}

export function textOf(toks: Token[]): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = toks[i - 1];
    if (prev && prev.line === t.line && t.column > prev.endColumn) s += ' ';
    s += t.kind === 'reloc' ? '%' + t.text : t.text;
  }
  return s;
}
