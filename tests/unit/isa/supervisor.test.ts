// Supervisor mode against the privileged spec: the S CSRs as views of the M ones (4.1),
// delegation (3.1.8), interrupt enables and priority (3.1.9), sret (3.3.2) and the
// virtualization traps TVM, TW and TSR (3.1.6.5).
import { describe, expect, it } from 'vitest';
import { CSR, MISA, MISA_H } from '../../../src/core/isa/csr.ts';
import {
  MIP_MEIP, MIP_MTIP, MIP_SEIP, MIP_SSIP, MIP_STIP, MSTATUS_MIE, MSTATUS_MPP, MSTATUS_MPRV,
  MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, MSTATUS_TSR, MSTATUS_TVM,
  MSTATUS_TW, PRIV_M, PRIV_S, PRIV_U,
} from '../../../src/core/isa/privilege.ts';
import { Exception, Interrupt } from '../../../src/core/isa/trap.ts';
import { EBREAK, ECALL, MRET, WFI, addi, csrrc, csrrs, csrrw, I } from './encode.ts';
import { BASE, cpuWith } from './harness.ts';

const MTVEC = BASE + 0x1000;
const STVEC = BASE + 0x2000;
const SRET = 0x10200073;
const sfenceVma = (rs1: number, rs2: number) => ((0x09 << 25) | (rs2 << 20) | (rs1 << 15) | 0x73) >>> 0;

/** A hart at `priv` running `words` from BASE, with both trap vectors set. */
function hart(words: number[], priv = PRIV_S) {
  const t = cpuWith(words);
  t.cpu.csr.mtvec = MTVEC;
  t.cpu.csr.stvec = STVEC;
  t.cpu.priv = priv;
  return t;
}

describe('S-mode CSRs are views of the M-mode ones (4.1)', () => {
  it('misa reports RV32 with A, C, I, M, S and U (and H on a hart with the H extension)', () => {
    const letters = (m: number) => [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((_, i) => (m >>> i) & 1).join('');
    expect(letters(MISA)).toBe('ACIMSU');
    expect(letters(MISA_H)).toBe('ACHIMSU');
    expect(MISA >>> 30).toBe(1);
  });

  it('sstatus shows and writes only SIE, SPIE, SPP, SUM and MXR of mstatus', () => {
    const { cpu } = hart([csrrw(1, CSR.sstatus, 2), csrrs(3, CSR.sstatus, 0)], PRIV_M);
    cpu.csr.mstatus = MSTATUS_MIE | MSTATUS_MPP | MSTATUS_TVM;
    cpu.x[2] = -1;
    cpu.run(2);
    expect(cpu.x[1]).toBe(0); // the M-only bits are invisible
    const sbits = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;
    expect(cpu.x[3]).toBe(sbits);
    expect(cpu.csr.mstatus).toBe(MSTATUS_MIE | MSTATUS_MPP | MSTATUS_TVM | sbits);
  });

  it('sie and sip show only delegated interrupts; sip writes only SSIP', () => {
    const { cpu } = hart([csrrw(0, CSR.sie, 1), csrrw(0, CSR.sip, 1), csrrs(2, CSR.sie, 0), csrrs(3, CSR.sip, 0)]);
    cpu.csr.mideleg = MIP_SSIP | MIP_STIP;
    cpu.csr.mie = MIP_MEIP;
    cpu.x[1] = -1;
    cpu.run(4);
    expect(cpu.csr.mie).toBe(MIP_MEIP | MIP_SSIP | MIP_STIP); // sie set only the delegated ones
    expect(cpu.x[2]).toBe(MIP_SSIP | MIP_STIP);
    expect(cpu.csr.mipSoft).toBe(MIP_SSIP); // STIP is read-only through sip
    expect(cpu.x[3]).toBe(MIP_SSIP);
  });

  it('mideleg holds only S-level interrupts, medeleg every exception but ecall from M', () => {
    const { cpu } = hart([csrrw(0, CSR.mideleg, 1), csrrw(0, CSR.medeleg, 1)], PRIV_M);
    cpu.x[1] = -1;
    cpu.run(2);
    expect(cpu.csr.mideleg).toBe(MIP_SSIP | MIP_STIP | MIP_SEIP);
    // With H, ecall from VS-mode (10) and guest-page faults and virtual instructions (20-23) too.
    expect(cpu.csr.medeleg).toBe(0xb3ff | (1 << 10) | (0xf << 20));
    expect((cpu.csr.medeleg >>> Exception.EcallFromM) & 1).toBe(0);
  });

  it('M-mode sets STIP and SSIP in mip; SEIP reads as the OR of software and the line', () => {
    const { cpu } = hart([csrrw(0, CSR.mip, 1), csrrs(2, CSR.mip, 0), csrrc(3, CSR.mip, 4), csrrs(5, CSR.mip, 0)], PRIV_M);
    cpu.x[1] = MIP_STIP | MIP_SSIP | MIP_MTIP; // MTIP is not writable
    cpu.x[4] = MIP_SEIP;
    cpu.raiseInterrupt(Interrupt.SupervisorExternal);
    cpu.run(4);
    expect(cpu.x[2]).toBe(MIP_STIP | MIP_SSIP | MIP_SEIP);
    // csrc reads the software SEIP (0) for its update, so the line stays visible.
    expect(cpu.x[5]).toBe(MIP_STIP | MIP_SSIP | MIP_SEIP);
    expect(cpu.csr.mipSoft).toBe(MIP_STIP | MIP_SSIP);
  });

  it('satp, stvec, sepc, scause, stval, sscratch and scounteren read back; sepc keeps bit 0 clear', () => {
    const nums = [CSR.satp, CSR.stvec, CSR.sepc, CSR.scause, CSR.stval, CSR.sscratch, CSR.scounteren];
    const { cpu } = hart(nums.flatMap((n, i) => [csrrw(0, n, 1), csrrs(10 + i, n, 0)]), PRIV_M);
    cpu.x[1] = 0x80000007 | 0;
    cpu.run(nums.length * 2);
    expect([...cpu.x.slice(10, 17)].map((v) => v >>> 0))
      .toEqual([0x80000007, 0x80000005, 0x80000006, 0x80000007, 0x80000007, 0x80000007, 7]);
  });

  it('S-mode cannot touch M-mode CSRs', () => {
    const { cpu } = hart([csrrs(1, CSR.mstatus, 0)]);
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_M);
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });

  it('the trigger CSRs exist and say there are no triggers', () => {
    const { cpu } = hart([csrrw(0, CSR.tselect, 1), csrrs(2, CSR.tselect, 0), csrrw(0, CSR.tdata1, 1), csrrs(3, CSR.tdata1, 0), csrrs(4, CSR.tdata2, 0), csrrs(5, CSR.tdata3, 0)], PRIV_M);
    cpu.x[1] = -1;
    cpu.x[2] = cpu.x[3] = cpu.x[4] = cpu.x[5] = 9;
    cpu.run(6);
    expect([cpu.x[2], cpu.x[3], cpu.x[4], cpu.x[5]]).toEqual([0, 0, 0, 0]);
    expect(cpu.csr.mcause).toBe(0);
  });
});

describe('exception delegation (3.1.8)', () => {
  it('a delegated exception from U-mode goes to stvec with sepc, scause, stval, SPP = U', () => {
    const { cpu } = hart([I(0x7c0, 0, 2, 1, 0x73)], PRIV_U); // csrr x1, 0x7c0: illegal
    cpu.csr.medeleg = 1 << Exception.IllegalInstruction;
    cpu.csr.mstatus = MSTATUS_SIE;
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_S);
    expect(cpu.pc).toBe(STVEC);
    expect(cpu.csr.sepc >>> 0).toBe(BASE);
    expect(cpu.csr.scause).toBe(Exception.IllegalInstruction);
    expect(cpu.csr.stval >>> 0).toBe(I(0x7c0, 0, 2, 1, 0x73));
    expect(cpu.csr.mstatus & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)).toBe(MSTATUS_SPIE);
    expect(cpu.csr.mcause).toBe(0); // M-mode saw nothing
  });

  it('ecall from S-mode is cause 9 and sets SPP = S when delegated', () => {
    const { cpu } = hart([ECALL]);
    cpu.csr.medeleg = 1 << Exception.EcallFromS;
    cpu.run(1);
    expect(cpu.csr.scause).toBe(Exception.EcallFromS);
    expect(cpu.csr.mstatus & MSTATUS_SPP).toBe(MSTATUS_SPP);
  });

  it('an exception not delegated goes to M-mode with MPP = S', () => {
    const { cpu } = hart([EBREAK]);
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_M);
    expect(cpu.pc).toBe(MTVEC);
    expect(cpu.csr.mcause).toBe(Exception.Breakpoint);
    expect((cpu.csr.mstatus & MSTATUS_MPP) >>> 11).toBe(PRIV_S);
  });

  it('a delegated exception raised in M-mode stays in M-mode', () => {
    const { cpu } = hart([ECALL], PRIV_M);
    cpu.csr.medeleg = 0xb3ff;
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_M);
    expect(cpu.csr.mcause).toBe(Exception.EcallFromM);
  });
});

describe('interrupts (3.1.9)', () => {
  it('a delegated interrupt is taken in S-mode only with SIE; in U-mode always', () => {
    const { cpu } = hart([addi(0, 0, 0), addi(0, 0, 0), addi(0, 0, 0)]);
    cpu.csr.mideleg = MIP_SSIP;
    cpu.csr.mie = MIP_SSIP;
    cpu.csr.mipSoft = MIP_SSIP;
    cpu.run(1);
    expect(cpu.pc).toBe(BASE + 4); // SIE = 0: not taken
    cpu.csr.mstatus |= MSTATUS_SIE;
    cpu.breakpoints.add(STVEC);
    expect(cpu.run(1)).toEqual({ kind: 'breakpoint', pc: STVEC });
    expect(cpu.priv).toBe(PRIV_S);
    expect(cpu.csr.scause >>> 0).toBe((0x80000000 | Interrupt.SupervisorSoftware) >>> 0);
    expect(cpu.csr.sepc >>> 0).toBe(BASE + 4);
  });

  it('a delegated interrupt is never taken in M-mode, even with MIE', () => {
    const { cpu } = hart([addi(0, 0, 0)], PRIV_M);
    cpu.csr.mideleg = MIP_STIP;
    cpu.csr.mie = MIP_STIP;
    cpu.csr.mipSoft = MIP_STIP;
    cpu.csr.mstatus = MSTATUS_MIE | MSTATUS_SIE;
    cpu.run(1);
    expect(cpu.pc).toBe(BASE + 4);
  });

  it('an M-level interrupt preempts S-mode regardless of MIE, and wins over S-level ones', () => {
    const { cpu } = hart([addi(0, 0, 0)]);
    cpu.csr.mideleg = MIP_SSIP;
    cpu.csr.mie = MIP_SSIP | MIP_MEIP;
    cpu.csr.mipSoft = MIP_SSIP;
    cpu.csr.mstatus = MSTATUS_SIE;
    cpu.raiseInterrupt(Interrupt.MachineExternal);
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_M);
    expect(cpu.csr.mcause >>> 0).toBe((0x80000000 | Interrupt.MachineExternal) >>> 0);
  });

  it('undelegated S-level interrupts go to M-mode in priority order SEI, SSI, STI', () => {
    const { cpu } = hart([addi(0, 0, 0)]);
    cpu.csr.mie = MIP_SSIP | MIP_STIP | MIP_SEIP;
    cpu.csr.mipSoft = MIP_SSIP | MIP_STIP | MIP_SEIP;
    cpu.run(1);
    expect(cpu.csr.mcause & 0xff).toBe(Interrupt.SupervisorExternal);
  });

  it('stvec in vectored mode sends interrupts to base + 4 * cause', () => {
    const { cpu } = hart([addi(0, 0, 0)], PRIV_U);
    cpu.csr.stvec = STVEC | 1;
    cpu.csr.mideleg = MIP_STIP;
    cpu.csr.mie = MIP_STIP;
    cpu.csr.mipSoft = MIP_STIP;
    cpu.breakpoints.add(STVEC + 4 * Interrupt.SupervisorTimer);
    expect(cpu.run(1)).toEqual({ kind: 'breakpoint', pc: STVEC + 4 * Interrupt.SupervisorTimer });
  });
});

describe('sret, mret and the trap-virtualization bits', () => {
  it('sret returns to SPP at sepc: SIE = SPIE, SPIE = 1, SPP = U, MPRV = 0', () => {
    const { cpu } = hart([SRET]);
    cpu.csr.sepc = BASE + 0x40;
    cpu.csr.mstatus = MSTATUS_SPIE | MSTATUS_MPRV;
    cpu.run(1);
    expect(cpu.priv).toBe(PRIV_U);
    expect(cpu.pc).toBe(BASE + 0x40);
    expect(cpu.csr.mstatus).toBe(MSTATUS_SIE | MSTATUS_SPIE);
  });

  it('mret to S-mode clears MPRV; to M-mode keeps it', () => {
    const a = hart([MRET], PRIV_M);
    a.cpu.csr.mstatus = (PRIV_S << 11) | MSTATUS_MPRV;
    a.cpu.csr.mepc = BASE + 8;
    a.cpu.run(1);
    expect(a.cpu.priv).toBe(PRIV_S);
    expect(a.cpu.csr.mstatus & MSTATUS_MPRV).toBe(0);
    const b = hart([MRET], PRIV_M);
    b.cpu.csr.mstatus = MSTATUS_MPP | MSTATUS_MPRV;
    b.cpu.run(1);
    expect(b.cpu.csr.mstatus & MSTATUS_MPRV).toBe(MSTATUS_MPRV);
  });

  const illegalIn = (insn: number, priv: number, mstatus: number) => {
    const { cpu } = hart([insn], priv);
    cpu.csr.mstatus = mstatus;
    cpu.run(1);
    return cpu.csr.mcause === Exception.IllegalInstruction && cpu.priv === PRIV_M;
  };

  it.each([
    ['sret in U-mode', SRET, PRIV_U, 0, true],
    ['sret in S-mode with TSR', SRET, PRIV_S, MSTATUS_TSR, true],
    ['sret in M-mode with TSR', SRET, PRIV_M, MSTATUS_TSR, false],
    ['wfi in U-mode', WFI, PRIV_U, 0, true],
    ['wfi in S-mode', WFI, PRIV_S, 0, false],
    ['wfi in S-mode with TW', WFI, PRIV_S, MSTATUS_TW, true],
    ['sfence.vma in U-mode', sfenceVma(0, 0), PRIV_U, 0, true],
    ['sfence.vma in S-mode', sfenceVma(0, 0), PRIV_S, 0, false],
    ['sfence.vma in S-mode with TVM', sfenceVma(1, 0), PRIV_S, MSTATUS_TVM, true],
    ['csrr satp in S-mode with TVM', csrrs(1, CSR.satp, 0), PRIV_S, MSTATUS_TVM, true],
    ['csrr satp in M-mode with TVM', csrrs(1, CSR.satp, 0), PRIV_M, MSTATUS_TVM, false],
    ['mret in S-mode', MRET, PRIV_S, 0, true],
  ])('%s: illegal = %s', (_name, insn, priv, mstatus, illegal) => {
    expect(illegalIn(insn, priv, mstatus)).toBe(illegal);
  });
});

describe('state', () => {
  it('round-trips S-mode, delegation, satp and PMP registers', () => {
    const a = hart([addi(1, 1, 1)]);
    a.cpu.csr.medeleg = 0x100;
    a.cpu.csr.mideleg = MIP_SSIP;
    a.cpu.csr.satp = 0x80000123 | 0;
    a.cpu.csr.sepc = BASE + 6;
    const saved = structuredClone(a.cpu.getState());
    const b = cpuWith([addi(1, 1, 1)]);
    b.cpu.setState(saved);
    expect(b.cpu.priv).toBe(PRIV_S);
    expect(b.cpu.getState()).toEqual(a.cpu.getState());
  });
});

void PRIV_M;
