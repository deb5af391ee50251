// Resolving the fields that depend on addresses, what a linker's relocations do:
// %hi/%lo of absolute addresses, %pcrel_hi/%pcrel_lo pairs, branch and jump offsets.
// (RISC-V psABI, "Relocations": R_RISCV_HI20, LO12_I/S, PCREL_HI20, PCREL_LO12_I/S,
// BRANCH, JAL.) The low part of a pc-relative pair is relative to the auipc's address.

import type { DiagnosticSink } from './diagnostics-catalogue.ts';
import { evaluate, ExprError, UndefinedSymbol, type Expr, type Value } from './expression.ts';
import { displayName, LOCAL_SEP } from './layout.ts';
import type { Imm } from './operands.ts';

/** Final absolute values of symbols. */
export type FinalLookup = (name: string) => bigint | undefined;

export const hi20 = (v: number): number => ((v + 0x800) >>> 12) & 0xfffff;
export const lo12 = (v: number): number => ((v & 0xfff) ^ 0x800) - 0x800;

export class Resolver {
  /** auipc address -> the address its %pcrel_hi points at, for %pcrel_lo(label). */
  readonly pcrelHi = new Map<number, number>();

  constructor(private readonly symbols: FinalLookup, readonly sink: DiagnosticSink) {}

  /** Evaluate at a final address; reports and returns undefined on failure. */
  value(e: Expr, dot: number, quiet = false): bigint | undefined {
    const lookup = (name: string): Value | undefined => {
      const v = this.symbols(name);
      return v === undefined ? undefined : { v };
    };
    try {
      return evaluate(e, lookup, { v: BigInt(dot) }).v;
    } catch (err) {
      if (quiet) return undefined;
      if (err instanceof UndefinedSymbol) this.undefinedSymbol(err);
      else if (err instanceof ExprError) this.sink.report(err.detail === 'division by zero' ? 'division-by-zero' : 'bad-expression', err.at, { detail: err.detail });
      else throw err;
      return undefined;
    }
  }

  private undefinedSymbol(err: UndefinedSymbol): void {
    const i = err.symbol.indexOf(LOCAL_SEP);
    if (i < 0) { this.sink.report('undefined-symbol', err.at, { name: err.symbol }); return; }
    const instance = Number(err.symbol.slice(i + 1));
    this.sink.report('missing-local-label', err.at, { name: displayName(err.symbol), direction: instance === 0 ? 'previous' : 'following' });
  }

  /** Record where each %pcrel_hi points before any %pcrel_lo needs it. */
  notePcrelHi(imm: Imm, pc: number): void {
    if (imm.mode !== 'pcrel_hi') return;
    const v = this.value(imm.expr, pc, true);
    if (v !== undefined) this.pcrelHi.set(pc, Number(BigInt.asUintN(32, v)));
  }

  /** The field value for an immediate at address pc, or undefined after reporting. */
  field(imm: Imm, pc: number, mnemonic: string): number | undefined {
    const raw = this.value(imm.expr, pc);
    if (raw === undefined) return undefined;
    const v32 = Number(BigInt.asUintN(32, raw));
    switch (imm.mode) {
      case 'value': return this.ranged(imm, raw, mnemonic);
      case 'hi': return hi20(v32);
      case 'lo': return lo12(v32);
      case 'pcrel_hi': return hi20((v32 - pc) | 0);
      case 'pcrel_lo_pair': return lo12((v32 - (pc - imm.hiDelta!)) | 0);
      case 'pcrel_lo': return this.pcrelLo(imm, v32);
      case 'branch': return this.offset(imm, v32, pc, mnemonic, 4096);
      case 'jump': return this.offset(imm, v32, pc, mnemonic, 1 << 20);
      case 'cbranch': return this.offset(imm, v32, pc, mnemonic, 256); // c.beqz/c.bnez: ±256 B
      case 'cjump': return this.offset(imm, v32, pc, mnemonic, 2048); // c.j/c.jal: ±2 KiB
    }
  }

  private ranged(imm: Imm, v: bigint, mnemonic: string): number | undefined {
    if (imm.min !== undefined && imm.max !== undefined && (v < BigInt(imm.min) || v > BigInt(imm.max))) {
      if (imm.max === 4095 && imm.min === 0) this.sink.report('csr-range', imm.at, { value: v });
      else this.sink.report('immediate-range', imm.at, { value: v, name: mnemonic, min: imm.min, max: imm.max });
      return undefined;
    }
    return Number(BigInt.asIntN(32, v));
  }

  private pcrelLo(imm: Imm, label: number): number | undefined {
    const target = this.pcrelHi.get(label);
    if (target === undefined) {
      this.sink.report('pcrel-lo-without-hi', imm.at, { name: exprName(imm.expr) });
      return undefined;
    }
    return lo12((target - label) | 0);
  }

  /** Branch (±4 KiB), jal (±1 MiB) and compressed (±256 B, ±2 KiB) offsets: even and in range. */
  private offset(imm: Imm, target: number, pc: number, mnemonic: string, reach: number): number | undefined {
    const d = (target - pc) | 0;
    if (d % 2 !== 0) { this.sink.report('misaligned-target', imm.at, { name: mnemonic, value: d }); return undefined; }
    if (d < -reach || d > reach - 2) {
      this.sink.report('branch-range', imm.at, { name: mnemonic, value: d, min: -reach, max: reach - 2 });
      return undefined;
    }
    return d;
  }
}

function exprName(e: Expr): string {
  return e.k === 'sym' ? displayName(e.name) : '...';
}
