// Symbols: labels (a section and an offset into it) and assigned values (.equ/.set/=),
// which may be expressions over symbols defined later.

import type { SourceSpan } from './diagnostics-catalogue.ts';
import type { Expr, Value } from './expression.ts';

export interface SymbolEntry {
  name: string;
  /** Section-relative label, absolute constant, or still an expression. */
  value?: Value;
  expr?: Expr;
  /** Where the expression is evaluated ('.' in it), for deferred assignments. */
  dot?: Value;
  definedAt: SourceSpan;
  isLabel: boolean;
  global: boolean;
  type?: 'function' | 'object';
  size?: Expr;
  /** Items its section held when it was defined: it comes after exactly those (relaxation.ts). */
  order?: number;
}

export class SymbolTable {
  readonly entries = new Map<string, SymbolEntry>();
  /** Names only declared (.globl before definition), with where. */
  readonly declared = new Map<string, SourceSpan>();

  get(name: string): SymbolEntry | undefined {
    return this.entries.get(name);
  }

  define(entry: SymbolEntry): void {
    const prev = this.entries.get(entry.name) ?? this.takePending(entry.name);
    this.entries.set(entry.name, { ...entry, global: entry.global || (prev?.global ?? false) || this.declared.has(entry.name), type: prev?.type, size: prev?.size });
  }

  declareGlobal(name: string, at: SourceSpan): void {
    const e = this.entries.get(name) ?? this.pending.get(name);
    if (e) e.global = true;
    else this.declared.set(name, at);
  }

  setType(name: string, type: 'function' | 'object', at: SourceSpan): void {
    const e = this.entries.get(name) ?? this.pending.get(name) ?? this.placeholder(name, at);
    e.type = type;
  }

  setSize(name: string, size: Expr, at: SourceSpan): void {
    const e = this.entries.get(name) ?? this.pending.get(name) ?? this.placeholder(name, at);
    e.size = size;
  }

  /** .type/.size may come before the label; keep the attributes until it is defined. */
  private placeholder(name: string, at: SourceSpan): SymbolEntry {
    const e: SymbolEntry = { name, definedAt: at, isLabel: false, global: this.declared.has(name) };
    this.pending.set(name, e);
    return e;
  }

  readonly pending = new Map<string, SymbolEntry>();

  /** Attributes set before definition, merged at definition time. */
  takePending(name: string): SymbolEntry | undefined {
    const p = this.pending.get(name);
    this.pending.delete(name);
    return p;
  }
}
