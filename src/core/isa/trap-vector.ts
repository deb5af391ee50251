// Where a trap handler starts (RISC-V privileged spec 3.1.7: mtvec, and stvec and vstvec
// alike): the vector base, plus 4 × cause for interrupts in vectored mode.

/** 3.1.7: xtvec's base, plus 4 × cause for interrupts in vectored mode. */
export function vectorAddress(tvec: number, cause: number, interrupt: boolean): number {
  const base = (tvec & ~3) >>> 0;
  return ((tvec & 1) === 1 && interrupt ? base + 4 * cause : base) >>> 0;
}
