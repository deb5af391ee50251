// The translation cache: compiled blocks by physical page, then by offset in the page.
//
// A block is found from the virtual pc in two steps: the pc's page is translated to a
// physical page once per page change (the RAM window, or Memory.fetchPage through the TLB
// or a process's page table), then the block sits in that page's slot for the offset.
// Each block also records the virtual pc it was compiled at (pc-relative constants) and
// how it reaches memory (its flavour), so a page mapped at two addresses, or run both with
// and without the MMU, simply gets a block per use.
//
// Staleness, by where the page lives:
// - RAM pages (the bare machine, a VM's guest RAM, and Sv32 pages backed by them): bit 2 of
//   the RAM's dirty byte for the page (memory.ts) says "translated and unchanged since".
//   Every writer sets the byte to 1 (the interpreter, Ram.write, loaders, devices, the
//   MMU's walker), which clears the bit, so the next dispatch there looks at the page: if
//   every translated word is still what it was translated from (a copy is kept), the bit
//   is set again and the blocks stay; else they are dropped. (A program whose data shares
//   a page with its code, stored by interpreted code, otherwise recompiles the page's
//   regions again and again.) Translated stores keep code and data on one page apart: a
//   store that misses every translated byte keeps the bit (codeStore).
// - Other pages (a process's frames): no write barrier, so each block compares the words
//   it was decoded from before it runs (EXIT_STALE when they differ).
// fence.i drops everything (the spec's way to say code changed; stores are already seen).

import type { BlockFunction } from './code-generator.ts';

/**
 * One block: where it starts (virtual pc, int32), its steps, its function once compiled.
 * A block is interpreted the first times it runs (code that runs once, like start-up,
 * is not worth compiling) and compiled when it gets hot.
 */
export interface Block {
  readonly pc: number;
  /** Instructions in one pass; 0 when the first instruction is not translated. */
  len: number;
  fn: BlockFunction | null;
  /** Where in fn's region this block starts (0: fn was compiled for it). */
  entry: number;
  /** No back end may compile it here (JavaScript forbidden, not a WebAssembly RAM): interpret it. */
  refused?: boolean;
}

const PAGE = 4096;
/** Granularity of the "translated bytes" map of a page. */
const LINE_SHIFT = 4;

export class CodePage {
  /** Blocks of the RAM flavour and of the paged flavour, by (offset >> 1). */
  ramSlots: Array<Block | undefined> = [];
  pagedSlots: Array<Block | undefined> = [];
  /** Which 16-byte lines hold translated instructions. */
  readonly lines = new Uint8Array(PAGE >> LINE_SHIFT);
  /** The words of those lines as they were translated (made on first use). */
  private saved: Int32Array | null = null;
  blocks = 0;
  /**
   * Runs of the block at each offset, kept across flushes: a block whose first runs
   * (interpreted) store into its own page would otherwise never get hot.
   */
  readonly heat = new Uint8Array(PAGE >> 1);
  /** The translator generation this page's blocks belong to (fence.i moves it). */
  generation = 0;

  constructor(
    /** The page as words (for decoding). */
    readonly words: Int32Array,
    /** Index of the page in its RAM (dirty bit 2 is its barrier), or -1. */
    readonly ramIndex: number,
  ) {}

  /** Records a block covering [off, off + bytes) of the page. */
  add(block: Block, off: number, bytes: number, paged: boolean): void {
    (paged ? this.pagedSlots : this.ramSlots)[off >> 1] = block;
    if (block.len === 0) return;
    this.blocks++;
    this.mark(off, bytes);
  }

  /** Records that [off, off + bytes) of the page holds translated code, as it is now. */
  mark(off: number, bytes: number): void {
    const saved = this.saved ??= new Int32Array(PAGE >> 2);
    const perLine = (1 << LINE_SHIFT) >> 2;
    for (let l = off >> LINE_SHIFT; l <= (off + bytes - 1) >> LINE_SHIFT && l < this.lines.length; l++) {
      this.lines[l] = 1;
      saved.set(this.words.subarray(l * perLine, (l + 1) * perLine), l * perLine);
    }
  }

  /** Is every translated word of the page still what it was translated from? */
  unchanged(): boolean {
    const saved = this.saved;
    if (saved === null) return true;
    const words = this.words;
    const perLine = (1 << LINE_SHIFT) >> 2;
    for (let l = 0; l < this.lines.length; l++) {
      if (this.lines[l] === 0) continue;
      for (let i = l * perLine; i < (l + 1) * perLine; i++) if (words[i] !== saved[i]) return false;
    }
    return true;
  }

  /** Does [off, off + width) of the page overlap translated code? */
  covers(off: number, width: number): boolean {
    const lo = Math.max(0, off);
    const hi = Math.min(PAGE, off + width) - 1;
    for (let l = lo >> LINE_SHIFT; l <= hi >> LINE_SHIFT; l++) if (this.lines[l]) return true;
    return false;
  }

  /** Forgets every block (the page changed). Returns how many translated blocks it held. */
  flush(): number {
    const n = this.blocks;
    this.ramSlots = [];
    this.pagedSlots = [];
    this.lines.fill(0);
    this.blocks = 0;
    return n;
  }
}

/**
 * The code pages of the hart's RAM and of frames outside any RAM. A hart has one RAM (a
 * new one, after `cpu.memory = other`, replaces it); frames are many and come and go, so
 * they are held weakly (made on first use: weak maps cost the garbage collector).
 */
export class BlockCache {
  private ram: Uint8Array | null = null;
  private ramPages: Array<CodePage | undefined> = [];
  private framePages: WeakMap<ArrayBufferLike, Map<number, CodePage>> | null = null;

  /** The code pages of a RAM, by page index. */
  pagesOf(ram: Uint8Array): Array<CodePage | undefined> {
    if (this.ram !== ram) {
      this.ram = ram;
      this.ramPages = [];
    }
    return this.ramPages;
  }

  /** The RAM code page `index`, made on first use. */
  ramPage(ram: Uint8Array, index: number): CodePage {
    const pages = this.pagesOf(ram);
    let page = pages[index];
    if (page === undefined) {
      page = new CodePage(new Int32Array(ram.buffer, ram.byteOffset + index * PAGE, PAGE >> 2), index);
      pages[index] = page;
    }
    return page;
  }

  /** The code page of a frame outside RAM, by the words view of it. */
  framePage(words: Int32Array): CodePage {
    this.framePages ??= new WeakMap();
    let byOffset = this.framePages.get(words.buffer);
    if (byOffset === undefined) {
      byOffset = new Map();
      this.framePages.set(words.buffer, byOffset);
    }
    let page = byOffset.get(words.byteOffset);
    if (page === undefined) {
      page = new CodePage(words, -1);
      byOffset.set(words.byteOffset, page);
    }
    return page;
  }

  /** The frame page a data view aliases, if any code was translated from it. */
  frameWithCode(bytes: Uint8Array): CodePage | undefined {
    const page = this.framePages?.get(bytes.buffer)?.get(bytes.byteOffset);
    return page !== undefined && page.blocks > 0 ? page : undefined;
  }
}
