// The seam between the CPU and whatever memory it runs on.
//
// The CPU reads and writes one contiguous RAM window directly (typed arrays, no calls),
// which keeps bare-metal code fast. Every other address goes through the slow path
// methods, which a bus (bare machine), a hypervisor's guest memory or a process address
// space implements. A slow path returns a negative MemoryFault code instead of throwing,
// and the CPU turns it into the spec's exception for that access (3.1.15).

import type { WasmMemory } from './wasm-api.ts';

/** Slow-path failures. The CPU maps them to access, page or misaligned exceptions. */
export const MemoryFault = {
  /** Nothing there or not allowed: instruction/load/store access fault. */
  Access: -1,
  /** A paged address space has no valid mapping: instruction/load/store page fault. */
  Page: -2,
  /** The target refuses this alignment: address-misaligned exception. */
  Misaligned: -3,
  /** H extension: the G-stage has no valid mapping for the guest-physical address. */
  GuestPage: -4,
} as const;

/** Page size of dirty tracking (the same as Sv32 pages). */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Where a RAM's parts sit in its WebAssembly memory (wasm-ram.ts). */
export interface WasmRam {
  readonly memory: WasmMemory;
  /** Memory pages (the import's minimum). */
  readonly pages: number;
  /** Byte offset of the dirty bytes (the guest's bytes are at 0). */
  readonly dirty: number;
  /** Byte offset of the area a region and the translator share (a multiple of 64). */
  readonly area: number;
  /** The area as int32s: registers 0..31, then wasm-ram.ts's AREA_* slots. */
  readonly slots: Int32Array;
}

/** A contiguous RAM range the CPU accesses directly. */
export interface RamWindow {
  /** Guest physical address of bytes[0]; a multiple of PAGE_SIZE. */
  readonly base: number;
  /** The RAM; its byteOffset must be a multiple of 4 and its length of PAGE_SIZE. */
  readonly bytes: Uint8Array;
  /**
   * One byte per page, set to 1 by every store into that page (dirty-page tracking, bit 0).
   * Writers always store the value 1: that also clears bit 1 (value 2), which the
   * translator sets on pages it compiled code from, so any write tells it the code may
   * have changed (block-cache.ts). Readers of dirtiness look at bit 0 only.
   */
  readonly dirty: Uint8Array;
  /** Set when bytes and dirty live in a WebAssembly memory (the wasm back end needs it). */
  readonly wasm?: WasmRam | null;
}

export type AccessWidth = 1 | 2 | 4;

export interface Memory {
  /** The fast path, or null when every access must go through the methods below. */
  readonly ram: RamWindow | null;
  /** Zero-extended value (0 ≤ v < 2^32), or a negative MemoryFault. */
  load(addr: number, width: AccessWidth): number;
  /** 0, or a negative MemoryFault. `value` holds the low `width` bytes to store. */
  store(addr: number, width: AccessWidth, value: number): number;
  /** An instruction word at a 4-byte aligned address, zero-extended, or a negative MemoryFault. */
  fetch(addr: number): number;
  /**
   * Optional instruction-fetch fast path for memories without a RAM window (a process's
   * paged address space): the words of page `vpn` if it is mapped executable, as an
   * Int32Array aliasing the page (so stores to a writable+executable page are seen), or
   * null to use fetch(). Only fetches use it: loads and stores keep their checks, so
   * shared code stays write-protected. A view stays valid while fetchEpoch is unchanged.
   */
  fetchPage?(vpn: number): Int32Array | null;
  /**
   * Optional data fast path, the same idea for loads (write = false) and stores (true):
   * the bytes of page `vpn` if every such access to it is allowed now, else null, and the
   * access takes load()/store() with their checks and faults. A page is offered for
   * stores only once it is private (copy-on-write already broken), never read-only code.
   */
  dataPage?(vpn: number, write: boolean): Uint8Array | null;
  /** Changes whenever a view returned by fetchPage or dataPage may be stale (a mapping changed). */
  readonly fetchEpoch?: number;
  /**
   * Slow-path loads and stores have no side effects beyond memory (no devices, no
   * interrupt lines), so the CPU need not end its chunk after one.
   */
  readonly sideEffectFree?: boolean;
}
