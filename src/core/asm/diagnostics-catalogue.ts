// The one catalogue of assembler diagnostics. Each entry is a stable code (lessons and the
// editor link to it) and a message template whose {placeholders} the reporter fills in.
// Adding a diagnostic means adding a line here; nothing else spells out message text.

import type { Diagnostic, Severity } from '../diagnostic.ts';

export const ASM_DIAGNOSTICS = {
  'bad-character': 'unexpected character {text}',
  'bad-number': "malformed number '{text}'",
  'bad-escape': "unknown escape sequence '\\{text}' in string",
  'unterminated-string': 'unterminated string',
  'unterminated-comment': 'unterminated comment',
  syntax: 'syntax error: {detail}',
  'unknown-mnemonic': "unknown instruction '{name}'{hint}",
  'unknown-directive': "unknown directive '{name}'{hint}",
  'operand-count': "'{name}' expects {expected}, got {count} operand{plural}",
  'bad-register': "'{text}' is not a register name{hint}",
  'expected-register': "operand {index} of '{name}' must be a register, got '{text}'",
  'unexpected-register': "operand {index} of '{name}' must be {kind}, not the register '{text}'",
  'bad-operand': "operand {index} of '{name}' must be {kind}, got '{text}'",
  'immediate-range': "immediate {value} out of range for '{name}': expected {min}..{max}",
  'branch-range': "target of '{name}' out of range: offset {value} is not in {min}..{max}",
  'misaligned-target': "target of '{name}' is at odd offset {value}: must be a multiple of 2",
  'undefined-symbol': "undefined symbol '{name}'",
  'duplicate-label': "symbol '{name}' is already defined (at line {line})",
  'not-constant': '{what} must be a constant expression{detail}',
  'li-not-constant': "'li' needs a constant, but '{text}' is an address: use 'la' to load an address",
  'unknown-csr': "unknown CSR '{name}'{hint}",
  'csr-range': 'CSR number {value} out of range: expected 0..4095',
  'bad-fence-set': "bad fence set '{text}': use a combination of the letters i, o, r, w",
  'bad-relocation': "'%{fn}' cannot be used here: {detail}",
  'pcrel-lo-without-hi': "'%pcrel_lo({name})' needs a label on an 'auipc' with '%pcrel_hi'",
  'missing-local-label': "no {direction} definition of local label '{name}'",
  'unknown-section': "unknown section '{name}': expected .text, .data, .rodata, .bss (or a .name suffix of them)",
  'data-in-bss': "'{name}' puts non-zero bytes in .bss, which holds only zeros",
  'bad-alignment': 'alignment {value} out of range: {detail}',
  'division-by-zero': 'division by zero in expression',
  'bad-expression': 'cannot compute {detail}',
  'source-too-large': 'the source is {size} characters; the assembler takes at most {cap}',
  'address-overflow': "section '{name}' ends at {end}, past the top of the 32-bit address space (is the text base too high?)",
  'value-truncated': 'value {value} does not fit in {bits} bits; truncated',
  'bad-directive-operand': "'{name}' expects {expected}",
  'bad-option': "unknown .option '{text}'",
  'pic-ignored': "'la' under '.option pic' still computes the address pc-relatively (like 'lla'): there is no GOT here",
  'needs-rvc': "'{name}' is a compressed instruction (C extension): enable it with '.option rvc' or assemble with --march=rv32imac",
  'rvc-register': "operand {index} of '{name}' must be one of s0, s1, a0-a5 (x8-x15), got '{text}'",
  'rvc-sp': "operand {index} of '{name}' must be sp, got '{text}'",
  'rvc-not-sp': "operand {index} of '{name}' cannot be sp (that encoding is c.addi16sp)",
  'rvc-zero-register': "operand {index} of '{name}' cannot be zero (x0)",
  'rvc-immediate': "immediate {value} out of range for '{name}': expected {expected}",
  'internal-error': 'internal assembler error: {detail} (please report this with the source)',
  'unbalanced-option-pop': '.option pop without a matching .option push',
  'include-missing': "cannot find the file '{name}' to include",
  'include-loop': "'{name}' is already being included ({chain})",
} as const;

export type AsmDiagnosticCode = keyof typeof ASM_DIAGNOSTICS;

export type DiagnosticParams = Record<string, string | number | bigint>;

export function formatMessage(code: AsmDiagnosticCode, params: DiagnosticParams): string {
  return ASM_DIAGNOSTICS[code].replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

/** Where in the source a diagnostic points: 1-based line, column and exclusive end column. */
export interface SourceSpan {
  line: number;
  column: number;
  endColumn: number;
  /** The file it is in, when not the one being assembled (an `.include`d file). */
  file?: string;
}

/** Collects diagnostics for one source file; the phases report into it and carry on. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  /** While laying out an `.include`d file's statement: that file (for spans that do not say). */
  current: string | undefined;
  constructor(readonly file: string) {}

  report(code: AsmDiagnosticCode, at: SourceSpan, params: DiagnosticParams = {}, severity: Severity = 'error'): void {
    this.list.push({
      file: at.file ?? this.current ?? this.file,
      line: at.line,
      column: at.column,
      endColumn: Math.max(at.endColumn, at.column + 1),
      severity,
      code,
      message: formatMessage(code, params),
    });
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}
