import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSR } from '../../../src/core/isa/csr.ts';
import { PRIV_M, PRIV_U, MSTATUS_MIE, MSTATUS_MPIE, MIP_MTIP } from '../../../src/core/isa/privilege.ts';
import { Exception, Interrupt } from '../../../src/core/isa/trap.ts';
import { Cpu } from '../../../src/core/isa/cpu.ts';
import {
  EBREAK, ECALL, MRET, WFI, addi, beq, csrrs, csrrw, jal, jalr, li, lw, R, sw, I,
} from './encode.ts';
import { BASE, PagedMemory, cpuWith } from './harness.ts';

const HANDLER = BASE + 0x1000;

/** A CPU in U-mode with the interceptor on, running `words` from BASE. */
function userCpu(words: number[]) {
  const t = cpuWith(words);
  t.cpu.priv = PRIV_U;
  t.cpu.interceptUserTraps = true;
  return t;
}

describe('RV32IM arithmetic', () => {
  it('executes a loop: sum 1..100 with branches and jal', () => {
    const prog = [
      addi(1, 0, 0), // x1 = sum
      addi(2, 0, 100), // x2 = i
      R(0, 2, 1, 0, 1, 0x33), // loop: add x1, x1, x2
      addi(2, 2, -1),
      beq(2, 0, 8), // if i == 0 skip the back jump
      jal(0, -12),
      EBREAK,
    ];
    const { cpu } = cpuWith(prog);
    cpu.csr.mtvec = HANDLER;
    cpu.breakpoints.add(HANDLER);
    expect(cpu.run(1000)).toEqual({ kind: 'breakpoint', pc: HANDLER });
    expect(cpu.x[1]).toBe(5050);
    expect(cpu.csr.mcause).toBe(Exception.Breakpoint);
    expect(cpu.csr.mepc >>> 0).toBe(BASE + 24);
  });

  it('division edge cases follow the spec table (13.2)', () => {
    const div = (f3: number, a: number, b: number) => {
      const { cpu } = cpuWith([R(1, 2, 1, f3, 3, 0x33)]);
      cpu.x[1] = a;
      cpu.x[2] = b;
      cpu.step();
      return cpu.x[3];
    };
    expect(div(4, 7, 0)).toBe(-1);
    expect(div(5, 7, 0)).toBe(-1);
    expect(div(6, 7, 0)).toBe(7);
    expect(div(7, -7, 0)).toBe(-7);
    expect(div(4, -0x80000000, -1)).toBe(-0x80000000);
    expect(div(6, -0x80000000, -1)).toBe(0);
    expect(div(4, -7, 2)).toBe(-3);
    expect(div(6, -7, 2)).toBe(-1);
    expect(div(5, -1, 2)).toBe(0x7fffffff);
  });

  it('x0 stays zero', () => {
    const { cpu } = cpuWith([addi(0, 0, 5), jal(0, 4)]);
    cpu.run(2);
    expect(cpu.x[0]).toBe(0);
  });

  it('performs misaligned loads and stores to RAM, as QEMU does', () => {
    const { cpu, ram } = cpuWith([sw(2, 1, 1), lw(3, 1, 1)]);
    cpu.x[1] = BASE + 0x100;
    cpu.x[2] = 0x11223344;
    cpu.run(2);
    expect(cpu.x[3]).toBe(0x11223344);
    expect(Array.from(ram.read(BASE + 0x101, 4))).toEqual([0x44, 0x33, 0x22, 0x11]);
  });
});

describe('traps (privileged spec 3.1.6, 3.1.14-16, 3.3)', () => {
  it('illegal instruction: mtval holds the instruction bits, mepc its address', () => {
    const { cpu } = cpuWith([addi(1, 0, 1), 0xffffffff]);
    cpu.csr.mtvec = HANDLER;
    cpu.csr.mstatus = MSTATUS_MIE;
    cpu.run(2);
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
    expect(cpu.csr.mtval >>> 0).toBe(0xffffffff);
    expect(cpu.csr.mepc >>> 0).toBe(BASE + 4);
    expect(cpu.pc).toBe(HANDLER);
    // MPIE takes MIE, MIE clears, MPP records M.
    expect(cpu.csr.mstatus & MSTATUS_MIE).toBe(0);
    expect(cpu.csr.mstatus & MSTATUS_MPIE).toBe(MSTATUS_MPIE);
    expect((cpu.csr.mstatus >>> 11) & 3).toBe(PRIV_M);
    expect(cpu.csr.instret).toBe(1);
  });

  it('a jump to a 2-byte aligned target is legal with C (IALIGN = 16) and links pc + 4', () => {
    const { cpu } = cpuWith([jalr(5, 1, 2)]);
    cpu.csr.mtvec = HANDLER;
    cpu.x[1] = BASE + 0x100;
    cpu.step();
    expect(cpu.pc).toBe(BASE + 0x102);
    expect(cpu.x[5]).toBe((BASE + 4) | 0);
    expect(cpu.csr.mcause).toBe(0);
  });

  it('a load from an unmapped address is a load access fault with the address', () => {
    const { cpu } = cpuWith([lw(2, 1, 8)]);
    cpu.csr.mtvec = HANDLER;
    cpu.x[1] = 0x1000;
    cpu.step();
    expect(cpu.csr.mcause).toBe(Exception.LoadAccessFault);
    expect(cpu.csr.mtval).toBe(0x1008);
  });

  it('mret returns to MPP at mepc and restores MIE from MPIE', () => {
    const { cpu } = cpuWith([MRET]);
    cpu.csr.mepc = BASE + 0x40;
    cpu.csr.mstatus = MSTATUS_MPIE; // MPP = U
    cpu.step();
    expect(cpu.pc).toBe(BASE + 0x40);
    expect(cpu.priv).toBe(PRIV_U);
    expect(cpu.csr.mstatus & MSTATUS_MIE).toBe(MSTATUS_MIE);
    expect(cpu.csr.mstatus & MSTATUS_MPIE).toBe(MSTATUS_MPIE);
  });

  it('ecall from U-mode vectors to mtvec with cause 8 when nothing intercepts', () => {
    const { cpu } = cpuWith([ECALL]);
    cpu.priv = PRIV_U;
    cpu.csr.mtvec = HANDLER;
    cpu.step();
    expect(cpu.csr.mcause).toBe(Exception.EcallFromU);
    expect(cpu.priv).toBe(PRIV_M);
    expect((cpu.csr.mstatus >>> 11) & 3).toBe(PRIV_U);
  });

  it('vectored mtvec sends interrupts to base + 4 * cause, exceptions to base', () => {
    const { cpu } = cpuWith([addi(1, 1, 1), jal(0, -4)]);
    cpu.csr.mtvec = HANDLER | 1;
    cpu.csr.mstatus = MSTATUS_MIE;
    cpu.csr.mie = 1 << Interrupt.MachineSoftware;
    cpu.run(10);
    cpu.raiseInterrupt(Interrupt.MachineSoftware);
    const vector = HANDLER + 4 * Interrupt.MachineSoftware;
    cpu.breakpoints.add(vector);
    expect(cpu.run(5)).toEqual({ kind: 'breakpoint', pc: vector });
    expect(cpu.csr.mcause >>> 0).toBe((0x80000000 | Interrupt.MachineSoftware) >>> 0);
    cpu.csr.mepc = BASE + 0x40;
    cpu.pc = BASE + 0x20; // an exception (illegal zero word) goes to the base
    cpu.breakpoints.add(HANDLER);
    expect(cpu.run(5)).toEqual({ kind: 'breakpoint', pc: HANDLER });
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });
});

describe('U-mode under a trap interceptor (what the hypervisor and kernel use)', () => {
  const privileged = [
    ['csrr mstatus', csrrs(1, CSR.mstatus, 0)],
    ['csrw mscratch', csrrw(0, CSR.mscratch, 1)],
    ['csrr cycle without mcounteren', csrrs(1, CSR.cycle, 0)],
    ['mret', MRET],
    ['wfi', WFI],
    ['sret', 0x10200073],
    ['sfence.vma', 0x12000073],
  ] as const;
  for (const [name, word] of privileged) {
    it(`${name} is an illegal-instruction trap with the instruction bits`, () => {
      const { cpu } = userCpu([word]);
      const stop = cpu.run(5);
      expect(stop).toEqual({
        kind: 'trap',
        trap: { cause: Exception.IllegalInstruction, tval: word, pc: BASE, insn: word, interrupt: false },
      });
      expect(cpu.priv).toBe(PRIV_U);
      expect(cpu.csr.mcause).toBe(0); // untouched: the host decides
    });
  }

  it('ecall comes back with cause 8 and pc at the ecall', () => {
    const { cpu } = userCpu([addi(17, 0, 93), ECALL]);
    const stop = cpu.run(10);
    expect(stop).toMatchObject({ kind: 'trap', trap: { cause: 8, pc: BASE + 4, insn: ECALL } });
    expect(cpu.x[17]).toBe(93);
    cpu.pc += 4; // the host emulates and resumes after the ecall
    expect(cpu.run(1).kind).toBe('trap'); // then fetches past RAM's first words: zero is illegal
  });

  it('a device access (no device mapped) is an access fault with the address and insn', () => {
    const word = sw(2, 1, 0);
    const { cpu } = userCpu([word]);
    cpu.x[1] = 0x10000000;
    const stop = cpu.run(1);
    expect(stop).toEqual({
      kind: 'trap',
      trap: { cause: Exception.StoreAccessFault, tval: 0x10000000, pc: BASE, insn: word, interrupt: false },
    });
  });

  it('rdcycle works in U-mode when mcounteren and scounteren allow it (4.1.5)', () => {
    const { cpu } = userCpu([addi(1, 0, 1), csrrs(2, CSR.cycle, 0)]);
    cpu.csr.mcounteren = 1;
    cpu.csr.scounteren = 1;
    cpu.run(2);
    expect(cpu.x[2]).toBe(1);
  });

  it('rdcycle in U-mode is illegal when only mcounteren allows it', () => {
    const { cpu } = userCpu([csrrs(2, CSR.cycle, 0)]);
    cpu.csr.mcounteren = 1;
    const stop = cpu.run(1);
    expect(stop).toMatchObject({ kind: 'trap', trap: { cause: Exception.IllegalInstruction } });
  });

  it('an enabled interrupt in U-mode comes back as an interrupt trap', () => {
    const { cpu } = userCpu([addi(1, 1, 1), jal(0, -4)]);
    cpu.csr.mie = 1 << Interrupt.MachineExternal;
    cpu.run(3);
    cpu.raiseInterrupt(Interrupt.MachineExternal);
    const stop = cpu.run(100);
    expect(stop).toMatchObject({ kind: 'trap', trap: { cause: 11, interrupt: true } });
  });

  it('runs on a paged, slow-path-only memory and reports page faults', () => {
    const mem = new PagedMemory();
    const prog = [...li(1, 0x20000), lw(2, 1, 0), sw(2, 1, 4), lw(3, 0, 0x10)];
    mem.map(0x10000, new Uint8Array(Uint32Array.from(prog).buffer));
    mem.map(0x20000, Uint8Array.of(7, 0, 0, 0));
    const cpu = new Cpu(mem);
    cpu.reset(0x10000);
    cpu.priv = PRIV_U;
    cpu.interceptUserTraps = true;
    const stop = cpu.run(10);
    expect(cpu.x[2]).toBe(7);
    expect(mem.load(0x20004, 4)).toBe(7);
    expect(stop).toMatchObject({ kind: 'trap', trap: { cause: Exception.LoadPageFault, tval: 0x10 } });
  });
});

describe('virtual time, the timer and WFI', () => {
  it('counts one cycle per retired instruction and charged cycles', () => {
    const { cpu } = cpuWith([addi(1, 1, 1), jal(0, -4)]);
    cpu.run(1000);
    cpu.charge(500);
    expect(cpu.csr.instret).toBe(1000);
    expect(cpu.clock.cycles).toBe(1500);
  });

  it('takes the timer interrupt on the exact cycle and wfi skips idle time', () => {
    const { cpu } = cpuWith([WFI, jal(0, -4)]);
    cpu.csr.mtvec = HANDLER;
    cpu.csr.mie = MIP_MTIP;
    cpu.csr.mstatus = MSTATUS_MIE;
    cpu.clock.mtimecmpLo = 1000;
    cpu.clock.mtimecmpHi = 0;
    cpu.breakpoints.add(HANDLER);
    const stop = cpu.run(10);
    expect(stop).toEqual({ kind: 'breakpoint', pc: HANDLER });
    expect(cpu.csr.mcause >>> 0).toBe((0x80000000 | Interrupt.MachineTimer) >>> 0);
    expect(cpu.clock.mtime()).toBe(1000);
    expect(cpu.clock.idleCycles).toBeGreaterThan(9000);
    expect(cpu.csr.mepc >>> 0).toBe(BASE + 4); // resumes after the wfi
  });

  it('wfi with nothing that can wake the hart stops with wfi-idle', () => {
    const { cpu } = cpuWith([WFI, addi(1, 0, 9)]);
    expect(cpu.run(10)).toEqual({ kind: 'wfi-idle' });
    expect(cpu.run(10)).toEqual({ kind: 'wfi-idle' });
    cpu.csr.mie = 1 << Interrupt.MachineExternal;
    cpu.raiseInterrupt(Interrupt.MachineExternal); // MIE = 0: wakes without a trap
    cpu.run(1);
    expect(cpu.x[1]).toBe(9);
  });
});

describe('robustness', () => {
  it('any 32-bit word, in M-mode or U-mode, is executed or trapped; never a host exception', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (word, user) => {
      const { cpu } = cpuWith([word, word], 0x2000);
      cpu.csr.mtvec = HANDLER;
      for (let i = 1; i < 32; i++) cpu.x[i] = BASE + 0x100 + i * 4;
      if (user) { cpu.priv = PRIV_U; cpu.interceptUserTraps = true; }
      const stop = cpu.run(2);
      expect(['budget', 'trap', 'wfi-idle', 'fault']).toContain(stop.kind);
      expect(cpu.x[0]).toBe(0);
      if (stop.kind === 'trap') expect(stop.trap.cause).toBeLessThan(16);
    }), { numRuns: 8000 });
  }, 30_000);

  it('every major opcode with random fields decodes without throwing', () => {
    const opcodes = [0x03, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73];
    fc.assert(fc.property(fc.constantFrom(...opcodes), fc.integer({ min: 0, max: 0x1ffffff }), (op, rest) => {
      const word = ((rest << 7) | op) >>> 0;
      const { cpu } = cpuWith([word], 0x2000);
      cpu.csr.mtvec = HANDLER;
      expect(() => cpu.run(1)).not.toThrow();
    }), { numRuns: 10000 });
  }, 30_000);

  it('an unreachable trap handler is reported as a fault, not an endless loop', () => {
    const { cpu } = cpuWith([0]);
    const stop = cpu.run(1000);
    expect(stop.kind).toBe('fault');
    if (stop.kind === 'fault') expect(stop.message).toMatch(/mtvec 0x00000000 itself raises instruction access fault; the trap being handled: illegal instruction at pc 0x80000000/);
  });

  it('a handler whose first instruction faults is reported, not looped on', () => {
    const { cpu } = cpuWith([ECALL]);
    cpu.csr.mtvec = BASE;
    const stop = cpu.run(1000);
    expect(stop).toEqual({
      kind: 'fault',
      message: 'the trap handler at mtvec 0x80000000 itself raises environment call from M-mode',
    });
    expect(cpu.stepsRun).toBe(1);
  });
});

describe('state', () => {
  it('round-trips and rejects another version', () => {
    const { cpu } = cpuWith([addi(1, 1, 3), jal(0, -4)]);
    cpu.run(7);
    const saved = cpu.getState();
    const { cpu: other } = cpuWith([addi(1, 1, 3), jal(0, -4)]);
    other.setState(structuredClone(saved));
    cpu.run(5);
    other.run(5);
    expect(other.getState()).toEqual(cpu.getState());
    expect(() => other.setState({ ...saved, version: 99 })).toThrow(/version 99.*versions 3 and 4/);
  });
});

void I;
