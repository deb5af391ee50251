// The page-table view: a paused guest's own Sv32 table (walked from the guest's satp, as its
// MMU would: priv. spec 4.3.2) beside the table the hypervisor makes the real MMU walk
// instead (the shadow, shadow-page-table.ts), page by page, with what differs and why.
// Plain data for the UI; reading it changes nothing (no A/D bits are set).

import { PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type PageTableMemory } from '../isa/sv32.ts';
import { PRIV_M } from '../isa/privilege.ts';
import type { Vm } from './vm.ts';

/** One leaf: a virtual page and where it goes (4 KiB page, or 4 MiB megapage). */
export interface PageMapping {
  va: number;
  pa: number;
  /** The leaf PTE's flag bits (V R W X U G A D). */
  flags: number;
  megapage: boolean;
}

/** Why the hypervisor's entry for a page differs from the guest's (null: they agree). */
export type PageDifference =
  /** The guest maps it; the shadow not yet: the first touch is a hidden fault (shadow-fill). */
  | 'not-filled'
  /** Writable for the guest, read-only in the shadow until the guest's D bit is set (shadow-dirty). */
  | 'dirty-emulation'
  /** Writable for the guest, read-only in the shadow: a guest page table (a store exits: pt-write). */
  | 'write-protected'
  /** The shadow maps it and the guest no longer does, or elsewhere: it is dropped on the next write or sfence. */
  | 'stale'
  | null;

export interface PageRow {
  va: number;
  /** Which shadow the page is compared with: the guest S-mode's or U-mode's (its U bit). */
  shadow: 'S' | 'U';
  guest: PageMapping | null;
  vmm: PageMapping | null;
  difference: PageDifference;
}

export interface PageTableView {
  /** The guest's satp (its virtual CSR under the hypervisor). */
  satp: number;
  /** Sv32 on in satp and the guest not in M-mode: its addresses are translated. */
  translating: boolean;
  /** What the real MMU walks for this guest: a shadow table, or nothing (bare, or not translating). */
  vmmTable: 'shadow' | 'g-stage' | 'none';
  /** hw: the G-stage table's leaves (megapages, 4 KiB pages) mapping guest RAM; 0 otherwise. */
  gStageLeaves?: { megapages: number; pages: number };
  /** The shadows compared (keys satp:priv:SUM|MXR): the guest S-mode's and U-mode's. */
  shadowKeys: string[];
  /** Shadow pages in use (4 KiB each) over every address space. */
  shadowPages: number;
  guest: PageMapping[];
  vmm: PageMapping[];
  /** Every page either side maps (megapages once), in address order, at most `limit`. */
  rows: PageRow[];
  /** Rows left out by the limit. */
  truncated: number;
}

const PAGE = 4096;
const SATP_MODE = 0x8000_0000;

/** The guest's leaves under `satp`, walked without side effects. */
export function guestLeaves(mem: PageTableMemory, satp: number): PageMapping[] {
  if (!((satp >>> 0) & SATP_MODE)) return [];
  const out: PageMapping[] = [];
  const root = (satp & 0x003f_ffff) * PAGE;
  for (let i = 0; i < 1024; i++) {
    const pte = mem.readPte(root + 4 * i);
    if (!valid(pte)) continue;
    if (pte & (PTE_R | PTE_X)) {
      out.push({ va: (i << 22) >>> 0, pa: (pte >>> 20) * 1024 * PAGE, flags: pte & 0x3ff, megapage: true });
      continue;
    }
    const table = (pte >>> 10) * PAGE;
    for (let j = 0; j < 1024; j++) {
      const leaf = mem.readPte(table + 4 * j);
      if (valid(leaf) && (leaf & (PTE_R | PTE_X))) out.push({ va: ((i << 22) | (j << 12)) >>> 0, pa: (leaf >>> 10) * PAGE, flags: leaf & 0x3ff, megapage: false });
    }
  }
  return out;
}

/** A PTE that is valid and not the reserved W-without-R encoding (4.3.2 step 3). */
function valid(pte: number): boolean {
  return pte >= 0 && (pte & PTE_V) !== 0 && !((pte & PTE_R) === 0 && (pte & PTE_W) !== 0);
}

/** Compares one page: the guest's leaf covering `va` against the shadow's. */
export function difference(guest: PageMapping | null, vmm: PageMapping | null, va: number): PageDifference {
  if (guest === null) return vmm === null ? null : 'stale';
  if (vmm === null) return 'not-filled';
  const guestPa = guest.megapage ? guest.pa + (va - guest.va) : guest.pa;
  if (vmm.pa !== guestPa) return 'stale';
  if ((guest.flags & PTE_W) && !(vmm.flags & PTE_W)) return guest.flags & PTE_D ? 'write-protected' : 'dirty-emulation';
  return null;
}

/** The view of a paused VM; `limit` bounds the rows (a guest may map thousands of pages). */
export function pageTableView(vm: Vm, limit = 400): PageTableView {
  const t = vm.guestTranslation();
  const guest = guestLeaves(guestMemory(vm), t.satp);
  const shadow = vm.shadow;
  // The guest's S-mode and U-mode each have their own shadow of the same table: a page is
  // compared with the shadow of the privilege it is for (its U bit).
  const keys = shadow === null ? [] : shadow.keys;
  const pick = (priv: number) => keys.find((k) => k === shadow?.currentKey && k.startsWith(`${t.satp >>> 0}:${priv}:`))
    ?? keys.find((k) => k.startsWith(`${t.satp >>> 0}:${priv}:`)) ?? null;
  const sKey = pick(1);
  const uKey = pick(0);
  const mappings = (key: string | null): PageMapping[] => (shadow === null || key === null ? [] : [
    ...shadow.megapages(key).map(([vpn1, pte]) => ({ va: (vpn1 << 22) >>> 0, pa: (pte >>> 20) * 1024 * PAGE, flags: pte & 0x3ff, megapage: true })),
    ...shadow.leaves(key).map(([vpn, pte]) => ({ va: (vpn * PAGE) >>> 0, pa: (pte >>> 10) * PAGE, flags: pte & 0x3ff, megapage: false })),
  ]);
  const sShadow = mappings(sKey);
  const uShadow = mappings(uKey);
  // hw: the hardware walks the guest's table itself (then the G-stage): nothing to compare.
  if (vm.gStage !== null) return gStageView(vm, t, guest, limit);
  const all = [
    ...rowsOf(guest.filter((g) => !(g.flags & PTE_U)), sShadow, 'S'),
    ...rowsOf(guest.filter((g) => (g.flags & PTE_U) !== 0), uShadow, 'U'),
  ].sort((a, b) => a.va - b.va || a.shadow.localeCompare(b.shadow));
  return {
    satp: t.satp >>> 0,
    translating: ((t.satp >>> 0) & SATP_MODE) !== 0 && t.priv !== PRIV_M,
    vmmTable: sKey === null && uKey === null ? 'none' : 'shadow',
    shadowKeys: [sKey, uKey].filter((k): k is string => k !== null),
    shadowPages: shadow?.pageCount ?? 0,
    guest, vmm: [...sShadow, ...uShadow],
    rows: all.slice(0, limit),
    truncated: Math.max(0, all.length - limit),
  };
}

/** The rows of one privilege's pages: each guest 4 KiB page, each megapage (once if none of it is shadowed), each shadow-only page. */
function rowsOf(guest: PageMapping[], vmm: PageMapping[], shadow: 'S' | 'U'): PageRow[] {
  const byVa = new Map<number, PageMapping>(vmm.map((m) => [m.va, m]));
  const rows: PageRow[] = [];
  const seen = new Set<number>();
  const row = (va: number, g: PageMapping | null, v: PageMapping | null) => {
    rows.push({ va, shadow, guest: g, vmm: v, difference: difference(g, v, va) });
    if (v) seen.add(v.va);
  };
  for (const g of guest) {
    const same = byVa.get(g.va) ?? null;
    if (!g.megapage || same?.megapage) {
      row(g.va, g, same);
      continue;
    }
    const inside = vmm.filter((m) => m.va >= g.va && m.va < g.va + 1024 * PAGE);
    if (inside.length === 0) row(g.va, g, null);
    for (const v of inside) row(v.va, g, v);
  }
  for (const v of vmm) if (!seen.has(v.va)) row(v.va, null, v);
  return rows;
}

/** Guest RAM as its page-table walker reads it, without side effects (out of RAM: a fault). */
function guestMemory(vm: Vm): PageTableMemory {
  return {
    readPte: (pa) => (pa < 2 ** 32 && vm.ram.contains(pa, 4) ? vm.ram.load(pa, 4) : -1),
    writePte: () => {},
  };
}

/** The view of a machine with no hypervisor (bare): its own table is what the MMU walks. */
export function bareTableView(satp: number, priv: number, mem: PageTableMemory, limit = 400): PageTableView {
  const guest = guestLeaves(mem, satp);
  const rows: PageRow[] = guest.map((g) => ({ va: g.va, shadow: g.flags & PTE_U ? 'U' : 'S', guest: g, vmm: null, difference: null }));
  return {
    satp: satp >>> 0, translating: ((satp >>> 0) & SATP_MODE) !== 0 && priv !== PRIV_M,
    vmmTable: 'none', shadowKeys: [], shadowPages: 0, guest, vmm: [],
    rows: rows.slice(0, limit), truncated: Math.max(0, rows.length - limit),
  };
}

/** hw: the guest's own table, which the hardware walks (VS-stage), and the G-stage's size. */
function gStageView(vm: Vm, t: ReturnType<Vm['guestTranslation']>, guest: PageMapping[], limit: number): PageTableView {
  const rows: PageRow[] = guest.map((g) => ({ va: g.va, shadow: g.flags & PTE_U ? 'U' : 'S', guest: g, vmm: null, difference: null }));
  return {
    satp: t.satp >>> 0,
    translating: ((t.satp >>> 0) & SATP_MODE) !== 0 && t.priv !== PRIV_M,
    vmmTable: 'g-stage',
    gStageLeaves: { megapages: vm.gStage!.megapages, pages: vm.gStage!.smallPages },
    shadowKeys: [],
    shadowPages: 0,
    guest, vmm: [],
    rows: rows.slice(0, limit),
    truncated: Math.max(0, rows.length - limit),
  };
}
