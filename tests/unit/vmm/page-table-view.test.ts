// The page-table view (issue 11): a paused guest's own Sv32 table beside the shadow the
// hypervisor built from it, page by page, and why an entry differs.
import { describe, expect, it } from 'vitest';
import { createSession } from '../../../src/core/runner.ts';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../src/core/isa/sv32.ts';
import { VmSession } from '../../../src/core/vmm/vm-session.ts';
import { flagLetters } from '../../../src/ui/machine/format.ts';
import { bareTableView, difference, guestLeaves, pageTableView, type PageTableView } from '../../../src/core/vmm/page-table-view.ts';
import { guest } from './corpus.ts';

const PAGE = 4096;
const tasks = guest('bare', 'sv32-tasks');
const port = guest('pv', 'sv32-tasks');

function vmSession(mode: 'full' | 'pv' | 'hw', image = tasks.image): VmSession {
  const s = createSession(image, { mode });
  if (!(s instanceof VmSession)) throw new Error('expected a VM session');
  return s;
}

/** The guest's page-table pages: its root and every level-0 table the root points to. */
function tablePages(s: VmSession, satp: number): Set<number> {
  const root = (satp & 0x3fffff) * PAGE;
  const pages = new Set([root]);
  for (let i = 0; i < 1024; i++) {
    const pte = s.vm.ram.load(root + 4 * i, 4);
    if ((pte & PTE_V) && !(pte & (PTE_R | PTE_X))) pages.add((pte >>> 10) * PAGE);
  }
  return pages;
}

describe('page-table view', () => {
  it('shows the guest\'s table and its shadow: the same frames, the shadow in real U-mode, unfilled pages marked', () => {
    const s = vmSession('full');
    s.run(100_000);
    const v = pageTableView(s.vm);
    expect(v.translating).toBe(true);
    expect(v.vmmTable).toBe('shadow');
    expect(v.guest.length).toBeGreaterThan(3);
    expect(v.vmm.length).toBeGreaterThan(3);
    // Every shadow leaf is a user page: the guest's S-mode really runs in U-mode.
    for (const m of v.vmm) expect(m.flags & PTE_U).toBe(PTE_U);
    for (const r of v.rows.filter((r) => r.guest && r.vmm && r.difference === null)) {
      const g = r.guest!;
      expect(r.vmm!.pa).toBe(g.megapage ? g.pa + (r.va - g.va) : g.pa);
    }
    // A mapped page the guest has not touched yet has no shadow entry: its first touch is a shadow-fill.
    expect(v.rows.some((r) => r.difference === 'not-filled' && r.vmm === null)).toBe(true);
    expect(v.shadowPages).toBeGreaterThan(0);
  });

  it('hw: the guest\'s own table as the hardware walks it, no shadow and nothing to differ; the G-stage maps guest RAM', () => {
    const full = vmSession('full');
    const hw = vmSession('hw');
    full.run(100_000);
    hw.run(100_000);
    const f = pageTableView(full.vm);
    const v = pageTableView(hw.vm);
    expect(v.vmmTable).toBe('g-stage');
    expect(v.translating).toBe(true);
    // The same guest, the same point: the same guest table as under shadow paging.
    expect(v.satp).toBe(f.satp);
    expect(v.guest).toEqual(f.guest);
    expect(v.vmm).toEqual([]);
    expect(v.rows.every((r) => r.difference === null && r.guest !== null)).toBe(true);
    expect(v.gStageLeaves!.megapages).toBeGreaterThan(0);
  });

  it('marks the guest\'s own page-table pages write-protected in the shadow (their stores trap as pt-write)', () => {
    const s = vmSession('full');
    let found: PageTableView | null = null;
    // Bounded: the whole run is about 0.55 M instructions.
    for (let i = 0; i < 200 && s.result().end === 'budget' && !found; i++) {
      s.run(5_000);
      const v = pageTableView(s.vm);
      if (v.rows.some((r) => r.difference === 'write-protected')) found = v;
    }
    expect(found).not.toBeNull();
    const tables = tablePages(s, found!.satp);
    for (const r of found!.rows.filter((r) => r.difference === 'write-protected')) {
      const g = r.guest!;
      const pa = g.megapage ? g.pa + (r.va - g.va) : g.pa;
      expect(tables.has(pa)).toBe(true);
      expect(r.vmm!.flags & PTE_W).toBe(0);
      expect(g.flags & PTE_W).toBe(PTE_W);
    }
  });

  it('the port (pv): megapages shadowed as megapages, nothing write-protected', () => {
    const s = vmSession('pv', port.image);
    s.run(100_000);
    const v = pageTableView(s.vm);
    expect(v.vmm.some((m) => m.megapage)).toBe(true);
    expect(v.rows.every((r) => r.difference !== 'write-protected')).toBe(true);
  });

  it('names each difference from the two entries', () => {
    const leaf = (flags: number, pa = 0x8000_a000) => ({ va: 0x41_0000, pa, flags: flags | PTE_V | PTE_A, megapage: false });
    expect(difference(leaf(PTE_R | PTE_W | PTE_D), null, 0x41_0000)).toBe('not-filled');
    expect(difference(leaf(PTE_R | PTE_W), leaf(PTE_R | PTE_U), 0x41_0000)).toBe('dirty-emulation');
    expect(difference(leaf(PTE_R | PTE_W | PTE_D), leaf(PTE_R | PTE_U), 0x41_0000)).toBe('write-protected');
    expect(difference(leaf(PTE_R | PTE_W | PTE_D), leaf(PTE_R | PTE_W | PTE_U, 0x8000_b000), 0x41_0000)).toBe('stale');
    expect(difference(null, leaf(PTE_R | PTE_U), 0x41_0000)).toBe('stale');
    expect(difference(leaf(PTE_R | PTE_W | PTE_D), leaf(PTE_R | PTE_W | PTE_U | PTE_D), 0x41_0000)).toBeNull();
    expect(flagLetters(PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)).toBe('DA---WRV');
  });

  it('reads nothing when satp is bare, and changes nothing it reads', () => {
    const mem = { readPte: () => { throw new Error('read'); }, writePte: () => { throw new Error('write'); } };
    expect(guestLeaves(mem, 0)).toEqual([]);
    expect(bareTableView(0, 3, mem)).toMatchObject({ translating: false, vmmTable: 'none', rows: [] });
    const s = vmSession('full');
    s.run(100_000);
    const before = JSON.stringify(s.vm.getState());
    pageTableView(s.vm);
    expect(JSON.stringify(s.vm.getState())).toBe(before);
  });
});
