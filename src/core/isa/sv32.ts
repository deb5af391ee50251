// Sv32 page-based virtual memory (RISC-V privileged spec 4.3): two levels of 1024
// four-byte page-table entries, 4 KiB pages and 4 MiB megapages, 34-bit physical addresses.
//
// walk() is the spec's algorithm of 4.3.2 step by step. Accessed and dirty bits are set by
// the walk itself (the Svadu behaviour QEMU implements, and xv6 relies on): a leaf whose A
// bit is clear, or whose D bit is clear on a store, is written back with them set.
// Page-table reads are checked by PMP as S-mode loads (3.7.1).

import { PMP_R, PMP_W, PMP_X, type PmpAccess } from './pmp.ts';
import { MSTATUS_MXR, MSTATUS_SUM, PRIV_U } from './privilege.ts';

export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_G = 1 << 5;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;

/** Kinds of access, as PMP permission bits: read (load), write (store, AMO), execute (fetch). */
export const ACCESS_READ = PMP_R;
export const ACCESS_WRITE = PMP_W;
export const ACCESS_EXECUTE = PMP_X;
export type Access = PmpAccess;

/** A failed translation: which exception the access raises (page fault or access fault). */
export const WALK_PAGE_FAULT = -2;
export const WALK_ACCESS_FAULT = -1;

/** Physical memory as the walker sees it: word loads and stores, PMP-checked by the caller. */
export interface PageTableMemory {
  /** The PTE at physical address `pa` (may be ≥ 2^32), or a negative fault code. */
  readPte(pa: number): number;
  writePte(pa: number, pte: number): void;
}

export interface Leaf {
  /** Physical address of the 4 KiB page holding the virtual address. */
  pageAddr: number;
  /** The leaf PTE's flag bits (V R W X U G A D) after the A/D update. */
  flags: number;
  /** 1 for a megapage, 0 for a 4 KiB page. */
  level: number;
}

/**
 * 4.3.2: translates virtual address `va` for `access` at privilege `priv` (S or U) under
 * satp's root table; returns the leaf, or WALK_PAGE_FAULT / WALK_ACCESS_FAULT.
 */
export function walk(mem: PageTableMemory, satp: number, va: number, access: Access, priv: number, mstatus: number): Leaf | number {
  let a = (satp & 0x003fffff) * 4096; // step 1: the root table
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
    const pteAddr = a + vpn * 4;
    const pte = mem.readPte(pteAddr); // step 2
    if (pte < 0) return WALK_ACCESS_FAULT;
    if (!(pte & PTE_V) || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return WALK_PAGE_FAULT; // step 3
    if ((pte & (PTE_R | PTE_X)) === 0) { // step 4: a pointer to the next level
      a = (pte >>> 10) * 4096;
      continue;
    }
    if (!leafPermits(pte, access, priv, mstatus)) return WALK_PAGE_FAULT; // step 5
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return WALK_PAGE_FAULT; // step 6: misaligned megapage
    let flags = pte & 0xff; // step 7: hardware A/D update
    const want = PTE_A | (access === ACCESS_WRITE ? PTE_D : 0);
    if ((flags & want) !== want) {
      flags |= want;
      mem.writePte(pteAddr, (pte | want) >>> 0);
    }
    // step 8: a megapage maps va's low 22 bits through
    const ppn = level === 1 ? ((pte >>> 20) << 10) | ((va >>> 12) & 0x3ff) : pte >>> 10;
    return { pageAddr: ppn * 4096, flags, level };
  }
  return WALK_PAGE_FAULT; // step 4: no leaf after the last level
}

/**
 * 4.3.1 and 3.1.6.3: may this leaf be used for `access` at `priv`? U-mode needs U pages;
 * S-mode never executes U pages and reads or writes them only with SUM; loads succeed on
 * execute-only pages with MXR.
 */
export function leafPermits(pte: number, access: Access, priv: number, mstatus: number): boolean {
  if (priv === PRIV_U ? !(pte & PTE_U) : (pte & PTE_U) !== 0 && (access === ACCESS_EXECUTE || !(mstatus & MSTATUS_SUM))) {
    return false;
  }
  if (access === ACCESS_READ) return (pte & PTE_R) !== 0 || ((mstatus & MSTATUS_MXR) !== 0 && (pte & PTE_X) !== 0);
  if (access === ACCESS_WRITE) return (pte & PTE_W) !== 0;
  return (pte & PTE_X) !== 0;
}

