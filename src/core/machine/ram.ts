// Guest RAM with dirty-page tracking.
//
// One ArrayBuffer backs the whole RAM so the CPU's fast path is a single bounds check.
// Engines reserve large zeroed buffers lazily (the OS maps pages on first write), so
// untouched RAM costs address space, not memory. The CPU sets a byte in `dirty` to 1 for
// every page it stores to (bit 0; bit 1 is the translator's, memory.ts); snapshots and
// live migration read and clear bit 0, and
// `touched` keeps every page ever written so a snapshot holds only those.
// Where WebAssembly can be compiled, the bytes and the dirty bytes are views of one
// WebAssembly memory (isa/wasm-ram.ts), so the translator's WebAssembly back end reaches
// them directly; nothing else can tell.

import { PAGE_SHIFT, PAGE_SIZE, type AccessWidth, type RamWindow, type WasmRam } from '../isa/memory.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { newWasmRam } from '../isa/wasm-ram.ts';

export const RAM_BASE = 0x8000_0000;
export const DEFAULT_RAM_SIZE = 128 * 1024 * 1024;
export const RAM_STATE_VERSION = 1;

export interface RamState {
  kind: 'ram';
  version: number;
  size: number;
  /** Every page ever written, as [page index, page bytes]. */
  pages: Array<[number, Uint8Array]>;
}

export class Ram implements RamWindow {
  readonly bytes: Uint8Array;
  readonly dirty: Uint8Array;
  readonly wasm: WasmRam | null;
  private readonly touched: Uint8Array;

  constructor(readonly base: number = RAM_BASE, size: number = DEFAULT_RAM_SIZE) {
    if (!(size > 0) || size % PAGE_SIZE !== 0) {
      throw new RangeError(`RAM size must be a positive multiple of ${PAGE_SIZE} bytes, got ${size}`);
    }
    this.wasm = newWasmRam(size);
    if (this.wasm !== null) {
      this.bytes = new Uint8Array(this.wasm.memory.buffer, 0, size);
      this.dirty = new Uint8Array(this.wasm.memory.buffer, this.wasm.dirty, size >>> PAGE_SHIFT);
    } else {
      this.bytes = new Uint8Array(size);
      this.dirty = new Uint8Array(size >>> PAGE_SHIFT);
    }
    this.touched = new Uint8Array(size >>> PAGE_SHIFT);
  }

  get size(): number {
    return this.bytes.byteLength;
  }

  contains(addr: number, length: number): boolean {
    const off = addr - this.base;
    return off >= 0 && off + length <= this.size;
  }

  /** Copies bytes in from the host (loader, debugger), marking the pages dirty. */
  write(addr: number, data: Uint8Array): void {
    const off = addr - this.base;
    this.bytes.set(data, off);
    if (data.length > 0) this.dirty.fill(1, off >>> PAGE_SHIFT, ((off + data.length - 1) >>> PAGE_SHIFT) + 1);
  }

  read(addr: number, length: number): Uint8Array {
    const off = addr - this.base;
    return this.bytes.slice(off, off + length);
  }

  /** A little-endian load of `width` bytes, zero-extended: the buses' path past the CPU's. */
  load(addr: number, width: AccessWidth): number {
    const off = addr - this.base;
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = (v << 8) | this.bytes[off + i]!;
    return v >>> 0;
  }

  /** A little-endian store of the low `width` bytes of value, marking the page dirty. */
  store(addr: number, width: AccessWidth, value: number): void {
    const bytes = new Uint8Array(width);
    for (let i = 0; i < width; i++) bytes[i] = value >>> (8 * i);
    this.write(addr, bytes);
  }

  /** Page indexes (relative to base) written since the last clearDirty(). */
  dirtyPages(): number[] {
    return indexesOf(this.dirty);
  }

  /** Clears bit 0 only: bit 1 (value 2) is the translator's "code unchanged" mark. */
  clearDirty(): void {
    this.foldDirty();
    const { dirty } = this;
    for (let i = 0; i < dirty.length; i++) dirty[i] &= 2;
  }

  /** How many pages were ever written since reset (touchedPages().length, without the list). */
  touchedCount(): number {
    this.foldDirty();
    let n = 0;
    for (let i = 0; i < this.touched.length; i++) n += this.touched[i]! & 1;
    return n;
  }

  /** Pages ever written since reset: what the guest really uses. */
  touchedPages(): number[] {
    this.foldDirty();
    return indexesOf(this.touched);
  }

  /** Zeroes every page ever written (only those, so untouched RAM stays unmapped). */
  clear(): void {
    for (const page of this.touchedPages()) this.bytes.fill(0, page << PAGE_SHIFT, (page + 1) << PAGE_SHIFT);
    this.touched.fill(0);
    this.dirty.fill(0);
  }

  getState(): RamState {
    const pages: Array<[number, Uint8Array]> = this.touchedPages()
      .map((p) => [p, this.bytes.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT)]);
    return { kind: 'ram', version: RAM_STATE_VERSION, size: this.size, pages };
  }

  setState(state: RamState): void {
    checkStateHeader(state, 'ram', RAM_STATE_VERSION);
    if (state.size !== this.size) {
      throw new RangeError(`saved RAM is ${state.size} bytes, this machine has ${this.size}`);
    }
    this.clear();
    for (const [page, data] of state.pages) {
      this.bytes.set(data, page << PAGE_SHIFT);
      this.touched[page] = 1;
      this.dirty[page] = 1;
    }
  }

  private foldDirty(): void {
    const { dirty, touched } = this;
    for (let i = 0; i < dirty.length; i++) touched[i] |= dirty[i] & 1;
  }
}

function indexesOf(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bitmap.length; i++) if (bitmap[i]! & 1) out.push(i);
  return out;
}
