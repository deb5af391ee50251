// One diagnostic shape for every tool that reads learner or author input
// (assembler, lesson files, shell): the UI and the CLI print them the same way.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** 1-based, exclusive; equals column + 1 when the span is unknown. */
  endColumn: number;
  severity: Severity;
  /** Stable identifier from the diagnostics catalogue, e.g. "unknown-mnemonic". */
  code: string;
  message: string;
}

/** `FILE:LINE:COL: error: MESSAGE`, the GNU format editors and the CLI contract use. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}
