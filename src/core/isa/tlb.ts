// A translation lookaside buffer: recent Sv32 leaves by virtual page number, so most
// accesses skip the page-table walk (privileged spec 4.3.2 allows caching any valid leaf;
// sfence.vma, 4.2.1, is how software says a cached one may be stale).
//
// Direct-mapped, 4 KiB granules: a megapage is cached as the 4 KiB pieces that were used.
// Entries hold the leaf's flags, and the permission check runs again on every hit with the
// current privilege, SUM and MXR, so no change of mode needs a flush. ASIDs are not kept:
// every cached leaf is flushed by a global sfence.vma or a satp write.

import type { Leaf } from './sv32.ts';

const SIZE = 256;

/** The cached leaves, so a restored hart translates exactly as the saved one would. */
export interface TlbState {
  /** [vpn, physical page address, flags] of each valid entry. */
  entries: Array<[number, number, number]>;
  megapages: boolean;
}

export class Tlb {
  private readonly tag = new Int32Array(SIZE).fill(-1);
  private readonly page = new Float64Array(SIZE);
  private readonly flag = new Int32Array(SIZE);
  /** Some cached leaf came from a megapage: an sfence.vma of one address flushes all. */
  private megapages = false;
  /** Bumped by every flush, so views handed out for cached leaves can be dropped. */
  generation = 0;

  /** The cached leaf for virtual page `vpn`: its flags, with pageAddr via pageOf(); -1 if none. */
  lookup(vpn: number): number {
    const i = vpn & (SIZE - 1);
    return this.tag[i] === vpn ? this.flag[i]! : -1;
  }

  /** Physical page address of the entry lookup(vpn) just found. */
  pageOf(vpn: number): number {
    return this.page[vpn & (SIZE - 1)]!;
  }

  insert(vpn: number, leaf: Leaf): void {
    const i = vpn & (SIZE - 1);
    this.tag[i] = vpn;
    this.page[i] = leaf.pageAddr;
    this.flag[i] = leaf.flags;
    if (leaf.level > 0) this.megapages = true;
  }

  getState(): TlbState {
    const entries: Array<[number, number, number]> = [];
    for (let i = 0; i < SIZE; i++) if (this.tag[i]! >= 0) entries.push([this.tag[i]!, this.page[i]!, this.flag[i]!]);
    return { entries, megapages: this.megapages };
  }

  setState(s: TlbState): void {
    this.flushAll();
    for (const [vpn, page, flags] of s.entries) {
      const i = vpn & (SIZE - 1);
      this.tag[i] = vpn;
      this.page[i] = page;
      this.flag[i] = flags;
    }
    this.megapages = s.megapages;
  }

  /** sfence.vma with rs1 = x0: forget every leaf. */
  flushAll(): void {
    this.tag.fill(-1);
    this.megapages = false;
    this.generation++;
  }

  /** sfence.vma with an address: forget the leaf that maps it. */
  flushPage(va: number): void {
    if (this.megapages) {
      this.flushAll();
      return;
    }
    const vpn = va >>> 12;
    const i = vpn & (SIZE - 1);
    if (this.tag[i] === vpn) this.tag[i] = -1;
    this.generation++;
  }
}
