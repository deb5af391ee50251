import { describe, expect, it } from 'vitest';
import { CSR, MISA_H } from '../../../src/core/isa/csr.ts';
import { PRIV_U } from '../../../src/core/isa/privilege.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import { I, R, csrrc, csrrs, csrrsi, csrrw, li } from './encode.ts';
import { BASE, cpuWith } from './harness.ts';

const HANDLER = BASE + 0x1000;

function run(words: number[], setup: (x: Int32Array) => void = () => {}) {
  const t = cpuWith(words);
  t.cpu.csr.mtvec = HANDLER;
  setup(t.cpu.x);
  t.cpu.breakpoints.add(HANDLER);
  const stop = t.cpu.run(words.length);
  return { ...t, stop };
}

describe('Zicsr', () => {
  it('csrrw/csrrs/csrrc return the old value and update mscratch', () => {
    const { cpu } = run([csrrw(1, CSR.mscratch, 2), csrrs(3, CSR.mscratch, 4), csrrc(5, CSR.mscratch, 6), csrrsi(7, CSR.mscratch, 0)],
      (x) => { x[2] = 0xf0; x[4] = 0x0f; x[6] = 0x3c; });
    expect([cpu.x[1], cpu.x[3], cpu.x[5], cpu.x[7]]).toEqual([0, 0xf0, 0xff, 0xc3]);
  });

  it('reads misa and the ID registers; writing a read-only CSR is illegal', () => {
    const word = csrrw(0, CSR.mvendorid, 1);
    const { cpu } = run([csrrs(1, CSR.misa, 0), csrrs(2, CSR.mhartid, 0), word]);
    expect(cpu.x[1]).toBe(MISA_H); // the hart has the H extension (hypervisor-extension.ts)
    expect(cpu.x[2]).toBe(0);
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
    expect(cpu.csr.mtval >>> 0).toBe(word);
  });

  it('an unknown CSR is illegal, even for a read', () => {
    const { cpu } = run([csrrs(1, 0x7c0, 0)]);
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
  });

  it('WARL fields: MPP holds U, S or M (2 keeps the old value), mtvec only direct or vectored, mepc is 2-byte aligned', () => {
    const { cpu } = run([csrrw(0, CSR.mstatus, 1), csrrs(2, CSR.mstatus, 0), csrrw(0, CSR.mtvec, 3),
      csrrs(4, CSR.mtvec, 0), csrrw(0, CSR.mepc, 5), csrrs(6, CSR.mepc, 0),
      csrrw(0, CSR.mstatus, 7), csrrs(8, CSR.mstatus, 0)],
    (x) => { x[1] = 1 << 11; x[3] = HANDLER | 3; x[5] = BASE + 7; x[7] = 2 << 11; });
    expect((cpu.x[2] >>> 11) & 3).toBe(1);
    expect(cpu.x[4] >>> 0).toBe((HANDLER | 1) >>> 0);
    expect(cpu.x[6] >>> 0).toBe(BASE + 6);
    expect((cpu.x[8] >>> 11) & 3).toBe(1);
  });

  it('mcycle and minstret are writable 64-bit counters that keep counting', () => {
    const { cpu } = run([csrrw(0, CSR.mcycleh, 1), csrrw(0, CSR.mcycle, 2), I(0, 0, 0, 0, 0x13),
      csrrs(3, CSR.mcycle, 0), csrrs(4, CSR.mcycleh, 0), csrrs(5, CSR.cycle, 0)],
    (x) => { x[1] = 5; x[2] = -2; });
    // 0x5_fffffffe is written by the 2nd instruction, which then retires (+1); the nop
    // makes it 0x6_00000000 when the 4th reads it; each later read sees one more.
    expect(cpu.x[3]).toBe(0);
    expect(cpu.x[4]).toBe(6);
    expect(cpu.x[5]).toBe(2);
  });

  it('time reads mtime: 10 cycles per tick, charged cycles included', () => {
    const { cpu } = cpuWith([csrrs(1, CSR.time, 0)]);
    cpu.charge(12345);
    cpu.step();
    expect(cpu.x[1]).toBe(1234);
  });

  it('U-mode reads of time follow mcounteren.TM and scounteren.TM', () => {
    const t = cpuWith([csrrs(1, CSR.time, 0)]);
    t.cpu.priv = PRIV_U;
    t.cpu.interceptUserTraps = true;
    t.cpu.csr.mcounteren = 2;
    t.cpu.csr.scounteren = 2;
    expect(t.cpu.step().kind).toBe('budget');
    t.cpu.pc = BASE;
    t.cpu.csr.mcounteren = 0;
    expect(t.cpu.step()).toMatchObject({ kind: 'trap', trap: { cause: Exception.IllegalInstruction } });
  });
});

describe('A extension', () => {
  const amo = (f5: number, rd: number, rs1: number, rs2: number) => R(f5 << 2, rs2, rs1, 2, rd, 0x2f);

  it('misaligned LR is a load misaligned exception, misaligned AMO a store/AMO one', () => {
    let r = run([amo(2, 1, 2, 0)], (x) => { x[2] = BASE + 0x102; });
    expect(r.cpu.csr.mcause).toBe(Exception.LoadAddressMisaligned);
    expect(r.cpu.csr.mtval >>> 0).toBe(BASE + 0x102);
    r = run([amo(0, 1, 2, 3)], (x) => { x[2] = BASE + 0x101; });
    expect(r.cpu.csr.mcause).toBe(Exception.StoreAddressMisaligned);
  });

  it('an AMO on an unmapped address is a store/AMO access fault', () => {
    const r = run([amo(1, 1, 2, 3)], (x) => { x[2] = 0x1000; });
    expect(r.cpu.csr.mcause).toBe(Exception.StoreAccessFault);
  });

  it('SC fails without a reservation, succeeds after LR', () => {
    const { cpu } = run([...li(2, BASE + 0x200), amo(3, 5, 2, 4), amo(2, 6, 2, 0), amo(3, 7, 2, 4)],
      (x) => { x[4] = 99; });
    expect(cpu.x[5]).toBe(1);
    expect(cpu.x[7]).toBe(0);
  });

  it('reserved encodings (LR with rs2, funct3 != 2, unknown funct5) are illegal', () => {
    for (const word of [amo(2, 1, 2, 3), R(0, 3, 2, 3, 1, 0x2f), amo(0b00110, 1, 2, 3)]) {
      const r = run([word], (x) => { x[2] = BASE + 0x100; });
      expect(r.cpu.csr.mcause).toBe(Exception.IllegalInstruction);
    }
  });
});
