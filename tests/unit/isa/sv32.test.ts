// Sv32 translation against the privileged spec 4.3: the walk, page-fault causes and stval,
// accessed/dirty bits set by hardware (as QEMU does), U/SUM/MXR and execute-only
// permissions, megapages, sfence.vma and the TLB, MPRV, and bare mode.
import { describe, expect, it } from 'vitest';
import { CSR } from '../../../src/core/isa/csr.ts';
import { MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM, PRIV_M, PRIV_S, PRIV_U } from '../../../src/core/isa/privilege.ts';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../../../src/core/isa/sv32.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import type { Ram } from '../../../src/core/machine/ram.ts';
import { I, R, addi, csrrw, lw, sw } from './encode.ts';
import { BASE, cpuWith } from './harness.ts';

const MTVEC = BASE + 0x3000;
const STVEC = BASE + 0x3100;
const ROOT = BASE + 0x10000;
const L2 = BASE + 0x11000;
const DATA = BASE + 0x20000; // physical pages used as data
const VDATA = 0x00005000; // their virtual address (VPN1 = 0, through L2)
const RWX = PTE_R | PTE_W | PTE_X;
const SATP = (0x80000000 | (ROOT >>> 12)) | 0;
const sfence = (rs1: number) => ((0x09 << 25) | (rs1 << 15) | 0x73) >>> 0;
const amoswap = (rd: number, rs1: number, rs2: number) => R(0b0000100, rs2, rs1, 2, rd, 0x2f);
const lrw = (rd: number, rs1: number) => R(0b0001000, 0, rs1, 2, rd, 0x2f);

const word = (ram: Ram, pa: number) => ram.load(pa, 4);
const pte = (pa: number, flags: number) => (((pa / 4096) << 10) | flags) >>> 0;

/**
 * A hart at `priv` running `words` at BASE with Sv32 on: BASE's 4 MiB identity-mapped by a
 * megapage with `codeFlags`, and VDATA + 0x1000 * i mapped to DATA + 0x1000 * i with `dataFlags[i]`.
 */
function paged(words: number[], priv: number, dataFlags: number[], codeFlags = RWX | PTE_A | PTE_D) {
  const t = cpuWith(words, 0x100000);
  const { cpu, ram } = t;
  ram.store(ROOT + (BASE >>> 22) * 4, 4, pte(BASE, codeFlags | PTE_V));
  ram.store(ROOT + 0, 4, pte(L2, PTE_V));
  dataFlags.forEach((f, i) => ram.store(L2 + (((VDATA >>> 12) + i) & 0x3ff) * 4, 4, pte(DATA + i * 0x1000, f)));
  cpu.csr.mtvec = MTVEC;
  cpu.csr.stvec = STVEC;
  cpu.csr.satp = SATP;
  cpu.priv = priv;
  return t;
}

function dataPte(ram: Ram, i = 0): number {
  return word(ram, L2 + (((VDATA >>> 12) + i) & 0x3ff) * 4);
}

describe('Sv32 translation', () => {
  it('loads and stores reach the mapped physical page', () => {
    const { cpu, ram } = paged([...[lw(2, 1, 4), sw(3, 1, 8)]], PRIV_S, [PTE_V | PTE_R | PTE_W]);
    ram.store(DATA + 4, 4, 0x1234);
    cpu.x[1] = VDATA;
    cpu.x[3] = 0x5678;
    cpu.run(2);
    expect(cpu.x[2]).toBe(0x1234);
    expect(word(ram, DATA + 8)).toBe(0x5678);
    expect(cpu.pc).toBe(BASE + 8);
  });

  it('sets A on a load and A and D on a store, in the page-table entry (as QEMU)', () => {
    const { cpu, ram } = paged([lw(2, 1, 0), sw(2, 5, 0)], PRIV_S, [PTE_V | PTE_R | PTE_W, PTE_V | PTE_R | PTE_W]);
    cpu.x[1] = VDATA;
    cpu.x[5] = VDATA + 0x1000;
    cpu.step();
    expect(dataPte(ram, 0) & (PTE_A | PTE_D)).toBe(PTE_A);
    cpu.step();
    expect(dataPte(ram, 1) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
  });

  it('a store to a page first loaded from (A set, D clear) sets D', () => {
    const { cpu, ram } = paged([lw(2, 1, 0), sw(2, 1, 4)], PRIV_S, [PTE_V | PTE_R | PTE_W]);
    cpu.x[1] = VDATA;
    cpu.run(2);
    expect(dataPte(ram) & PTE_D).toBe(PTE_D);
  });

  it.each([
    ['load from an invalid page', lw(2, 1, 0), 0, Exception.LoadPageFault],
    ['store to an invalid page', sw(2, 1, 0), 0, Exception.StorePageFault],
    ['store to a read-only page', sw(2, 1, 0), PTE_V | PTE_R, Exception.StorePageFault],
    ['load from a W-only page (reserved encoding)', lw(2, 1, 0), PTE_V | PTE_W, Exception.LoadPageFault],
    ['AMO on a read-only page', amoswap(2, 1, 3), PTE_V | PTE_R, Exception.StorePageFault],
    ['LR from an invalid page', lrw(2, 1), 0, Exception.LoadPageFault],
  ])('%s raises the access-specific page fault with stval = the virtual address', (_n, insn, flags, cause) => {
    const { cpu } = paged([insn], PRIV_S, [flags]);
    cpu.x[1] = VDATA;
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_M);
    expect(cpu.csr.mcause).toBe(cause);
    expect(cpu.csr.mtval >>> 0).toBe(VDATA);
    expect(cpu.csr.mepc >>> 0).toBe(BASE);
  });

  it('a fetch from an unmapped page is an instruction page fault with stval = pc, delegated to S', () => {
    const { cpu } = paged([I(0, 1, 0, 0, 0x67)], PRIV_U, [0], RWX | PTE_U | PTE_A | PTE_D); // jr x1
    cpu.csr.medeleg = 1 << Exception.InstructionPageFault;
    cpu.x[1] = VDATA + 0x10;
    cpu.run(2);
    expect(cpu.priv).toBe(PRIV_S);
    expect(cpu.csr.scause).toBe(Exception.InstructionPageFault);
    expect(cpu.csr.stval).toBe(VDATA + 0x10);
    expect(cpu.csr.sepc).toBe(VDATA + 0x10);
  });

  it('a 32-bit instruction straddling into an unmapped page faults on the second page; epc = its start', () => {
    const { cpu, ram } = paged([], PRIV_S, [PTE_V | RWX, 0]);
    ram.store(DATA + 0xffe, 2, 0x0513); // low half of addi a0, x0, 0
    cpu.pc = VDATA + 0xffe;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.InstructionPageFault);
    expect(cpu.csr.mtval).toBe(VDATA + 0x1000);
    expect(cpu.csr.mepc).toBe(VDATA + 0xffe);
  });

  it('a PTE pointing outside memory gives an access fault, not a page fault', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_S, [PTE_V | PTE_R]);
    ram.store(L2 + (VDATA >>> 12) * 4, 4, pte(0x40000000, PTE_V | PTE_R));
    cpu.x[1] = VDATA;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.LoadAccessFault);
    expect(cpu.csr.mtval).toBe(VDATA);
  });

  it('a misaligned megapage (PPN[0] != 0) is a page fault', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_S, []);
    ram.store(ROOT + 4, 4, pte(DATA, PTE_V | PTE_R)); // VPN1 = 1 -> a leaf at level 1
    cpu.x[1] = 0x00400000;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.LoadPageFault);
  });

  it('a megapage maps va[21:0] through', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_S, []);
    ram.store(ROOT + 4, 4, pte(BASE, PTE_V | PTE_R)); // VA 4 MiB..8 MiB -> BASE
    ram.store(BASE + 0x21000, 4, 0xabc);
    cpu.x[1] = 0x00400000 + 0x21000;
    cpu.run(1);
    expect(cpu.x[2]).toBe(0xabc);
  });
});

describe('permissions: U, SUM, MXR, execute-only (4.3.1, 3.1.6.3)', () => {
  const load = (priv: number, flags: number, mstatus = 0, codeFlags = RWX | PTE_A | PTE_D) => {
    const { cpu } = paged([lw(2, 1, 0)], priv, [flags], codeFlags);
    cpu.csr.mstatus = mstatus;
    cpu.x[1] = VDATA;
    cpu.run(1);
    return cpu.csr.mcause === 0 ? 'ok' : cpu.csr.mcause;
  };
  const UCODE = RWX | PTE_U | PTE_A | PTE_D;

  it('U-mode may use only U pages', () => {
    expect(load(PRIV_U, PTE_V | PTE_R | PTE_U, 0, UCODE)).toBe('ok');
    expect(load(PRIV_U, PTE_V | PTE_R, 0, UCODE)).toBe(Exception.LoadPageFault);
  });

  it('S-mode loads from U pages only with SUM', () => {
    expect(load(PRIV_S, PTE_V | PTE_R | PTE_U)).toBe(Exception.LoadPageFault);
    expect(load(PRIV_S, PTE_V | PTE_R | PTE_U, MSTATUS_SUM)).toBe('ok');
  });

  it('S-mode never executes from U pages, SUM or not', () => {
    const { cpu } = paged([], PRIV_S, [], UCODE);
    cpu.csr.mstatus = MSTATUS_SUM;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.InstructionPageFault);
    expect(cpu.csr.mtval >>> 0).toBe(BASE);
  });

  it('loads from execute-only pages fail unless MXR; fetches succeed', () => {
    expect(load(PRIV_S, PTE_V | PTE_X)).toBe(Exception.LoadPageFault);
    expect(load(PRIV_S, PTE_V | PTE_X, MSTATUS_MXR)).toBe('ok');
    const { cpu } = paged([], PRIV_S, [PTE_V | PTE_X]);
    cpu.pc = VDATA;
    cpu.run(1); // the fetch is allowed: the zero parcel there is an illegal instruction
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });

  it('M-mode with MPRV translates loads and stores as MPP, but not fetches', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_M, [PTE_V | PTE_R]);
    ram.store(DATA, 4, 77);
    cpu.csr.mstatus = MSTATUS_MPRV | (PRIV_S << 11);
    cpu.x[1] = VDATA;
    cpu.run(1);
    expect(cpu.x[2]).toBe(77);
    expect(cpu.pc).toBe(BASE + 4);
  });

  it('M-mode without MPRV ignores satp', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_M, [PTE_V | PTE_R]);
    ram.store(BASE + 0x40, 4, 55);
    cpu.x[1] = BASE + 0x40;
    cpu.run(1);
    expect(cpu.x[2]).toBe(55);
  });

  it('S-mode with satp bare uses physical addresses', () => {
    const { cpu, ram } = paged([lw(2, 1, 0)], PRIV_S, []);
    cpu.csr.satp = 0;
    ram.store(BASE + 0x40, 4, 66);
    cpu.x[1] = BASE + 0x40;
    cpu.run(1);
    expect(cpu.x[2]).toBe(66);
  });
});

describe('sfence.vma and the TLB (4.2.1)', () => {
  function remapAfterUse(fence: number) {
    const { cpu, ram } = paged([lw(2, 1, 0), addi(0, 0, 0), fence, lw(3, 1, 0)], PRIV_S, [PTE_V | PTE_R | PTE_A]);
    ram.store(DATA, 4, 1);
    ram.store(DATA + 0x1000, 4, 2);
    cpu.x[1] = VDATA;
    cpu.x[4] = SATP;
    cpu.step();
    ram.store(L2 + (VDATA >>> 12) * 4, 4, pte(DATA + 0x1000, PTE_V | PTE_R | PTE_A)); // software changes the PTE
    cpu.run(3);
    return [cpu.x[2], cpu.x[3]];
  }

  it('a cached translation stays in use until sfence.vma (the TLB)', () => {
    expect(remapAfterUse(addi(0, 0, 0))).toEqual([1, 1]);
  });

  it('sfence.vma x0, x0 flushes every translation', () => {
    expect(remapAfterUse(sfence(0))).toEqual([1, 2]);
  });

  it('sfence.vma with an address flushes that page', () => {
    expect(remapAfterUse(sfence(1))).toEqual([1, 2]);
  });

  it('writing satp (even the same value) flushes cached translations', () => {
    expect(remapAfterUse(csrrw(0, CSR.satp, 4))).toEqual([1, 2]);
  });
});

void PRIV_U;

describe('saved state', () => {
  it('keeps cached translations: a restored hart sees the same stale mapping until sfence.vma', () => {
    const words = [lw(2, 1, 0), addi(0, 0, 0), lw(3, 1, 0)];
    const { cpu, ram } = paged(words, PRIV_S, [PTE_V | PTE_R | PTE_A]);
    ram.store(DATA, 4, 1);
    ram.store(DATA + 0x1000, 4, 2);
    cpu.x[1] = VDATA;
    cpu.step();
    ram.store(L2 + (VDATA >>> 12) * 4, 4, pte(DATA + 0x1000, PTE_V | PTE_R | PTE_A));
    const saved = structuredClone(cpu.getState());
    const other = paged(words, PRIV_S, []);
    other.ram.setState(ram.getState());
    other.cpu.setState(saved);
    other.cpu.run(2);
    cpu.run(2);
    expect(other.cpu.x[3]).toBe(cpu.x[3]);
    expect(other.cpu.x[3]).toBe(1);
  });
});
