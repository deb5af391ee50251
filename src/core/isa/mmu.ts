// The memory-management unit: the Memory the CPU uses while addresses are virtual (Sv32)
// or physical accesses are checked by PMP. It translates each access through the TLB (or a
// page-table walk, sv32.ts), checks PMP on the physical address (pmp.ts) and performs the
// access on the hart's physical memory (the bus).
//
// When neither applies — M-mode without MPRV and without locked PMP entries, or satp bare
// with no PMP entries — the CPU does not use this at all and keeps its physical RAM fast
// path: translation costs bare-metal programs nothing (Cpu.execute picks once per chunk).
//
// The CPU's page caches (Memory.fetchPage / dataPage) make translated code fast too: for a
// virtual page whose translation and PMP check allow the access, it gets a view of the
// physical RAM page and uses it until the chunk ends or fetchEpoch moves (a TLB flush).
// Faults come back as MemoryFault codes; the CPU turns them into the access-specific page
// or access fault with the virtual address in xtval (4.3.2, 3.1.15).
//
// H extension: while V=1 (or for M-mode accesses with MPRV and MPV, and for hlv/hsv) an
// address goes through both stages of two-stage.ts: the guest's vsatp, then the
// hypervisor's hgatp. Those translations are cached in a TLB of their own (guestTlb), so
// host (V=0) and guest (V=1) entries never mix; a guest entry maps guest-virtual straight
// to supervisor-physical and keeps both stages' flags, checked again on every hit.
// sfence.vma while V=1 and hfence.vvma flush it by address, vsatp and hgatp writes and
// hfence.gvma flush it whole. A G-stage failure is MemoryFault.GuestPage, with the
// guest-physical address (and htinst's value) in guestFault.

import type { CsrFile } from './csr.ts';
import { MemoryFault, PAGE_SHIFT, type AccessWidth, type Memory } from './memory.ts';
import { PMP_X } from './pmp.ts';
import { MSTATUSH_MPV, TINST_VS_STAGE_READ, TINST_VS_STAGE_WRITE } from './hypervisor-extension.ts';
import {
  MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM, PRIV_M, PRIV_S,
} from './privilege.ts';
import {
  ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE, PTE_D, WALK_PAGE_FAULT, leafPermits, walk,
  type Access, type PageTableMemory,
} from './sv32.ts';
import { Tlb } from './tlb.ts';
import { GuestPageTables, gStagePermits, gStageWalk } from './two-stage.ts';

/** What the MMU needs of the hart (the Cpu): its physical memory, mode and CSRs. */
export interface Hart {
  readonly memory: Memory;
  readonly priv: number;
  readonly csr: CsrFile;
  readonly storeWatch: number;
  readonly onWatchedStore: ((addr: number, value: number) => void) | null;
  /** Where page tables are read when not from `memory` (a hypervisor's shadow tables). */
  readonly pageTables: PageTableMemory | null;
  /** H extension: the virtualization mode V. */
  readonly virt: boolean;
  /** Where G-stage tables are read when not from `memory` (a hypervisor's own store). */
  readonly gStageTables: PageTableMemory | null;
}

/** An access made as though in VS/VU-mode (hlv, hlvx, hsv): its privilege, and hlvx. */
export interface VirtualAccess {
  priv: number;
  /** HLVX: execute permission takes the place of read permission. */
  execute: boolean;
}

/** The last guest-page fault: the guest-physical address and htinst's value for it. */
export interface GuestFault {
  address: number;
  tinst: number;
}

// Guest TLB entries: VS-stage flags in bits 7..0, G-stage flags in 15..8, and a mark for a
// stage that was Bare (nothing to check there).
const VS_BARE = 1 << 16;
const G_BARE = 1 << 17;

const PAGE = 1 << PAGE_SHIFT;
const TOP = 2 ** 32;

export class Mmu implements Memory, PageTableMemory {
  readonly ram = null;
  readonly tlb = new Tlb();
  /** Two-stage translations (V=1), guest-virtual page -> supervisor-physical page. */
  readonly guestTlb = new Tlb();
  /** Set by the CPU for the duration of one hlv/hlvx/hsv. */
  virtualAccess: VirtualAccess | null = null;
  readonly guestFault: GuestFault = { address: 0, tinst: 0 };
  private readonly guestTables = new GuestPageTables(this, () => this.hart.gStageTables ?? this);
  // Views of physical RAM pages, made once per page and kept while the RAM is the same.
  private viewsOf: Uint8Array | null = null;
  private words: Array<Int32Array | undefined> = [];
  private bytes: Array<Uint8Array | undefined> = [];

  constructor(private readonly hart: Hart) {}

  get sideEffectFree(): boolean {
    return this.hart.memory.sideEffectFree === true;
  }

  get fetchEpoch(): number {
    return this.tlb.generation + this.guestTlb.generation + (this.hart.memory.fetchEpoch ?? 0);
  }

  /** Must the CPU go through the MMU now (translation or PMP applies to fetches or data)? */
  needed(): boolean {
    const s = this.hart.csr;
    const priv = this.hart.priv;
    const data = this.dataPriv();
    const twoStage = s.h.vsatp < 0 || s.h.hgatp < 0;
    if (this.hart.virt) {
      if (twoStage) return true;
    } else if (s.satp < 0 && (priv !== PRIV_M || data !== PRIV_M)) {
      return true;
    }
    if (twoStage && this.dataVirt()) return true;
    return s.pmp.restricts(priv) || s.pmp.restricts(data);
  }

  /** 3.1.6.3: loads and stores in M-mode with MPRV use MPP's privilege. */
  dataPriv(): number {
    const priv = this.hart.priv;
    const m = this.hart.csr.mstatus;
    return priv === PRIV_M && (m & MSTATUS_MPRV) ? (m & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT : priv;
  }

  /** H extension, "Machine Status Registers": with MPRV, data accesses use MPV as V. */
  dataVirt(): boolean {
    const m = this.hart.csr.mstatus;
    if (this.hart.priv === PRIV_M && (m & MSTATUS_MPRV)) {
      return (m & MSTATUS_MPP) !== MSTATUS_MPP && (this.hart.csr.h.mstatush & MSTATUSH_MPV) !== 0;
    }
    return this.hart.virt;
  }

  /**
   * The physical address for an access of `width` bytes at `va` (translation, then PMP),
   * or a negative MemoryFault. Data accesses use the MPRV privilege; fetches the hart's.
   */
  translate(va: number, width: number, access: Access): number {
    const fetch = access === ACCESS_EXECUTE;
    const v = this.virtualAccess;
    const priv = v !== null ? v.priv : fetch ? this.hart.priv : this.dataPriv();
    const virt = v !== null || (fetch ? this.hart.virt : this.dataVirt());
    const check = v !== null && v.execute ? ACCESS_EXECUTE : access;
    const pa = virt ? this.guestToPhysical(va >>> 0, check, priv) : this.virtualToPhysical(va >>> 0, access, priv);
    if (pa < 0) return pa;
    if (pa + width > TOP || !this.hart.csr.pmp.allows(pa, width, access, priv)) return MemoryFault.Access;
    return pa;
  }

  load(addr: number, width: AccessWidth): number {
    if (crossesPage(addr, width)) return this.loadBytes(addr, width);
    const pa = this.translate(addr, width, ACCESS_READ);
    return pa < 0 ? pa : this.physLoad(pa, width);
  }

  store(addr: number, width: AccessWidth, value: number): number {
    if (crossesPage(addr, width)) return this.storeBytes(addr, width, value);
    const pa = this.translate(addr, width, ACCESS_WRITE);
    if (pa < 0) return pa;
    const r = this.physStore(pa, width, value);
    if (r === 0 && width === 4 && pa === this.hart.storeWatch) this.hart.onWatchedStore?.(pa, value);
    return r;
  }

  fetch(addr: number): number {
    const pa = this.translate(addr, 4, ACCESS_EXECUTE);
    if (pa < 0) return pa;
    return this.ramIndex(pa) >= 0 ? this.physLoad(pa, 4) : this.hart.memory.fetch(pa);
  }

  fetchPage(vpn: number): Int32Array | null {
    const priv = this.hart.priv;
    const pa = this.hart.virt ? this.guestToPhysical(vpn * PAGE, ACCESS_EXECUTE, priv)
      : this.virtualToPhysical(vpn * PAGE, ACCESS_EXECUTE, priv);
    if (pa < 0 || !pagePermits(this.hart.csr.pmp.pagePermissions(pa, priv), PMP_X)) return null;
    const i = this.ramIndex(pa);
    if (i < 0) return pa < TOP ? this.hart.memory.fetchPage?.(pa / PAGE) ?? null : null;
    this.makeViews(i);
    return this.words[i]!;
  }

  dataPage(vpn: number, write: boolean): Uint8Array | null {
    const priv = this.dataPriv();
    const access = write ? ACCESS_WRITE : ACCESS_READ;
    const pa = this.dataVirt() ? this.guestToPhysical(vpn * PAGE, access, priv)
      : this.virtualToPhysical(vpn * PAGE, access, priv);
    if (pa < 0 || !pagePermits(this.hart.csr.pmp.pagePermissions(pa, priv), access)) return null;
    // Stores to the watched word (HTIF tohost) must take store() to be seen.
    if (write && Math.floor(this.hart.storeWatch / PAGE) === pa / PAGE) return null;
    return this.ramPage(pa, write);
  }

  /** sfence.vma (4.2.1): rs1 = x0 flushes every leaf, otherwise the one mapping `va`. */
  fence(va: number | null): void {
    if (va === null) this.tlb.flushAll();
    else this.tlb.flushPage(va);
  }

  /**
   * The guest's translations: sfence.vma while V=1 and hfence.vvma (by guest-virtual
   * address, or all), and with null also vsatp/hgatp writes and hfence.gvma.
   */
  fenceGuest(va: number | null): void {
    if (va === null) this.guestTlb.flushAll();
    else this.guestTlb.flushPage(va);
  }

  // PageTableMemory: the walker's PTE reads and A/D writes, checked as S-mode loads (3.7.1).
  readPte(pa: number): number {
    if (pa + 4 > TOP || !this.hart.csr.pmp.allows(pa, 4, ACCESS_READ, PRIV_S)) return MemoryFault.Access;
    return this.physLoad(pa, 4);
  }

  writePte(pa: number, pte: number): void {
    this.physStore(pa, 4, pte);
  }

  // The physical memory's slow paths need not serve its RAM window (the CPU's fast path
  // does), so RAM is read and written here directly.
  private physLoad(pa: number, width: number): number {
    const ram = this.hart.memory.ram;
    if (ram === null || pa < ram.base || pa + width > ram.base + ram.bytes.byteLength) {
      return this.hart.memory.load(pa, width as AccessWidth);
    }
    const o = pa - ram.base;
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = (v << 8) | ram.bytes[o + i]!;
    return v >>> 0;
  }

  private physStore(pa: number, width: number, value: number): number {
    const ram = this.hart.memory.ram;
    if (ram === null || pa < ram.base || pa + width > ram.base + ram.bytes.byteLength) {
      return this.hart.memory.store(pa, width as AccessWidth, value);
    }
    const o = pa - ram.base;
    for (let i = 0; i < width; i++) ram.bytes[o + i] = value >>> (8 * i);
    ram.dirty[o >>> PAGE_SHIFT] = 1;
    ram.dirty[(o + width - 1) >>> PAGE_SHIFT] = 1;
    return 0;
  }

  /** 4.3.2 through the TLB: the physical address, or MemoryFault.Page / Access. */
  private virtualToPhysical(va: number, access: Access, priv: number): number {
    const s = this.hart.csr;
    if (s.satp >= 0 || priv === PRIV_M) return va;
    const vpn = va >>> 12;
    const flags = this.tlb.lookup(vpn);
    if (flags >= 0 && (access !== ACCESS_WRITE || (flags & PTE_D)) && leafPermits(flags, access, priv, s.mstatus)) {
      return this.tlb.pageOf(vpn) + (va & (PAGE - 1));
    }
    const leaf = walk(this.hart.pageTables ?? this, s.satp, va, access, priv, s.mstatus);
    if (typeof leaf === 'number') return leaf === WALK_PAGE_FAULT ? MemoryFault.Page : MemoryFault.Access;
    this.tlb.insert(vpn, leaf);
    return leaf.pageAddr + (va & (PAGE - 1));
  }

  /**
   * "Two-Stage Address Translation" through the guest TLB: guest-virtual `va` to a
   * supervisor-physical address, or MemoryFault.Page (VS-stage), GuestPage (G-stage, with
   * guestFault set) or Access.
   */
  private guestToPhysical(va: number, access: Access, priv: number): number {
    const h = this.hart.csr.h;
    const vsBare = h.vsatp >= 0;
    const gBare = h.hgatp >= 0;
    if (vsBare && gBare) return va;
    const vpn = va >>> 12;
    const off = va & (PAGE - 1);
    const flags = this.guestTlb.lookup(vpn);
    if (flags >= 0 && this.guestPermits(flags, access, priv)) return this.guestTlb.pageOf(vpn) + off;
    const mstatus = this.hart.csr.mstatus;
    let vsFlags = VS_BARE;
    let gpaPage = vpn * PAGE;
    let level = 0;
    if (!vsBare) {
      const tables = this.guestTables;
      tables.begin(h.hgatp, mstatus);
      const leaf = walk(tables, h.vsatp, va, access, priv, this.vsStatusView());
      if (tables.faultAddress >= 0) {
        this.guestFault.address = tables.faultAddress;
        this.guestFault.tinst = tables.faultWrite ? TINST_VS_STAGE_WRITE : TINST_VS_STAGE_READ;
        return MemoryFault.GuestPage;
      }
      if (typeof leaf === 'number') return leaf === WALK_PAGE_FAULT ? MemoryFault.Page : MemoryFault.Access;
      vsFlags = leaf.flags;
      gpaPage = leaf.pageAddr;
      level = leaf.level;
    }
    let gFlags = G_BARE;
    let page = gpaPage;
    if (!gBare) {
      const g = gStageWalk(this.hart.gStageTables ?? this, h.hgatp, gpaPage + off, access, (mstatus & MSTATUS_MXR) !== 0);
      if (typeof g === 'number') {
        if (g !== WALK_PAGE_FAULT) return MemoryFault.Access;
        this.guestFault.address = gpaPage + off;
        this.guestFault.tinst = 0;
        return MemoryFault.GuestPage;
      }
      gFlags = g.flags << 8;
      page = g.pageAddr;
      level = Math.max(level, g.level);
    }
    this.guestTlb.insert(vpn, { pageAddr: page, flags: vsFlags | gFlags, level });
    return page + off;
  }

  /** Both stages of a cached guest translation allow this access (D set for stores). */
  private guestPermits(flags: number, access: Access, priv: number): boolean {
    if (!(flags & VS_BARE)) {
      if (!leafPermits(flags & 0xff, access, priv, this.vsStatusView())) return false;
      if (access === ACCESS_WRITE && !(flags & PTE_D)) return false;
    }
    if (!(flags & G_BARE)) {
      const g = (flags >>> 8) & 0xff;
      if (!gStagePermits(g, access, (this.hart.csr.mstatus & MSTATUS_MXR) !== 0)) return false;
      if (access === ACCESS_WRITE && !(g & PTE_D)) return false;
    }
    return true;
  }

  /** SUM and MXR for the VS-stage: vsstatus's, and HS-level MXR applies to both stages. */
  private vsStatusView(): number {
    return (this.hart.csr.h.vsstatus & (MSTATUS_SUM | MSTATUS_MXR)) | (this.hart.csr.mstatus & MSTATUS_MXR);
  }

  /** The bytes of physical page `pa` (a view, no copy), or null if it is not plain RAM. */
  private ramPage(pa: number, write: boolean): Uint8Array | null {
    const i = this.ramIndex(pa);
    if (i < 0) return pa < TOP ? this.hart.memory.dataPage?.(pa / PAGE, write) ?? null : null;
    this.makeViews(i);
    if (write) this.hart.memory.ram!.dirty[i] = 1;
    return this.bytes[i]!;
  }

  /** Index of physical page `pa` in the RAM window, or -1 when it is not in it. */
  private ramIndex(pa: number): number {
    const ram = this.hart.memory.ram;
    if (ram === null || pa < ram.base || pa + PAGE > ram.base + ram.bytes.byteLength) return -1;
    if (this.viewsOf !== ram.bytes) {
      this.viewsOf = ram.bytes;
      this.words = [];
      this.bytes = [];
    }
    return (pa - ram.base) / PAGE;
  }

  private makeViews(i: number): void {
    if (this.bytes[i] !== undefined) return;
    const ram = this.hart.memory.ram!;
    const off = ram.bytes.byteOffset + i * PAGE;
    this.bytes[i] = new Uint8Array(ram.bytes.buffer, off, PAGE);
    this.words[i] = new Int32Array(ram.bytes.buffer, off, PAGE / 4);
  }

  private loadBytes(addr: number, width: number): number {
    let v = 0;
    for (let i = width - 1; i >= 0; i--) {
      const b = this.load((addr + i) >>> 0, 1);
      if (b < 0) return b;
      v = (v << 8) | b;
    }
    return v >>> 0;
  }

  /** A misaligned store across two pages: both are translated before either is written. */
  private storeBytes(addr: number, width: number, value: number): number {
    for (let i = 0; i < width; i++) {
      const pa = this.translate((addr + i) >>> 0, 1, ACCESS_WRITE);
      if (pa < 0) return pa;
    }
    for (let i = 0; i < width; i++) {
      const r = this.store((addr + i) >>> 0, 1, value >>> (8 * i));
      if (r < 0) return r;
    }
    return 0;
  }
}

/** PMP allows `access` on the whole page (-1: permissions differ within it). */
function pagePermits(perms: number, access: number): boolean {
  return perms >= 0 && (perms & access) !== 0;
}

function crossesPage(addr: number, width: number): boolean {
  return (addr & (PAGE - 1)) + width > PAGE;
}
