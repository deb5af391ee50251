// A benchmark section: a named measurement that returns table rows. Other parts of
// Trapdoor (hypervisor exits, kernel syscalls...) add their own sections to bench/index.ts.

export interface BenchContext {
  /** How many times to repeat each measurement; sections report the median. */
  repetitions: number;
  /** Progress and remarks, printed as they come. */
  log(line: string): void;
}

export type BenchRow = Record<string, string | number>;

export interface BenchSection {
  name: string;
  run(context: BenchContext): BenchRow[] | Promise<BenchRow[]>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
