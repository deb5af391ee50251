// Source lines <-> addresses, from the assembler's line table (ProgramImage.lines).
// The editor highlights lineAt(pc); breakpoints set on lines become addressesOf(lines).
import type { LineEntry } from '../core/asm/image.ts';
import type { SourceLine } from './engine-api.ts';

export class LineTable {
  private readonly byAddr: LineEntry[];

  constructor(entries: LineEntry[]) {
    this.byAddr = [...entries].sort((a, b) => a.addr - b.addr);
  }

  /** The line that produced the instruction at addr (exact match: data has no line). */
  lineAt(addr: number): SourceLine | null {
    let lo = 0;
    let hi = this.byAddr.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.byAddr[mid]!;
      if (e.addr === addr) return { file: e.file, line: e.line };
      if (e.addr < addr) lo = mid + 1;
      else hi = mid - 1;
    }
    // A pseudo-instruction's second word (li, la, call) belongs to the line before it.
    const prev = this.byAddr[hi];
    return prev && addr - prev.addr < 8 ? { file: prev.file, line: prev.line } : null;
  }

  /**
   * The first address of each line; a breakpoint on a line with no code (a comment or a
   * label) moves to the next line that has some, as debuggers do.
   */
  addressesOf(lines: SourceLine[]): number[] {
    const out: number[] = [];
    for (const want of lines) {
      let best: LineEntry | undefined;
      for (const e of this.byAddr) {
        if (e.file !== want.file || e.line < want.line) continue;
        if (!best || e.line < best.line || (e.line === best.line && e.addr < best.addr)) best = e;
      }
      if (best) out.push(best.addr);
    }
    return out;
  }
}
