// Shadow page tables: full virtualization of a paging guest (VMware's technique; K. Adams
// and O. Agesen, "A Comparison of Software and Hardware Techniques for x86 Virtualization",
// ASPLOS 2006, section 3.3).
//
// The guest kernel runs in real U-mode, so the hardware cannot use the guest's own Sv32
// tables: they carry guest S/U permissions and the guest may edit them at any time. The VMM
// keeps, per guest address space (guest satp) and guest privilege (S with its SUM/MXR bits,
// or U), a shadow Sv32 table that the real MMU walks instead. Shadows start empty and fill on
// demand (shadow-fault.ts handles the exits):
//   - hidden fault: the real MMU faults, the VMM walks the guest's table (setting the guest's
//     A/D bits as the guest's hardware would) and the walk succeeds: install the leaf, retry;
//   - true fault: the guest's own walk fails too: the page fault is the guest's;
//   - dirty-bit emulation: a clean guest page is shadowed read-only, so its first store exits
//     and sets the guest's D bit before the shadow leaf becomes writable;
//   - page-table writes: each guest page a walk went through is write-protected in every
//     shadow; a store to one exits, runs once with the page writable, and the shadow entries
//     derived from that page are dropped, to be refilled from the new contents.
// So the shadows are coherent with the guest's tables at every instruction, and a guest satp
// write or sfence.vma only selects a shadow (they are cached per address space).
//
// While the guest runs without translation (its M-mode, or satp bare) and some guest page is
// write-protected, an identity shadow keeps the protection in force.
//
// Shadow pages live in the VMM's own store at host-physical 0x3_0000_0000 and up (Sv32's
// 34-bit physical space, above any address a 32-bit guest can name); the real MMU reads
// them through Cpu.pageTables. Shadows are a cache: they are not saved, and are rebuilt
// after a restore.

import { MemoryFault } from '../isa/memory.ts';
import { MSTATUS_MXR, MSTATUS_SUM, PRIV_M } from '../isa/privilege.ts';
import {
  ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X,
  WALK_PAGE_FAULT, leafPermits, walk, type Access, type PageTableMemory,
} from '../isa/sv32.ts';

const SHADOW_BASE_PPN = 0x30_0000;
const PAGE = 4096;
const SATP_SV32 = 0x8000_0000;
/** Shadow pages kept before every shadow is dropped and refilled (16 MiB of VMM memory). */
export const DEFAULT_SHADOW_PAGE_LIMIT = 4096;

/** The guest's translation state that chooses a shadow. */
export interface GuestTranslation {
  satp: number;
  /** The guest's (virtual) privilege mode. */
  priv: number;
  mstatus: number;
}

/** One shadow: a root table and the level-0 tables under it, keyed by level-1 index. */
interface Shadow {
  readonly key: string;
  /** The guest translation it shadows (null: the identity shadow). */
  readonly translation: GuestTranslation | null;
  readonly root: number;
  readonly tables: Map<number, number>;
  /** Level-1 index -> the guest level-0 table its shadow table came from (-1: a megapage). */
  readonly sources: Map<number, number>;
  /** Bumped when the whole shadow is cleared, so records about it are recognized as stale. */
  generation: number;
}

interface Derived {
  shadow: Shadow;
  generation: number;
  /** The level-1 index whose level-0 table came from this guest page, or -1: the whole shadow. */
  vpn1: number;
}

interface Mapping {
  shadow: Shadow;
  generation: number;
  vpn: number;
}

export type FillResult =
  | { kind: 'filled' }
  /** The leaf existed read-only for a clean page; the guest's D bit is now set. */
  | { kind: 'dirty' }
  /** A store to a write-protected guest page-table page: single-step it, then call pageTableWritten. */
  | { kind: 'page-table-write'; guestPage: number }
  /** The guest's own walk fails: the fault is the guest's (page fault, or access fault). */
  | { kind: 'guest-fault'; pageFault: boolean };

export class ShadowPageTables implements PageTableMemory {
  private readonly pages = new Map<number, Int32Array>();
  private readonly freePages: number[] = [];
  private nextPpn = SHADOW_BASE_PPN;
  private readonly shadows = new Map<string, Shadow>();
  /** Guest page-table page (physical page number) -> the shadow entries derived from it. */
  private readonly derived = new Map<number, Derived[]>();
  /** Guest physical page -> shadow leaves that map it (to write-protect it later). */
  private readonly mappings = new Map<number, Mapping[]>();
  private current: Shadow | null = null;
  private ported = false;
  /** Times every shadow was dropped because the store was full. */
  flushes = 0;
  /** The most shadow pages held at once since power-on (the VMM's memory for this guest). */
  peakPageCount = 0;

  /**
   * @param guest the guest's physical memory, as the guest's own page-table walker sees it
   * @param changed called whenever shadow entries change (the host TLB must be flushed)
   */
  constructor(
    private readonly guest: PageTableMemory,
    private readonly changed: () => void,
    private readonly pageLimit = DEFAULT_SHADOW_PAGE_LIMIT,
  ) {}

  /**
   * The guest updates its tables only by hypercall (pv-mmu.ts; set by its first one): nothing
   * is write-protected any more, and a guest megapage gets a megapage shadow leaf (its page
   * tables may lie inside it, since the guest does not store to them directly).
   */
  get paravirtual(): boolean {
    return this.ported;
  }

  enterParavirtual(): void {
    if (this.ported) return;
    this.ported = true;
    this.reset();
  }

  /** Shadow pages in use (each 4 KiB of VMM memory). */
  get pageCount(): number {
    return this.pages.size;
  }

  /** Guest pages write-protected because a shadow was derived from them. */
  get protectedPages(): number {
    return this.derived.size;
  }

  /** Address spaces with a shadow. */
  get shadowCount(): number {
    return this.shadows.size;
  }

  /** The host satp for the guest's translation state: a shadow's root, or 0 (bare). */
  select(t: GuestTranslation): number {
    const physical = t.priv === PRIV_M || t.satp >= 0;
    if (physical && (this.paravirtual || this.derived.size === 0)) {
      this.current = null;
      return 0;
    }
    const key = physical ? 'phys' : `${t.satp >>> 0}:${t.priv}:${t.mstatus & (MSTATUS_SUM | MSTATUS_MXR)}`;
    let shadow = this.shadows.get(key);
    if (!shadow) {
      const translation = physical ? null : { ...t };
      shadow = { key, translation, root: this.allocate(), tables: new Map(), sources: new Map(), generation: 0 };
      this.shadows.set(key, shadow);
    }
    this.current = shadow;
    return (SATP_SV32 | shadow.root) >>> 0;
  }

  /** The shadow in use, by key ("phys" or "satp:priv:sum|mxr"), or null when bare. */
  get currentKey(): string | null {
    return this.current?.key ?? null;
  }

  /** After a real page fault at `va`: walk the guest's table and fill the current shadow. */
  fill(va: number, access: Access, t: GuestTranslation): FillResult {
    if (this.current !== null && this.pages.size >= this.pageLimit) {
      this.flushes++;
      this.reset();
      this.select(t);
    }
    const shadow = this.current;
    if (shadow === null) return { kind: 'guest-fault', pageFault: true };
    let guestPage: number;
    let perms: number;
    if (shadow.key === 'phys') {
      guestPage = Math.floor(va / PAGE);
      perms = PTE_R | PTE_W | PTE_X;
    } else {
      const visited: number[] = [];
      const recorder: PageTableMemory = {
        readPte: (pa) => { visited.push(Math.floor(pa / PAGE)); return this.guest.readPte(pa); },
        writePte: (pa, pte) => this.guest.writePte(pa, pte),
      };
      const leaf = walk(recorder, t.satp, va, access, t.priv, t.mstatus);
      if (typeof leaf === 'number') return { kind: 'guest-fault', pageFault: leaf === WALK_PAGE_FAULT };
      this.protect(visited[0]!, shadow, -1);
      if (visited.length > 1) this.protect(visited[1]!, shadow, va >>> 22);
      perms = shadowPermissions(leaf.flags, t);
      if (this.paravirtual && leaf.level === 1) {
        this.installMegapage(shadow, va >>> 22, leaf.pageAddr / PAGE - ((va >>> 12) & 0x3ff), perms);
        return { kind: 'filled' };
      }
      shadow.sources.set(va >>> 22, visited.length > 1 ? visited[1]! : -1);
      guestPage = leaf.pageAddr / PAGE;
    }
    if (!this.paravirtual && (perms & PTE_W) && this.derived.has(guestPage)) {
      if (access === ACCESS_WRITE) return { kind: 'page-table-write', guestPage };
      perms &= ~PTE_W;
    }
    const before = this.leafOf(shadow, va >>> 12);
    this.install(shadow, va >>> 12, guestPage, perms);
    const upgraded = access === ACCESS_WRITE && before !== 0 && (before & PTE_V) !== 0 && !(before & PTE_W);
    return { kind: upgraded ? 'dirty' : 'filled' };
  }

  /** Before single-stepping a page-table store: map `va` writable in the current shadow. */
  allowWrite(va: number, guestPage: number): void {
    if (this.current) this.install(this.current, va >>> 12, guestPage, PTE_R | PTE_W);
  }

  /** After the guest wrote page-table page `guestPage`: drop what was derived from it. */
  pageTableWritten(guestPage: number): void {
    const records = this.derived.get(guestPage);
    this.derived.delete(guestPage);
    for (const d of records ?? []) {
      if (d.shadow.generation !== d.generation || this.shadows.get(d.shadow.key) !== d.shadow) continue;
      if (d.vpn1 < 0) this.clear(d.shadow);
      else this.dropTable(d.shadow, d.vpn1);
    }
    this.changed();
  }

  /**
   * A paravirtual guest's page-table update at guest-physical `pa` (pv-mmu.ts): the shadow
   * entries it affects are updated at once — a level-0 leaf the guest already marked
   * accessed is installed (no hidden fault later), anything else is invalidated.
   */
  guestPteWritten(pa: number): void {
    const page = Math.floor(pa / PAGE);
    const index = (pa % PAGE) >>> 2;
    const pte = this.guest.readPte(pa);
    for (const d of this.derived.get(page) ?? []) {
      const shadow = d.shadow;
      if (shadow.generation !== d.generation || this.shadows.get(shadow.key) !== shadow) continue;
      if (d.vpn1 < 0) this.dropTable(shadow, index);
      else if (shadow.sources.get(d.vpn1) === page) this.refresh(shadow, (d.vpn1 << 10) | index, pte);
    }
    this.changed();
  }

  /** A paravirtual TLB flush: the current shadow forgets `va`'s page (null: everything). */
  flush(va: number | null): void {
    const shadow = this.current;
    if (shadow === null) return;
    if (va === null) this.clear(shadow);
    else {
      const table = this.pages.get(shadow.tables.get(va >>> 22) ?? -1);
      if (table) table[(va >>> 12) & 0x3ff] = 0;
      else this.pages.get(shadow.root)![va >>> 22] = 0;
    }
    this.changed();
  }

  /** Drops every shadow (the guest's memory was replaced: restore, reset); `powerOn` also forgets the port. */
  reset(powerOn = false): void {
    if (powerOn) {
      this.ported = false;
      this.peakPageCount = 0;
    }
    this.pages.clear();
    this.freePages.length = 0;
    this.nextPpn = SHADOW_BASE_PPN;
    this.shadows.clear();
    this.derived.clear();
    this.mappings.clear();
    this.current = null;
    this.changed();
  }

  /** The shadow's level-1 or level-0 entries, for the page-table view: [vpn, pte] pairs. */
  leaves(key: string): Array<[number, number]> {
    const shadow = this.shadows.get(key);
    if (!shadow) return [];
    const out: Array<[number, number]> = [];
    for (const [vpn1, ppn] of shadow.tables) {
      const table = this.pages.get(ppn)!;
      for (let i = 0; i < 1024; i++) if (table[i] !== 0) out.push([(vpn1 << 10) | i, table[i]! >>> 0]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Every address space with a shadow, by key ("phys" or "satp:priv:sum|mxr"). */
  get keys(): string[] {
    return [...this.shadows.keys()];
  }

  /** The shadow's megapage leaves in its root (paravirtual guests), for the page-table view: [vpn1, pte] pairs. */
  megapages(key: string): Array<[number, number]> {
    const shadow = this.shadows.get(key);
    if (!shadow) return [];
    const root = this.pages.get(shadow.root)!;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < 1024; i++) if ((root[i]! & PTE_V) && (root[i]! & (PTE_R | PTE_X))) out.push([i, root[i]! >>> 0]);
    return out;
  }

  // PageTableMemory: what the real MMU's walker reads.
  readPte(pa: number): number {
    const table = this.pages.get(Math.floor(pa / PAGE));
    return table ? table[(pa % PAGE) >>> 2]! >>> 0 : MemoryFault.Access;
  }

  /** Shadow leaves are made with A and D set, so the walker never writes; kept for the interface. */
  writePte(pa: number, pte: number): void {
    const table = this.pages.get(Math.floor(pa / PAGE));
    if (table) table[(pa % PAGE) >>> 2] = pte | 0;
  }

  // ---- internals ----

  /** Re-derives one shadow leaf from the guest's new level-0 PTE. */
  private refresh(shadow: Shadow, vpn: number, pte: number): void {
    const table = this.pages.get(shadow.tables.get(vpn >>> 10) ?? -1);
    if (!table || shadow.translation === null) return;
    const t = shadow.translation;
    const usable = pte >= 0 && (pte & PTE_V) !== 0 && (pte & (PTE_R | PTE_X)) !== 0 && (pte & PTE_A) !== 0;
    let perms = usable ? shadowPermissions(pte, t) : 0;
    if (perms === 0) {
      table[vpn & 0x3ff] = 0;
      return;
    }
    if (!this.paravirtual && this.derived.has(pte >>> 10)) perms &= ~PTE_W;
    this.install(shadow, vpn, pte >>> 10, perms);
  }

  private leafOf(shadow: Shadow, vpn: number): number {
    const ppn = shadow.tables.get(vpn >>> 10);
    return ppn === undefined ? 0 : this.pages.get(ppn)![vpn & 0x3ff]!;
  }

  private install(shadow: Shadow, vpn: number, guestPage: number, perms: number): void {
    const vpn1 = vpn >>> 10;
    let ppn = shadow.tables.get(vpn1);
    if (ppn === undefined) {
      ppn = this.allocate();
      shadow.tables.set(vpn1, ppn);
      this.pages.get(shadow.root)![vpn1] = (ppn << 10) | PTE_V;
    }
    this.pages.get(ppn)![vpn & 0x3ff] = (guestPage << 10) | perms | PTE_V | PTE_U | PTE_A | PTE_D;
    let list = this.mappings.get(guestPage);
    if (!list) this.mappings.set(guestPage, list = []);
    list.push({ shadow, generation: shadow.generation, vpn });
    if (list.length > 64) this.mappings.set(guestPage, list.filter((m) => this.maps(m, guestPage)));
    this.changed();
  }

  /** Records that `shadow` (or its level-0 table `vpn1`) came from guest page `page`; protects it. */
  private protect(page: number, shadow: Shadow, vpn1: number): void {
    let list = this.derived.get(page);
    if (!list) {
      this.derived.set(page, list = []);
      this.writeProtect(page);
    }
    if (!list.some((d) => d.shadow === shadow && d.vpn1 === vpn1 && d.generation === shadow.generation)) {
      list.push({ shadow, generation: shadow.generation, vpn1 });
    }
  }

  /** Clears W in every shadow leaf that maps guest page `page`. */
  private writeProtect(page: number): void {
    const list = this.mappings.get(page);
    if (!list) return;
    for (const m of list) {
      if (!this.maps(m, page)) continue;
      const table = this.pages.get(m.shadow.tables.get(m.vpn >>> 10)!)!;
      table[m.vpn & 0x3ff] &= ~PTE_W;
    }
    this.mappings.set(page, list.filter((m) => this.maps(m, page)));
    this.changed();
  }

  private maps(m: Mapping, page: number): boolean {
    if (m.shadow.generation !== m.generation || this.shadows.get(m.shadow.key) !== m.shadow) return false;
    const pte = this.leafOf(m.shadow, m.vpn);
    return (pte & PTE_V) !== 0 && (pte >>> 10) === page;
  }

  private clear(shadow: Shadow): void {
    for (const ppn of shadow.tables.values()) this.release(ppn);
    shadow.tables.clear();
    shadow.sources.clear();
    this.pages.get(shadow.root)!.fill(0);
    shadow.generation++;
  }

  /** Forgets what the shadow maps for level-1 index `vpn1`: its level-0 table or megapage leaf. */
  private dropTable(shadow: Shadow, vpn1: number): void {
    this.pages.get(shadow.root)![vpn1] = 0;
    const ppn = shadow.tables.get(vpn1);
    if (ppn === undefined) return;
    shadow.tables.delete(vpn1);
    shadow.sources.delete(vpn1);
    this.release(ppn);
  }

  /** A megapage shadow leaf for a guest megapage (paravirtual guests only). */
  private installMegapage(shadow: Shadow, vpn1: number, firstPage: number, perms: number): void {
    this.dropTable(shadow, vpn1);
    this.pages.get(shadow.root)![vpn1] = (firstPage << 10) | perms | PTE_V | PTE_U | PTE_A | PTE_D;
    this.changed();
  }

  private allocate(): number {
    const ppn = this.freePages.pop() ?? this.nextPpn++;
    this.pages.set(ppn, new Int32Array(1024));
    if (this.pages.size > this.peakPageCount) this.peakPageCount = this.pages.size;
    return ppn;
  }

  private release(ppn: number): void {
    this.pages.delete(ppn);
    this.freePages.push(ppn);
  }
}

/** The permissions a shadow leaf may grant for the guest leaf `flags` at the guest's privilege. */
function shadowPermissions(flags: number, t: GuestTranslation): number {
  let perms = 0;
  if (leafPermits(flags, ACCESS_READ, t.priv, t.mstatus)) perms |= PTE_R;
  // Dirty-bit emulation: writable only once the guest's D bit is set.
  if (leafPermits(flags, ACCESS_WRITE, t.priv, t.mstatus) && (flags & PTE_D)) perms |= PTE_W;
  if (leafPermits(flags, ACCESS_EXECUTE, t.priv, t.mstatus)) perms |= PTE_X;
  return perms;
}
