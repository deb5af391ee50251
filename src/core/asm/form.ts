// What an instruction form is: one accepted way of writing an instruction (a mnemonic and
// its operand syntax) and how it expands to machine operations. instruction-forms.ts lists
// the base ones, compressed-forms.ts the C extension's `c.*` ones.

import type { CompressedInstruction } from './compressed-instructions.ts';
import type { AsmDiagnosticCode, DiagnosticParams, SourceSpan } from './diagnostics-catalogue.ts';
import type { Expr } from './expression.ts';
import type { BaseInstruction } from './instruction-set.ts';
import type { Args, Imm } from './operands.ts';

export interface MachineOp {
  ins: BaseInstruction | CompressedInstruction;
  rd?: number;
  rs1?: number;
  rs2?: number;
  imm?: Imm | number;
  csr?: Imm | number;
}

/** What an expansion may ask of the assembler while it runs (in the layout pass). */
export interface ExpandContext {
  /** The value of li's constant now, or undefined (an error has been reported). */
  liConstant(e: Expr, at: SourceSpan): bigint | undefined;
  /** The value of an immediate now if it is a plain constant (no symbols, no %hi/%lo). */
  constantImm(imm: Imm | number | undefined): number | undefined;
  report(code: AsmDiagnosticCode, at: SourceSpan, params: DiagnosticParams): void;
}

export interface Form {
  name: string;
  args: string[];
  expand(a: Args, ctx: ExpandContext): MachineOp[];
  /** A compressed (C extension) form: only under `.option rvc`. */
  rvc?: boolean;
}

/** Bytes an operation takes: 2 for a compressed instruction, else 4. */
export const opSize = (op: MachineOp): number => op.ins.size;
