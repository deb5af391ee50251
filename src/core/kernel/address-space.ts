// A process's virtual address space: a sparse page table (virtual page number -> frame)
// plus the regions (Linux "VMAs") where a missing page may be created on first touch.
// Pages are allocated lazily, code pages are shared frames, and fork shares private
// pages copy-on-write. The kernel's analogue of satp + Sv32 tables, without the tables.

import { MemoryFault, type AccessWidth, type Memory } from '../isa/memory.ts';
import { Frame, PAGE_SHIFT, PAGE_SIZE, UNLIMITED_MEMORY, type MemoryCharge } from './frame.ts';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export type RegionKind = 'text' | 'data' | 'heap' | 'stack' | 'mmap';

export interface Region {
  start: number;
  /** Exclusive, page-aligned. */
  end: number;
  prot: number;
  kind: RegionKind;
}

interface PageEntry {
  frame: Frame;
  prot: number;
  /** Shared with another space after fork: copy before the first write. */
  cow: boolean;
}

/** A user access that no region allows: the kernel turns it into SIGSEGV. */
export class PageFault {
  constructor(readonly addr: number, readonly access: number) {}
}

/** Thrown when the cgroup cannot pay for a new page: the kernel OOM-kills the process. */
export class OutOfMemory {
  constructor(readonly addr: number) {}
}

const EMPTY_PAGE = new Uint8Array(0);
/** 2^32: the end of the 32-bit address space. */
const USER_LIMIT = 2 ** 32;

/** [addr, addr + length) lies inside the 32-bit address space (no wrap past 2^32). */
export function inUserRange(addr: number, length: number): boolean {
  return Number.isInteger(addr) && addr >= 0 && length >= 0 && addr + length <= USER_LIMIT;
}

export class AddressSpace implements Memory {
  private readonly pages = new Map<number, PageEntry>();
  regions: Region[] = [];
  /** Threads using this space (CLONE_VM): the last one to leave frees it. */
  sharers = 1;
  // One-entry translation caches (a TLB of size one per access type): the hot path.
  private rVpn = -1;
  private rBytes: Uint8Array = EMPTY_PAGE;
  private wVpn = -1;
  private wBytes: Uint8Array = EMPTY_PAGE;
  private xVpn = -1;
  private xBytes: Uint8Array = EMPTY_PAGE;

  constructor(public charge: MemoryCharge = UNLIMITED_MEMORY) {}

  // ---- mapping ------------------------------------------------------------------------

  /** Inserts a region in address order (binary search: no full sort per mmap). */
  addRegion(region: Region): void {
    let lo = 0;
    let hi = this.regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.regions[mid]!.start < region.start) lo = mid + 1;
      else hi = mid;
    }
    this.regions.splice(lo, 0, region);
  }

  /** Does any region overlap [start, end)? */
  overlaps(start: number, end: number): boolean {
    return this.regions.some((r) => r.start < end && r.end > start);
  }

  /** Is every byte of [start, end) inside some region? (regions are sorted and disjoint) */
  covers(start: number, end: number): boolean {
    let at = start;
    for (const r of this.regions) {
      if (r.end <= at) continue;
      if (r.start > at) return false;
      at = r.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  /**
   * The mapped pages in [start, end), by whichever is fewer: the range's pages or the page
   * table's entries, so unmapping or protecting a huge range costs what is mapped.
   */
  private mappedVpns(start: number, end: number): number[] {
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.ceil(end / PAGE_SIZE);
    if (last - first <= this.pages.size) {
      const out: number[] = [];
      for (let vpn = first; vpn < last; vpn++) if (this.pages.has(vpn)) out.push(vpn);
      return out;
    }
    return [...this.pages.keys()].filter((vpn) => vpn >= first && vpn < last);
  }

  findRegion(addr: number): Region | undefined {
    for (const r of this.regions) if (addr >= r.start && addr < r.end) return r;
    return undefined;
  }

  /** Maps a frame at a page (used for shared text and for loading data eagerly). */
  mapFrame(vpn: number, frame: Frame, prot: number): void {
    this.unmapPage(vpn);
    frame.refs++;
    this.pages.set(vpn, { frame, prot, cow: false });
    this.flushTlb();
  }

  /** Removes the pages and regions in [start, end); frees frames nobody else uses. */
  unmap(start: number, end: number): void {
    for (const vpn of this.mappedVpns(start, end)) this.unmapPage(vpn);
    const next: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) next.push(r);
      else {
        if (r.start < start) next.push({ ...r, end: start });
        if (r.end > end) next.push({ ...r, start: end });
      }
    }
    this.regions = next;
    this.flushTlb();
  }

  /**
   * mprotect: new permissions for [start, end), splitting regions at the edges. A shared
   * page (program text) made writable becomes copy-on-write, so a store copies it.
   */
  protect(start: number, end: number, prot: number): boolean {
    if (!this.covers(start, end)) return false;
    const next: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) {
        next.push(r);
        continue;
      }
      if (r.start < start) next.push({ ...r, end: start });
      next.push({ ...r, start: Math.max(r.start, start), end: Math.min(r.end, end), prot });
      if (r.end > end) next.push({ ...r, start: end });
    }
    this.regions = next.sort((a, b) => a.start - b.start);
    for (const vpn of this.mappedVpns(start, end)) {
      const e = this.pages.get(vpn)!;
      e.prot = prot;
      if ((prot & PROT_WRITE) && e.frame.shared) e.cow = true;
    }
    this.flushTlb();
    return true;
  }

  /** A private page with these bytes (a private file mapping); false when the cgroup cannot pay. */
  fillPage(vpn: number, bytes: Uint8Array, prot: number): boolean {
    if (!this.charge.charge(1)) return false;
    this.unmapPage(vpn);
    const frame = new Frame(false);
    frame.bytes.set(bytes.subarray(0, PAGE_SIZE));
    frame.refs = 1;
    this.pages.set(vpn, { frame, prot, cow: false });
    this.flushTlb();
    return true;
  }

  /** Drops every page: exit and execve. */
  clear(): void {
    for (const vpn of [...this.pages.keys()]) this.unmapPage(vpn);
    this.regions = [];
    this.flushTlb();
  }

  private unmapPage(vpn: number): void {
    const e = this.pages.get(vpn);
    if (!e) return;
    this.pages.delete(vpn);
    this.release(e.frame);
  }

  private release(frame: Frame): void {
    frame.refs--;
    if (frame.refs === 0 && !frame.shared) this.charge.uncharge(1);
  }

  /** fork: a child space sharing every private page copy-on-write, text pages shared. */
  fork(charge: MemoryCharge): AddressSpace {
    const child = new AddressSpace(charge);
    child.regions = this.regions.map((r) => ({ ...r }));
    for (const [vpn, e] of this.pages) {
      e.frame.refs++;
      const cow = !e.frame.shared && (e.prot & PROT_WRITE) !== 0;
      e.cow ||= cow;
      child.pages.set(vpn, { frame: e.frame, prot: e.prot, cow: e.cow });
    }
    this.flushTlb();
    return child;
  }

  /** Every mapped page (checkpoints). */
  pageTable(): IterableIterator<[number, { frame: Frame; prot: number; cow: boolean }]> {
    return this.pages.entries();
  }

  /** Maps a page exactly as saved: no reference counting, the checkpoint restores refs. */
  restorePage(vpn: number, frame: Frame, prot: number, cow: boolean): void {
    this.pages.set(vpn, { frame, prot, cow });
    this.flushTlb();
  }

  // ---- accounting ---------------------------------------------------------------------

  /** Pages mapped here whose frame is private to processes (not shared program text). */
  privatePages(): number {
    let n = 0;
    for (const e of this.pages.values()) if (!e.frame.shared) n++;
    return n;
  }

  sharedPages(): number {
    let n = 0;
    for (const e of this.pages.values()) if (e.frame.shared && !e.frame.system) n++;
    return n;
  }

  // ---- translation --------------------------------------------------------------------

  private flushTlb(): void {
    this.fetchEpoch++;
    this.rVpn = this.wVpn = this.xVpn = -1;
    this.rBytes = this.wBytes = this.xBytes = EMPTY_PAGE;
  }

  /**
   * The bytes of the page holding addr for an access, creating a zero page inside a
   * region or copying a copy-on-write page; throws PageFault when no region allows it.
   */
  page(addr: number, access: number): Uint8Array {
    const vpn = addr >>> PAGE_SHIFT;
    let e = this.pages.get(vpn);
    if (!e) e = this.demandPage(addr, access);
    if ((e.prot & access) === 0) throw new PageFault(addr >>> 0, access);
    if (access === PROT_WRITE && e.cow) this.breakCow(vpn, e);
    this.cache(vpn, e.frame.bytes, access);
    return e.frame.bytes;
  }

  private cache(vpn: number, bytes: Uint8Array, access: number): void {
    if (access === PROT_READ) { this.rVpn = vpn; this.rBytes = bytes; }
    else if (access === PROT_WRITE) { this.wVpn = vpn; this.wBytes = bytes; }
    else { this.xVpn = vpn; this.xBytes = bytes; }
  }

  private demandPage(addr: number, access: number): PageEntry {
    const region = this.findRegion(addr >>> 0);
    if (!region || (region.prot & access) === 0) throw new PageFault(addr >>> 0, access);
    if (!this.charge.charge(1)) throw new OutOfMemory(addr >>> 0);
    const frame = new Frame(false);
    frame.refs = 1;
    const e: PageEntry = { frame, prot: region.prot, cow: false };
    this.pages.set(addr >>> PAGE_SHIFT, e);
    return e;
  }

  private breakCow(vpn: number, e: PageEntry): void {
    if (e.frame.refs > 1) {
      if (!this.charge.charge(1)) throw new OutOfMemory(vpn << PAGE_SHIFT);
      const copy = new Frame(false);
      copy.bytes.set(e.frame.bytes);
      copy.refs = 1;
      e.frame.refs--;
      e.frame = copy;
    }
    e.cow = false;
    this.flushTlb();
  }

  // ---- the Memory seam the CPU uses (little-endian; misaligned accesses are performed) --

  /** No direct RAM window: every access is translated through the page table. */
  readonly ram = null;
  /** Set when a page could not be paid for; the kernel OOM-kills after the fault. */
  oomAt: number | null = null;

  load(addr: number, width: AccessWidth): number {
    const off = addr & (PAGE_SIZE - 1);
    const vpn = addr >>> PAGE_SHIFT;
    let b = this.rBytes;
    if (vpn !== this.rVpn) {
      const p = this.translate(addr, PROT_READ);
      if (p === null) return this.lastFault;
      b = p;
    }
    if (width === 4 && off <= PAGE_SIZE - 4) {
      return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
    }
    if (width === 1) return b[off]!;
    if (width === 2 && off <= PAGE_SIZE - 2) return b[off]! | (b[off + 1]! << 8);
    return this.loadStraddling(addr, width);
  }

  private loadStraddling(addr: number, width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++) {
      const byte = this.load((addr + i) >>> 0, 1);
      if (byte < 0) return byte;
      v |= byte << (8 * i);
    }
    return v >>> 0;
  }

  store(addr: number, width: AccessWidth, value: number): number {
    const off = addr & (PAGE_SIZE - 1);
    const vpn = addr >>> PAGE_SHIFT;
    let b = this.wBytes;
    if (vpn !== this.wVpn) {
      const p = this.translate(addr, PROT_WRITE);
      if (p === null) return this.lastFault;
      b = p;
    }
    if (off > PAGE_SIZE - width) return this.storeStraddling(addr, width, value);
    b[off] = value;
    if (width > 1) b[off + 1] = value >>> 8;
    if (width > 2) {
      b[off + 2] = value >>> 16;
      b[off + 3] = value >>> 24;
    }
    return 0;
  }

  private storeStraddling(addr: number, width: number, value: number): number {
    // Check both pages first so a faulting store changes nothing.
    const second = this.translate((addr + width - 1) >>> 0, PROT_WRITE);
    if (second === null) return this.lastFault;
    for (let i = 0; i < width; i++) this.store((addr + i) >>> 0, 1, value >>> (8 * i));
    return 0;
  }

  fetch(addr: number): number {
    const off = addr & (PAGE_SIZE - 1);
    const vpn = addr >>> PAGE_SHIFT;
    let b = this.xBytes;
    if (vpn !== this.xVpn) {
      const p = this.translate(addr, PROT_EXEC);
      if (p === null) return this.lastFault;
      b = p;
    }
    // Aligned (no C extension), so an instruction never straddles two pages.
    return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
  }

  /** Bumped by every mapping change: the CPU drops the code page it cached. */
  fetchEpoch = 0;
  /** No devices here: a slow-path access need not end the CPU's chunk. */
  readonly sideEffectFree = true;

  /**
   * The CPU's fetch fast path: the words of an executable page already mapped (shared text
   * included — fetch never writes, and stores still go through store() and its checks);
   * null for anything else, which then takes fetch() and its faults or demand paging.
   */
  fetchPage(vpn: number): Int32Array | null {
    const e = this.pages.get(vpn);
    return e !== undefined && (e.prot & PROT_EXEC) !== 0 ? e.frame.words() : null;
  }

  /**
   * The CPU's data fast path: the bytes of a mapped page a load (or store) may use as is;
   * null for a missing page (demand paging), a copy-on-write page (stores), or no
   * permission, which then take load()/store() and their faults.
   */
  dataPage(vpn: number, write: boolean): Uint8Array | null {
    const e = this.pages.get(vpn);
    if (e === undefined || (e.prot & (write ? PROT_WRITE : PROT_READ)) === 0 || (write && e.cow)) return null;
    return e.frame.bytes;
  }

  private lastFault: number = MemoryFault.Page;

  /** page() without exceptions: null plus lastFault/oomAt describing why. */
  private translate(addr: number, access: number): Uint8Array | null {
    try {
      return this.page(addr, access);
    } catch (e) {
      if (e instanceof PageFault) {
        this.lastFault = MemoryFault.Page;
        return null;
      }
      if (e instanceof OutOfMemory) {
        this.oomAt = e.addr;
        this.lastFault = MemoryFault.Access;
        return null;
      }
      throw e;
    }
  }

  // ---- kernel copies (xv6 copyin/copyout): null/false on a bad user pointer -----------
  // A range that runs past 2^32 is refused whole (Linux's access_ok), never wrapped to 0.
  // A page the cgroup cannot pay for is a failure too, with oomAt set: the kernel then
  // OOM-kills the caller, as it does for a store from user code.

  copyIn(addr: number, length: number): Uint8Array | null {
    // The whole range must be readable before the kernel buffer is allocated: a huge
    // length over unmapped memory costs nothing.
    if (!inUserRange(addr, length) || !this.accessible(addr, length, PROT_READ)) return null;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const a = addr + i;
      const b = this.translate(a, PROT_READ);
      if (b === null) return null;
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - off, length - i);
      out.set(b.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  copyOut(addr: number, bytes: Uint8Array): boolean {
    if (!inUserRange(addr, bytes.length)) return false;
    for (let i = 0; i < bytes.length; ) {
      const a = addr + i;
      const b = this.translate(a, PROT_WRITE);
      if (b === null) return false;
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - off, bytes.length - i);
      b.set(bytes.subarray(i, i + n), off);
      i += n;
    }
    return true;
  }

  /** Does every page of [addr, addr + length) allow `access`, by page tables and regions (nothing allocated)? */
  private accessible(addr: number, length: number, access: number): boolean {
    for (let a = addr; a < addr + length; a = (Math.floor(a / PAGE_SIZE) + 1) * PAGE_SIZE) {
      const e = this.pages.get(Math.floor(a / PAGE_SIZE));
      const prot = e ? e.prot : this.findRegion(a)?.prot ?? 0;
      if (!(prot & access)) return false;
    }
    return true;
  }

  /**
   * How many bytes from addr (at most length) a copyOut could write without a fault, by
   * the page tables and regions alone (nothing is allocated): a read checks its buffer
   * before it takes bytes from a pipe, so a bad pointer loses no data.
   */
  writablePrefix(addr: number, length: number): number {
    if (!inUserRange(addr, Math.min(length, 1))) return 0;
    let n = 0;
    while (n < length && addr + n < USER_LIMIT) {
      const a = addr + n;
      const e = this.pages.get(a >>> PAGE_SHIFT);
      const prot = e ? e.prot : this.findRegion(a)?.prot ?? 0;
      if (!(prot & PROT_WRITE)) break;
      n = Math.min(length, n + PAGE_SIZE - (a & (PAGE_SIZE - 1)));
    }
    return n;
  }

  /**
   * What [addr, addr + length) holds, for an observer (a debugger's memory view, a lesson
   * check): mapped pages as they are, untouched pages of a region as zeros (what a read
   * would find), null if any byte is outside every region. Allocates and charges nothing,
   * so looking never changes the process (no demand paging, no OOM kill).
   */
  peek(addr: number, length: number): Uint8Array | null {
    if (!inUserRange(addr, length) || !this.accessible(addr, length, PROT_READ)) return null;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const a = addr + i;
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - off, length - i);
      const e = this.pages.get(Math.floor(a / PAGE_SIZE));
      if (e) out.set(e.frame.bytes.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  /** A NUL-terminated string of at most max bytes; null on a bad pointer or no NUL. */
  readCString(addr: number, max = 4096): Uint8Array | null {
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      if (addr + i >= USER_LIMIT) return null;
      const c = this.load(addr + i, 1);
      if (c < 0) return null;
      if (c === 0) return Uint8Array.from(out);
      out.push(c);
    }
    return null;
  }

  /** Writes into a page regardless of protection: the loader filling text and data. */
  poke(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = (addr + i) >>> 0;
      const e = this.pages.get(a >>> PAGE_SHIFT);
      if (e) e.frame.bytes[a & (PAGE_SIZE - 1)] = bytes[i]!;
    }
  }
}
