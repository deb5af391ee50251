// Shadow page tables: the hypervisor's shadows follow the guest's Sv32 tables exactly, hide
// their own faults from the guest, and reflect the guest's real ones.
import { describe, expect, it } from 'vitest';
import { PRIV_S, PRIV_U } from '../../../src/core/isa/privilege.ts';
import {
  ACCESS_EXECUTE, ACCESS_READ, ACCESS_WRITE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, walk,
} from '../../../src/core/isa/sv32.ts';
import { Ram } from '../../../src/core/machine/ram.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { memoryExits } from '../../../src/core/vmm/exit-log.ts';
import { serve } from '../../../src/core/vmm/hypercall.ts';
import { Eid, SbiError, TrapdoorFid } from '../../../src/core/vmm/sbi.ts';
import { ShadowPageTables, type GuestTranslation } from '../../../src/core/vmm/shadow-page-table.ts';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { guest, runBare } from './corpus.ts';

const BASE = 0x8000_0000;
const ROOT = BASE + 0x1000;
const L0 = BASE + 0x2000;
const DATA = BASE + 0x10_000;
const SV32 = 0x8000_0000;

/** A guest with one root table and one level-0 table mapping VA 0x4000_0000 + n pages. */
function guestMemory() {
  const ram = new Ram(BASE, 1 << 20);
  const mem = {
    readPte: (pa: number) => ram.load(pa, 4),
    writePte: (pa: number, pte: number) => ram.store(pa, 4, pte),
  };
  ram.store(ROOT + 256 * 4, 4, ((L0 >>> 12) << 10) | PTE_V);
  const map = (n: number, pa: number, flags: number) => ram.store(L0 + n * 4, 4, ((pa >>> 12) << 10) | PTE_V | flags);
  let changes = 0;
  const shadow = new ShadowPageTables(mem, () => { changes++; });
  return { ram, mem, map, shadow, changes: () => changes };
}

const S: GuestTranslation = { satp: (SV32 | (ROOT >>> 12)) | 0, priv: PRIV_S, mstatus: 0 };
const VA = 0x4000_0000;

/** Translates through the shadow as the real MMU would (host U-mode). */
function hostWalk(shadow: ShadowPageTables, satp: number, va: number, access: 1 | 2 | 4) {
  return walk(shadow, satp, va, access as never, PRIV_U, 0);
}

describe('shadow page tables', () => {
  it('a hidden fault fills the shadow from the guest table and sets the guest A bit', () => {
    const g = guestMemory();
    g.map(0, DATA, PTE_R | PTE_W);
    const satp = g.shadow.select(S);
    expect(satp >>> 31).toBe(1);
    expect(typeof hostWalk(g.shadow, satp, VA, ACCESS_READ)).toBe('number'); // empty: faults
    expect(g.shadow.fill(VA, ACCESS_READ, S).kind).toBe('filled');
    const leaf = hostWalk(g.shadow, satp, VA, ACCESS_READ);
    expect(typeof leaf).toBe('object');
    expect((leaf as { pageAddr: number }).pageAddr).toBe(DATA);
    expect(g.ram.load(L0, 4) & PTE_A).toBe(PTE_A);
  });

  it('a clean page is shadowed read-only until its first store sets the guest D bit', () => {
    const g = guestMemory();
    g.map(0, DATA, PTE_R | PTE_W);
    const satp = g.shadow.select(S);
    g.shadow.fill(VA, ACCESS_READ, S);
    expect(hostWalk(g.shadow, satp, VA, ACCESS_WRITE)).toBeLessThan(0);
    expect(g.ram.load(L0, 4) & PTE_D).toBe(0);
    expect(g.shadow.fill(VA, ACCESS_WRITE, S).kind).toBe('dirty');
    expect(g.ram.load(L0, 4) & PTE_D).toBe(PTE_D);
    expect(typeof hostWalk(g.shadow, satp, VA, ACCESS_WRITE)).toBe('object');
  });

  it("the guest's own faults are told apart: unmapped, read-only, user page from S without SUM", () => {
    const g = guestMemory();
    g.map(1, DATA, PTE_R);
    g.map(2, DATA, PTE_R | PTE_W | PTE_U);
    g.shadow.select(S);
    expect(g.shadow.fill(VA, ACCESS_READ, S)).toEqual({ kind: 'guest-fault', pageFault: true });
    expect(g.shadow.fill(VA + 0x1000, ACCESS_WRITE, S)).toEqual({ kind: 'guest-fault', pageFault: true });
    expect(g.shadow.fill(VA + 0x2000, ACCESS_READ, S)).toEqual({ kind: 'guest-fault', pageFault: true });
    const withSum = { ...S, mstatus: 1 << 18 };
    g.shadow.select(withSum);
    expect(g.shadow.fill(VA + 0x2000, ACCESS_READ, withSum).kind).toBe('filled');
    expect(g.shadow.fill(VA + 0x2000, ACCESS_EXECUTE, withSum).kind).toBe('guest-fault');
  });

  it('guest U-mode and S-mode get different shadows of the same table', () => {
    const g = guestMemory();
    g.map(0, DATA, PTE_R | PTE_X);
    const sRoot = g.shadow.select(S);
    g.shadow.fill(VA, ACCESS_EXECUTE, S);
    const user = { ...S, priv: PRIV_U };
    expect(g.shadow.select(user)).not.toBe(sRoot);
    expect(g.shadow.fill(VA, ACCESS_EXECUTE, user).kind).toBe('guest-fault'); // not a U page
    expect(g.shadow.select(S)).toBe(sRoot); // cached per address space
    expect(g.shadow.shadowCount).toBe(2);
  });

  it("the guest's page-table pages are write-protected, and a write to one drops what came from it", () => {
    const g = guestMemory();
    g.map(0, DATA, PTE_R | PTE_W | PTE_D);
    g.map(1, L0, PTE_R | PTE_W | PTE_D); // the guest maps its own page table
    const satp = g.shadow.select(S);
    expect(g.shadow.fill(VA, ACCESS_WRITE, S).kind).toBe('filled');
    expect(g.shadow.protectedPages).toBe(2); // root and level-0 table
    // The table is mapped read-only in the shadow even though the guest PTE allows writes.
    expect(g.shadow.fill(VA + 0x1000, ACCESS_READ, S).kind).toBe('filled');
    expect(hostWalk(g.shadow, satp, VA + 0x1000, ACCESS_WRITE)).toBeLessThan(0);
    const w = g.shadow.fill(VA + 0x1000, ACCESS_WRITE, S);
    expect(w).toEqual({ kind: 'page-table-write', guestPage: L0 >>> 12 });
    // The hypervisor lets the store through once, then drops the stale shadow entries.
    g.shadow.allowWrite(VA + 0x1000, L0 >>> 12);
    g.map(0, DATA + 0x1000, PTE_R | PTE_W | PTE_D);
    g.shadow.pageTableWritten(L0 >>> 12);
    expect(hostWalk(g.shadow, satp, VA, ACCESS_READ)).toBeLessThan(0);
    g.shadow.fill(VA, ACCESS_READ, S);
    expect((hostWalk(g.shadow, satp, VA, ACCESS_READ) as { pageAddr: number }).pageAddr).toBe(DATA + 0x1000);
  });

  it('while the guest runs untranslated, an identity shadow keeps its page tables protected', () => {
    const g = guestMemory();
    g.map(0, DATA, PTE_R | PTE_W);
    const bareM = { satp: 0, priv: 3, mstatus: 0 };
    expect(g.shadow.select(bareM)).toBe(0); // nothing protected yet: run on physical memory
    g.shadow.select(S);
    g.shadow.fill(VA, ACCESS_READ, S);
    const identity = g.shadow.select(bareM);
    expect(identity).not.toBe(0);
    expect(g.shadow.fill(L0, ACCESS_WRITE, bareM)).toEqual({ kind: 'page-table-write', guestPage: L0 >>> 12 });
    expect(g.shadow.fill(DATA, ACCESS_WRITE, bareM).kind).toBe('filled');
  });

  it('the shadow store is bounded: past the limit every shadow is dropped and refilled', () => {
    const ram = new Ram(BASE, 1 << 20);
    const mem = { readPte: (pa: number) => ram.load(pa, 4), writePte: (pa: number, v: number) => ram.store(pa, 4, v) };
    for (let i = 0; i < 8; i++) { // eight level-0 tables, one page mapped in each
      const table = L0 + i * 0x1000;
      ram.store(ROOT + (256 + i) * 4, 4, ((table >>> 12) << 10) | PTE_V);
      ram.store(table, 4, ((DATA >>> 12) << 10) | PTE_V | PTE_R);
    }
    const shadow = new ShadowPageTables(mem, () => {}, 4);
    shadow.select(S);
    for (let i = 0; i < 8; i++) expect(shadow.fill(VA + i * 0x40_0000, ACCESS_READ, S).kind).toBe('filled');
    expect(shadow.pageCount).toBeLessThanOrEqual(5);
    expect(shadow.flushes).toBeGreaterThan(0);
  });
});

describe('a paging guest under full virtualization', () => {
  const g = guest('bare', 's-mode-sv32');

  it('prints what it prints on bare hardware, its own page faults reflected and the rest hidden', () => {
    const bare = runBare(g.image);
    const full = runProgram({ image: g.image, mode: 'full', maxInstructions: 10_000_000 });
    expect(full.console).toBe(bare.console);
    expect(full.exitCode).toBe(bare.exitCode);
    const by = full.exits.byCause;
    expect(by['page-fault-reflect']).toBe(3); // the load, store and fetch faults the kernel reports
    expect(by['shadow-fill']).toBeGreaterThan(0);
    expect(by['satp-write']).toBe(1);
    expect(by['sfence']).toBe(2);
    expect(by['sret']).toBeGreaterThan(0);
    expect(by['pt-write']).toBeGreaterThan(0); // the remap writes a table the shadow came from
  });
});

describe('paravirtualized memory (MMU_UPDATE, SET_ADDRESS_SPACE)', () => {
  const bare = guest('bare', 'sv32-tasks');
  const port = guest('pv', 'sv32-tasks');

  it('the ported kernel prints the same with at least 10x fewer memory exits than shadow paging', () => {
    const full = runProgram({ image: bare.image, mode: 'full', maxInstructions: 10_000_000 });
    const pv = runProgram({ image: port.image, mode: 'pv', maxInstructions: 10_000_000 });
    expect(full.console).toBe(bare.expectedStdout);
    expect(pv.console).toBe(bare.expectedStdout);
    expect(pv.exitCode).toBe(0);
    expect(pv.exits.byCause['pt-write'] ?? 0).toBe(0);
    expect(pv.exits.byCause['satp-write'] ?? 0).toBe(0);
    expect(pv.exits.byCause['mmu-hypercall']).toBeGreaterThan(0);
    expect(memoryExits(full.exits.byCause)).toBeGreaterThanOrEqual(10 * memoryExits(pv.exits.byCause));
  });

  it('an unported kernel under pv is shadowed exactly as under full (its tables stay write-protected)', () => {
    const full = runProgram({ image: bare.image, mode: 'full', maxInstructions: 10_000_000 });
    const pv = runProgram({ image: bare.image, mode: 'pv', maxInstructions: 10_000_000 });
    expect(pv.console).toBe(bare.expectedStdout);
    expect(pv.exits.byCause).toEqual(full.exits.byCause);
  });

  it('MMU_UPDATE checks every entry: a PTE outside guest RAM or a table pointer outside it is refused', () => {
    const vm = new Vm({ mode: 'pv', ramSize: 1 << 20 });
    const list = BASE + 0x1000;
    const pte = BASE + 0x2000;
    const put = (i: number, at: number, value: number) => {
      vm.memory.writeWord(list + 8 * i, at);
      vm.memory.writeWord(list + 8 * i + 4, value);
    };
    const call = (count: number) => serve(vm, { eid: Eid.Trapdoor, fid: TrapdoorFid.MmuUpdate, args: [list, count, 0, 0, 0, 0] }, false);
    put(0, pte, ((DATA >>> 12) << 10) | PTE_V | PTE_R);
    put(1, 0x1000, PTE_V | PTE_R);
    const r = call(2);
    expect(r.error).toBe(SbiError.InvalidParam);
    expect(r.value).toBe(1); // the first was applied
    expect(vm.memory.readWord(pte)).toBe(((DATA >>> 12) << 10) | PTE_V | PTE_R);
    put(0, pte + 4, ((0x4000_0000 >>> 12) << 10) | PTE_V); // next level outside RAM
    expect(call(1).error).toBe(SbiError.InvalidParam);
    expect(vm.memory.readWord(pte + 4)).toBe(0);
    put(0, pte + 4, PTE_V | PTE_W); // writable but not readable: reserved
    expect(call(1).error).toBe(SbiError.InvalidParam);
    expect(serve(vm, { eid: Eid.Trapdoor, fid: TrapdoorFid.MmuUpdate, args: [0x10, 1, 0, 0, 0, 0] }, false).error)
      .toBe(SbiError.InvalidAddress);
  });
});
