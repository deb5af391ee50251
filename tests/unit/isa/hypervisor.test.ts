// The H extension against the privileged spec's chapter "Hypervisor Extension": HS, VS and
// VU modes, the hypervisor and VS CSRs, two-stage translation, hfence, hlv/hsv, virtual
// instruction and guest-page faults, delegation to VS and the save/restore of it all.
// Programs are assembled by Trapdoor's own assembler; the whole-program check against QEMU
// is tests/fixtures/bare/h-extension.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { Cpu, type CpuState } from '../../../src/core/isa/cpu.ts';
import type { CpuKind } from '../../../src/core/isa/cpu-kind.ts';
import { CSR } from '../../../src/core/isa/csr.ts';
import {
  HCSR, HSTATUS_GVA, HSTATUS_HU, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW,
  MSTATUSH_GVA, MSTATUSH_MPV,
} from '../../../src/core/isa/hypervisor-extension.ts';
import {
  MIP_STIP, MIP_VSSIP, MIP_VSTIP, MSTATUS_MPP_SHIFT, MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPP, MSTATUS_TVM,
  MSTATUS_TW, PRIV_M, PRIV_S, PRIV_U,
} from '../../../src/core/isa/privilege.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import { RamOnlyMemory } from '../../../src/core/machine/ram-only-memory.ts';
import { RAM_BASE, Ram } from '../../../src/core/machine/ram.ts';

// Memory layout of the test hart (1 MiB of RAM at 0x80000000).
const STVEC = 0x80000800;
const MTVEC = 0x80000900;
const VSTVEC = 0x80000a00;
const G_ROOT = 0x80010000; // 16 KiB, 16 KiB-aligned
const G_L0 = 0x80014000;
const VS_ROOT = 0x80020000;
const VS_L0 = 0x80021000;
const GUEST_DATA = 0x80030000; // behind guest-physical 0x00000000
const HOST_DATA = 0x80040000; // behind host-virtual 0x00400000 (V=0 Sv32)
const HOST_ROOT = 0x80050000;
const HOST_L0 = 0x80051000;
const OTHER_DATA = 0x80060000;
const VA = 0x00400000;

const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
const RWXAD = V | R | W | X | A | D;
const SV32 = 0x80000000;

function pte(pa: number, flags: number): number {
  return ((pa / 4096) * 1024 + flags) >>> 0;
}

/** A hart with the program `src` at 0x80000000, the trap vectors set, in `priv` (and V). */
function hart(src: string, priv = PRIV_S, virt = false, kind: CpuKind = 'interp') {
  const r = assemble(`.text\n${src}\n`);
  expect(r.diagnostics).toEqual([]);
  const ram = new Ram(RAM_BASE, 0x100000);
  for (const seg of r.image!.segments) ram.write(seg.vaddr, seg.bytes);
  const cpu = new Cpu(new RamOnlyMemory(ram), { kind });
  cpu.reset(RAM_BASE);
  cpu.csr.mtvec = MTVEC;
  cpu.csr.stvec = STVEC;
  cpu.csr.h.vstvec = VSTVEC;
  cpu.priv = priv;
  cpu.virt = virt;
  const word = (addr: number, value: number) => ram.store(addr, 4, value >>> 0);
  for (const handler of [STVEC, MTVEC, VSTVEC]) word(handler, 0x13); // nop: a trap ends quietly
  return { cpu, ram, word, read: (addr: number) => ram.load(addr, 4) >>> 0 };
}

type Hart = ReturnType<typeof hart>;

/**
 * Two-stage tables: G-stage maps guest-physical 0x80000000 (4 MiB, the code) to itself and
 * guest-physical 0 (one page) to GUEST_DATA; the guest's own table maps its code megapage
 * and VA to guest-physical 0.
 */
function twoStage(t: Hart, gLeaf = RWXAD | U, vsLeaf = V | R | W | A | D): void {
  t.word(G_ROOT + 0x200 * 4, pte(0x80000000, RWXAD | U));
  t.word(G_ROOT + 0, pte(G_L0, V));
  t.word(G_L0 + 0, pte(GUEST_DATA, gLeaf));
  t.word(VS_ROOT + 0x200 * 4, pte(0x80000000, RWXAD));
  t.word(VS_ROOT + 4, pte(VS_L0, V));
  t.word(VS_L0 + 0, pte(0, vsLeaf));
  t.cpu.csr.h.hgatp = (SV32 | (G_ROOT / 4096)) | 0;
  t.cpu.csr.h.vsatp = (SV32 | (VS_ROOT / 4096)) | 0;
}

/** Delegates these exceptions to HS-mode (medeleg). */
function toHs(t: Hart, ...causes: number[]): void {
  for (const c of causes) t.cpu.csr.medeleg |= 1 << c;
}

describe('H extension CSRs', () => {
  it('HS-mode reaches the hypervisor CSRs; U-mode may not', () => {
    const t = hart('li x1, 0x200000\ncsrw hstatus, x1\ncsrr x2, hstatus');
    t.cpu.run(3);
    expect(t.cpu.x[2]).toBe(HSTATUS_VTW);
    const u = hart('csrr x2, hstatus', PRIV_U);
    u.cpu.run(1);
    expect(u.cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });

  it('in VS-mode the s* CSRs are the vs* CSRs; the vs* and h* numbers are virtual instructions', () => {
    const t = hart('csrw sscratch, x5\ncsrr x6, sstatus\ncsrr x7, vsscratch', PRIV_S, true);
    toHs(t, Exception.VirtualInstruction);
    t.cpu.x[5] = 0x1234;
    t.cpu.csr.h.vsstatus = MSTATUS_SIE;
    t.cpu.csr.mstatus = MSTATUS_MXR; // HS's sstatus: not what the guest sees
    t.cpu.run(3);
    expect(t.cpu.csr.h.vsscratch).toBe(0x1234);
    expect(t.cpu.csr.sscratch).toBe(0);
    expect(t.cpu.x[6]).toBe(MSTATUS_SIE);
    // The third instruction trapped to HS-mode: cause 22, stval = the instruction bits.
    expect(t.cpu.csr.scause).toBe(Exception.VirtualInstruction);
    expect(t.cpu.csr.stval >>> 0).toBe(t.read(RAM_BASE + 8));
    expect(t.cpu.pc).toBe(STVEC);
    expect([t.cpu.priv, t.cpu.virt]).toEqual([PRIV_S, false]);
    expect(t.cpu.csr.h.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA)).toBe(HSTATUS_SPV | HSTATUS_SPVP);
  });

  it('satp in VS-mode is vsatp (and the host satp is untouched); with hstatus.VTVM it is virtual', () => {
    const t = hart('csrw satp, x5', PRIV_S, true);
    t.cpu.x[5] = 0x80000123;
    t.cpu.run(1);
    expect([t.cpu.csr.h.vsatp >>> 0, t.cpu.csr.satp]).toEqual([0x80000123, 0]);
    const v = hart('csrw satp, x5', PRIV_S, true);
    toHs(v, Exception.VirtualInstruction);
    v.cpu.csr.h.hstatus = HSTATUS_VTVM;
    v.cpu.csr.mstatus = MSTATUS_TVM; // mstatus.TVM does not affect VS-mode
    v.cpu.run(1);
    expect(v.cpu.csr.scause).toBe(Exception.VirtualInstruction);
  });

  it('hgatp: PPN[1:0] read as zero, no VMID bits; illegal in HS-mode with mstatus.TVM', () => {
    const t = hart('li x5, -1\ncsrw hgatp, x5\ncsrr x6, hgatp');
    t.cpu.run(3);
    expect(t.cpu.x[6] >>> 0).toBe(0x803ffffc);
    const v = hart('csrr x6, hgatp');
    v.cpu.csr.mstatus = MSTATUS_TVM;
    v.cpu.run(1);
    expect(v.cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });

  it('counters: hcounteren clear is a virtual instruction in VS-mode when mcounteren allows', () => {
    const t = hart('rdtime x5', PRIV_S, true);
    toHs(t, Exception.VirtualInstruction);
    t.cpu.csr.mcounteren = 7;
    t.cpu.run(1);
    expect(t.cpu.csr.scause).toBe(Exception.VirtualInstruction);
    const ok = hart('rdtime x5', PRIV_S, true);
    ok.cpu.csr.mcounteren = 7;
    ok.cpu.csr.h.hcounteren = 7;
    ok.cpu.csr.write(HCSR.htimedelta, 1000); // VS-mode time = time + htimedelta
    ok.cpu.clock.cycles = 50_000;
    ok.cpu.run(1);
    expect(ok.cpu.x[5]).toBe(ok.cpu.clock.mtime() + 1000);
  });

  it('medeleg may also delegate ecall from VS and causes 20-23; hedeleg never those', () => {
    const t = hart('li x5, -1\ncsrw medeleg, x5\ncsrw hedeleg, x5\ncsrr x6, hedeleg', PRIV_M);
    t.cpu.run(4);
    expect(t.cpu.csr.medeleg).toBe(0xb3ff | (1 << 10) | (0xf << 20));
    expect(t.cpu.x[6]).toBe(0xb1ff);
  });
});

describe('trap entry and return with V', () => {
  it('a trap from VS-mode into HS-mode: SPV, SPVP, SPP, V = 0; sret with SPV goes back', () => {
    const t = hart('ecall', PRIV_S, true);
    toHs(t, Exception.EcallFromVS);
    t.cpu.run(1);
    expect(t.cpu.csr.scause).toBe(Exception.EcallFromVS);
    expect(t.cpu.csr.h.hstatus & (HSTATUS_SPV | HSTATUS_SPVP)).toBe(HSTATUS_SPV | HSTATUS_SPVP);
    expect(t.cpu.csr.mstatus & MSTATUS_SPP).toBe(MSTATUS_SPP);
    expect(t.cpu.virt).toBe(false);
    // sret in HS-mode: V = SPV, privilege = SPP, then SPV = 0 ("Trap Return").
    t.word(STVEC, 0x10200073);
    t.cpu.csr.sepc = RAM_BASE + 0x100;
    t.cpu.run(1);
    expect([t.cpu.pc, t.cpu.priv, t.cpu.virt]).toEqual([RAM_BASE + 0x100, PRIV_S, true]);
    expect(t.cpu.csr.h.hstatus & HSTATUS_SPV).toBe(0);
  });

  it('a trap from VU-mode into M-mode sets MPV and MPP = U; mret with MPV returns to VU-mode', () => {
    const t = hart('ecall', PRIV_U, true);
    t.cpu.run(1);
    expect(t.cpu.csr.mcause).toBe(Exception.EcallFromU);
    expect(t.cpu.csr.h.mstatush & MSTATUSH_MPV).toBe(MSTATUSH_MPV);
    expect((t.cpu.csr.mstatus >>> MSTATUS_MPP_SHIFT) & 3).toBe(PRIV_U);
    expect([t.cpu.priv, t.cpu.virt]).toEqual([PRIV_M, false]);
    t.word(MTVEC, 0x30200073);
    t.cpu.csr.mepc = RAM_BASE + 0x100;
    t.cpu.run(1);
    expect([t.cpu.pc, t.cpu.priv, t.cpu.virt]).toEqual([RAM_BASE + 0x100, PRIV_U, true]);
    expect(t.cpu.csr.h.mstatush & MSTATUSH_MPV).toBe(0);
  });

  it('hedeleg sends a VS-mode exception to VS-mode: vs* CSRs written, HS state untouched', () => {
    const t = hart('ebreak', PRIV_S, true);
    toHs(t, Exception.Breakpoint);
    t.cpu.csr.write(HCSR.hedeleg, 1 << Exception.Breakpoint);
    t.cpu.csr.h.vsstatus = MSTATUS_SIE;
    t.cpu.run(1);
    expect([t.cpu.pc, t.cpu.priv, t.cpu.virt]).toEqual([VSTVEC, PRIV_S, true]);
    expect([t.cpu.csr.h.vscause, t.cpu.csr.h.vsepc >>> 0]).toEqual([Exception.Breakpoint, RAM_BASE]);
    expect(t.cpu.csr.h.vsstatus).toBe(MSTATUS_SPP | (1 << 5)); // SPP = S, SPIE = old SIE, SIE = 0
    expect([t.cpu.csr.scause, t.cpu.csr.h.hstatus]).toEqual([0, 0]);
    // sret in VS-mode returns with vsepc and vsstatus, staying in V = 1.
    t.word(VSTVEC, 0x10200073);
    t.cpu.csr.h.vsepc = RAM_BASE + 0x40;
    t.cpu.run(1);
    expect([t.cpu.pc, t.cpu.priv, t.cpu.virt]).toEqual([RAM_BASE + 0x40, PRIV_S, true]);
    expect(t.cpu.csr.h.vsstatus & MSTATUS_SIE).toBe(MSTATUS_SIE);
  });

  it('ecall from VS-mode is cause 10, from VU-mode 8, from HS-mode 9', () => {
    for (const [priv, virt, cause] of [[PRIV_S, true, 10], [PRIV_U, true, 8], [PRIV_S, false, 9]] as const) {
      const t = hart('ecall', priv, virt);
      t.cpu.run(1);
      expect(t.cpu.csr.mcause).toBe(cause);
    }
  });
});

describe('virtual-instruction exceptions ("Trap Cause Codes")', () => {
  const cases: Array<[string, string, number, boolean, (t: Hart) => void, number]> = [
    ['wfi in VU-mode', 'wfi', PRIV_U, true, () => {}, Exception.VirtualInstruction],
    ['wfi in VS-mode with hstatus.VTW', 'wfi', PRIV_S, true, (t) => { t.cpu.csr.h.hstatus = HSTATUS_VTW; }, Exception.VirtualInstruction],
    ['wfi in VS-mode with mstatus.TW (illegal)', 'wfi', PRIV_S, true, (t) => { t.cpu.csr.mstatus = MSTATUS_TW; }, Exception.IllegalInstruction],
    ['sret in VU-mode', 'sret', PRIV_U, true, () => {}, Exception.VirtualInstruction],
    ['sret in VS-mode with hstatus.VTSR', 'sret', PRIV_S, true, (t) => { t.cpu.csr.h.hstatus = HSTATUS_VTSR; }, Exception.VirtualInstruction],
    ['sfence.vma in VU-mode', 'sfence.vma', PRIV_U, true, () => {}, Exception.VirtualInstruction],
    ['hfence.vvma in VS-mode', 'hfence.vvma', PRIV_S, true, () => {}, Exception.VirtualInstruction],
    ['hfence.gvma in U-mode (illegal)', 'hfence.gvma', PRIV_U, false, () => {}, Exception.IllegalInstruction],
    ['hlv.w in VS-mode', 'hlv.w x5, (x6)', PRIV_S, true, () => {}, Exception.VirtualInstruction],
    ['hlv.w in U-mode without hstatus.HU (illegal)', 'hlv.w x5, (x6)', PRIV_U, false, () => {}, Exception.IllegalInstruction],
    ['mret in VS-mode (illegal)', 'mret', PRIV_S, true, () => {}, Exception.IllegalInstruction],
    ['sstatus in VU-mode', 'csrr x5, sstatus', PRIV_U, true, () => {}, Exception.VirtualInstruction],
    ['mstatus in VS-mode (illegal)', 'csrr x5, mstatus', PRIV_S, true, () => {}, Exception.IllegalInstruction],
  ];
  for (const [name, src, priv, virt, setup, cause] of cases) {
    it(name, () => {
      const t = hart(src, priv, virt);
      setup(t);
      t.cpu.run(1);
      expect(t.cpu.csr.mcause).toBe(cause);
      expect(t.cpu.csr.mtval >>> 0).toBe(t.read(RAM_BASE)); // the instruction bits
    });
  }
});

describe('two-stage address translation', () => {
  it('a guest load and store go through vsatp, then hgatp, to host memory', () => {
    const t = hart('li x6, 0x400000\nlw x5, 8(x6)\nsw x5, 12(x6)', PRIV_S, true);
    twoStage(t);
    t.word(GUEST_DATA + 8, 0xfeedbeef);
    t.cpu.run(4);
    expect(t.cpu.x[5] >>> 0).toBe(0xfeedbeef);
    expect(t.read(GUEST_DATA + 12)).toBe(0xfeedbeef);
    // A and D were set in both stages' leaves.
    expect(t.read(VS_L0) & (A | D)).toBe(A | D);
    expect(t.read(G_L0) & (A | D)).toBe(A | D);
  });

  it('a G-stage leaf without U is a guest-page fault: stval = guest-virtual, htval = guest-physical >> 2', () => {
    const t = hart('li x6, 0x400000\nlw x5, 0x10(x6)', PRIV_S, true);
    twoStage(t, RWXAD);
    toHs(t, Exception.LoadGuestPageFault);
    t.cpu.run(3);
    expect(t.cpu.csr.scause).toBe(Exception.LoadGuestPageFault);
    expect(t.cpu.csr.stval >>> 0).toBe(VA + 0x10);
    expect(t.cpu.csr.h.htval).toBe(0x10 >> 2);
    expect(t.cpu.csr.h.htinst).toBe(0);
    expect(t.cpu.csr.h.hstatus & HSTATUS_GVA).toBe(HSTATUS_GVA);
  });

  it('a store to a read-only G-stage page is a store guest-page fault taken in M-mode (mtval2)', () => {
    const t = hart('li x6, 0x400000\nsw x5, 4(x6)', PRIV_U, true);
    twoStage(t, V | R | U | A | D, V | R | W | U | A | D);
    t.word(VS_ROOT + 0x200 * 4, pte(0x80000000, RWXAD | U)); // VU-mode runs the code
    t.cpu.run(3);
    expect(t.cpu.csr.mcause).toBe(Exception.StoreGuestPageFault);
    expect(t.cpu.csr.mtval >>> 0).toBe(VA + 4);
    expect(t.cpu.csr.h.mtval2).toBe(1);
    expect(t.cpu.csr.h.mstatush).toBe(MSTATUSH_MPV | MSTATUSH_GVA);
  });

  it('a VS-stage page-table read the G-stage refuses is a guest-page fault with a pseudoinstruction in htinst', () => {
    const t = hart('nop', PRIV_S, true);
    twoStage(t);
    t.cpu.csr.h.vsatp = (SV32 | (0xc0000000 / 4096)) | 0; // the guest's root: nothing behind it
    toHs(t, Exception.InstructionGuestPageFault);
    t.cpu.run(1);
    expect(t.cpu.csr.scause).toBe(Exception.InstructionGuestPageFault);
    expect(t.cpu.csr.stval >>> 0).toBe(RAM_BASE);
    expect(t.cpu.csr.h.htval >>> 0).toBe((0xc0000000 + 0x200 * 4) / 4); // the PTE's address
    expect(t.cpu.csr.h.htinst).toBe(0x2000);
  });

  it('a VS-stage fault is an ordinary page fault (cause 13), delegable to VS-mode', () => {
    const t = hart('li x6, 0x401000\nlw x5, 0(x6)', PRIV_S, true);
    twoStage(t);
    toHs(t, Exception.LoadPageFault);
    t.cpu.csr.write(HCSR.hedeleg, 1 << Exception.LoadPageFault);
    t.cpu.run(2);
    expect([t.cpu.pc, t.cpu.virt, t.cpu.csr.h.vscause]).toEqual([VSTVEC, true, Exception.LoadPageFault]);
    expect(t.cpu.csr.h.vstval >>> 0).toBe(VA + 0x1000);
  });

  it('translations are cached per V: the host and guest mappings of one address never mix', () => {
    const t = hart(`
      li x6, 0x400000
      lw x5, 0(x6)          # HS-mode, host Sv32: HOST_DATA
      la x1, guest
      csrw sepc, x1
      li x1, 0x80
      csrs hstatus, x1      # SPV
      li x1, 0x100
      csrs sstatus, x1      # SPP = S
      sret
    guest:
      lw x7, 0(x6)          # VS-mode, two stages: GUEST_DATA
      ecall
    `);
    twoStage(t);
    t.word(HOST_ROOT + 0x200 * 4, pte(0x80000000, RWXAD));
    t.word(HOST_ROOT + 4, pte(HOST_L0, V));
    t.word(HOST_L0, pte(HOST_DATA, V | R | W | A | D));
    t.cpu.csr.satp = (SV32 | (HOST_ROOT / 4096)) | 0;
    t.word(HOST_DATA, 111);
    t.word(GUEST_DATA, 222);
    toHs(t, Exception.EcallFromVS);
    t.word(STVEC, t.read(RAM_BASE + 4)); // the handler: lw x5, 0(x6) again, in HS-mode
    t.cpu.run(13);
    expect([t.cpu.x[5], t.cpu.x[7]]).toEqual([111, 222]);
    expect(t.cpu.csr.scause).toBe(Exception.EcallFromVS);
  });

  it('hfence.vvma makes a changed guest PTE seen; until then the cached translation stays', () => {
    // VA + 0x1000: a TLB slot of its own (the code's page shares VA's slot).
    const t = hart('li x6, 0x401000\nlw x5, 0(x6)\nlw x5, 0(x6)', PRIV_S, true);
    twoStage(t);
    t.word(VS_L0 + 4, pte(0, V | R | W | A | D));
    t.word(G_L0 + 4, pte(OTHER_DATA, RWXAD | U)); // guest-physical page 1
    t.word(GUEST_DATA, 1);
    t.word(OTHER_DATA, 2);
    t.cpu.run(3);
    expect(t.cpu.x[5]).toBe(1);
    t.word(VS_L0 + 4, pte(0x1000, V | R | W | A | D)); // the guest's PTE now says page 1
    t.cpu.pc = RAM_BASE + 8;
    t.cpu.run(1);
    expect(t.cpu.x[5]).toBe(1); // stale, as the spec allows until a fence
    t.word(RAM_BASE + 0x40, 0x22000073); // hfence.vvma, in HS-mode
    t.cpu.virt = false;
    t.cpu.pc = RAM_BASE + 0x40;
    t.cpu.run(1);
    t.cpu.virt = true;
    t.cpu.pc = RAM_BASE + 8;
    t.cpu.run(1);
    expect(t.cpu.x[5]).toBe(2);
  });
});

describe('hypervisor virtual-machine loads and stores', () => {
  it('hlv and hsv access guest-virtual memory as VS-mode (hstatus.SPVP = 1) from HS-mode', () => {
    const t = hart(`
      li x6, 0x400000
      hlv.w x5, (x6)
      addi x9, x6, 6
      hsv.h x5, (x9)
      hlv.hu x7, (x6)
      addi x10, x6, 3
      hlv.b x8, (x10)`);
    twoStage(t);
    t.cpu.csr.h.hstatus = HSTATUS_SPVP;
    t.word(GUEST_DATA, 0x80c1a2b3);
    t.cpu.run(20);
    expect(t.cpu.x[5] >>> 0).toBe(0x80c1a2b3);
    expect(t.read(GUEST_DATA + 4) >>> 16).toBe(0xa2b3);
    expect(t.cpu.x[7]).toBe(0xa2b3);
    expect(t.cpu.x[8]).toBe(-128); // hlv.b sign-extends 0x80
    expect(t.cpu.virt).toBe(false);
  });

  it('U-mode may use them only with hstatus.HU', () => {
    const t = hart('li x6, 0x400000\nhlv.w x5, (x6)', PRIV_U);
    twoStage(t, RWXAD | U, V | R | U | A);
    t.cpu.csr.h.hstatus = HSTATUS_HU; // SPVP = 0: as VU-mode, which needs U pages
    t.word(GUEST_DATA, 77);
    t.cpu.run(3);
    expect(t.cpu.x[5]).toBe(77);
  });

  it('hlvx reads an execute-only page, hlv faults there with GVA set and SPV clear', () => {
    const t = hart('li x6, 0x400000\nhlvx.wu x5, (x6)\nhlv.w x7, (x6)');
    twoStage(t, RWXAD | U, V | X | A);
    t.cpu.csr.h.hstatus = HSTATUS_SPVP;
    toHs(t, Exception.LoadPageFault);
    t.word(GUEST_DATA, 99);
    t.cpu.run(4);
    expect(t.cpu.x[5]).toBe(99);
    expect(t.cpu.csr.scause).toBe(Exception.LoadPageFault);
    expect(t.cpu.csr.h.hstatus & (HSTATUS_GVA | HSTATUS_SPV)).toBe(HSTATUS_GVA);
  });
});

describe('VS-level interrupts', () => {
  it('hvip.VSTIP delegated by hideleg is taken in VS-mode as a supervisor timer interrupt (cause 5)', () => {
    const t = hart('nop\nnop', PRIV_S, true);
    t.cpu.csr.write(HCSR.hideleg, MIP_VSTIP);
    t.cpu.csr.write(HCSR.hvip, MIP_VSTIP);
    t.cpu.csr.write(HCSR.vsie, MIP_STIP); // vsie.STIE is hie.VSTIE
    t.cpu.csr.h.vsstatus = MSTATUS_SIE;
    t.cpu.run(1); // the interrupt, then the handler's first instruction (a nop)
    expect([t.cpu.pc, t.cpu.virt]).toEqual([VSTVEC + 4, true]);
    expect(t.cpu.csr.h.vscause >>> 0).toBe(0x80000005);
    expect(t.cpu.csr.read(HCSR.vsip)! & MIP_STIP).toBe(MIP_STIP);
  });

  it('in HS-mode a delegated VS-level interrupt waits for V = 1; not delegated, HS takes it (cause 6)', () => {
    const t = hart('nop\nnop');
    t.cpu.csr.write(HCSR.hideleg, MIP_VSTIP);
    t.cpu.csr.write(HCSR.hvip, MIP_VSTIP);
    t.cpu.csr.write(HCSR.hie, MIP_VSTIP);
    t.cpu.csr.mstatus = MSTATUS_SIE;
    t.cpu.run(2);
    expect(t.cpu.pc).toBe(RAM_BASE + 8);
    const h = hart('nop', PRIV_S, true);
    h.cpu.csr.write(HCSR.hvip, MIP_VSTIP);
    h.cpu.csr.write(HCSR.hie, MIP_VSTIP);
    h.cpu.run(1); // V = 1: HS-level interrupts are enabled whatever sstatus.SIE says
    expect([h.cpu.pc, h.cpu.virt, h.cpu.csr.scause >>> 0]).toEqual([STVEC + 4, false, 0x80000006]);
  });

  it('mideleg shows the VS-level interrupts as always delegated; mip.VSSIP is hvip.VSSIP', () => {
    const t = hart('csrr x5, mideleg\ncsrsi mip, 4\ncsrr x6, hvip', PRIV_M);
    t.cpu.run(3);
    expect(t.cpu.x[5]).toBe(0x444);
    expect(t.cpu.x[6]).toBe(MIP_VSSIP);
  });
});

describe('a hypervisor in TypeScript (interceptGuestTraps)', () => {
  it('a guest trap bound for HS-mode ends run() with the guest-physical address; no CSR changes', () => {
    const t = hart('li x6, 0x400000\nlw x5, 0x10(x6)', PRIV_S, true);
    twoStage(t, RWXAD);
    t.cpu.interceptGuestTraps = true;
    const stop = t.cpu.run(5);
    expect(stop).toEqual({
      kind: 'trap',
      trap: { cause: Exception.LoadGuestPageFault, tval: VA + 0x10, pc: RAM_BASE + 4, insn: t.read(RAM_BASE + 4), interrupt: false, virtual: true, guestPhysical: 0x10 },
    });
    expect([t.cpu.virt, t.cpu.priv, t.cpu.csr.scause, t.cpu.csr.h.htval]).toEqual([true, PRIV_S, 0, 0]);
  });
});

describe('H state', () => {
  it('save and restore keep V, the H CSRs and the cached guest translations', () => {
    const t = hart('li x6, 0x400000\nlw x5, 0(x6)\nlw x5, 0(x6)', PRIV_S, true);
    twoStage(t);
    t.cpu.run(3);
    const saved = structuredClone(t.cpu.getState());
    const u = hart('nop');
    u.ram.write(RAM_BASE, t.ram.read(RAM_BASE, 0x100000));
    u.cpu.setState(saved);
    expect(u.cpu.getState()).toEqual(t.cpu.getState());
    expect(u.cpu.virt).toBe(true);
  });

  it('reads a version-3 state (before the H extension): V = 0, H registers at reset', () => {
    const t = hart('nop');
    const s = t.cpu.getState() as CpuState & { csr: { version: number } };
    const { virt: _v, guestTlb: _g, ...v3 } = s;
    const { hypervisor: _h, h: _hh, ...csr2 } = s.csr;
    t.cpu.virt = true;
    t.cpu.csr.h.hstatus = HSTATUS_SPV;
    t.cpu.setState({ ...v3, version: 3, csr: { ...csr2, version: 2 } } as CpuState);
    expect([t.cpu.virt, t.cpu.csr.h.hstatus, t.cpu.csr.hypervisor]).toEqual([false, 0, true]);
  });
});

describe('the translator under V = 1', () => {
  it('a hot guest loop through two-stage translation gives the interpreter\'s state, compiled', () => {
    const src = `
      li x6, 0x400000
      li x7, 2000
    loop:
      lw x5, 0(x6)
      addi x5, x5, 3
      sw x5, 0(x6)
      addi x7, x7, -1
      bnez x7, loop
      ecall
    `;
    const states = (['interp', 'jit'] as const).map((kind) => {
      const t = hart(src, PRIV_S, true, kind);
      twoStage(t);
      toHs(t, Exception.EcallFromVS);
      t.cpu.run(10_004);
      // The TLBs are caches: which of two entries sharing a slot survives depends on the
      // order pages are looked up, which the translator batches. Everything else is exact.
      const { tlb: _t, guestTlb: _g, ...state } = t.cpu.getState();
      return { state, stats: t.cpu.translatorStats, value: t.read(GUEST_DATA), pc: t.cpu.pc };
    });
    expect(states[1]!.state).toEqual(states[0]!.state);
    expect(states[0]!.value).toBe(6000);
    expect(states[0]!.pc).toBe(STVEC + 4); // the ecall reached the hypervisor
    if (states[1]!.stats) expect(states[1]!.stats.compiledSteps).toBeGreaterThan(5000);
  });
});

void CSR;
void PRIV_M;
