// The C extension: every RV32C instruction against its 32-bit expansion (unprivileged spec,
// "C" chapter; the parcels are GNU as output), the reserved encodings, and the hart running
// mixed 16/32-bit code with IALIGN = 16.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RVC_EXPANSION, expandCompressed } from '../../../src/core/isa/compressed.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import { EBREAK, I, R, U, addi, beq, jal, jalr, lw, sw, B } from './encode.ts';
import { BASE, cpuWith } from './harness.ts';

const bne = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 1);

// [assembly, parcel from GNU as 2.40, the 32-bit instruction it stands for]
const TABLE: Array<[string, number, number]> = [
  ['c.addi4spn s0, sp, 1020', 0x1fe0, addi(8, 2, 1020)],
  ['c.lw a5, 124(a0)', 0x5d7c, lw(15, 10, 124)],
  ['c.sw a5, 64(s1)', 0xc0bc, sw(15, 9, 64)],
  ['c.nop', 0x0001, addi(0, 0, 0)],
  ['c.addi a0, -32', 0x1501, addi(10, 10, -32)],
  ['c.jal .+2046', 0x2ffd, jal(1, 2046)],
  ['c.li t1, 31', 0x437d, addi(6, 0, 31)],
  ['c.addi16sp sp, -512', 0x7101, addi(2, 2, -512)],
  ['c.lui a3, 0xfffe1', 0x7685, U(0xfffe1000, 13, 0x37)],
  ['c.srli s1, 31', 0x80fd, I(31, 9, 5, 9, 0x13)],
  ['c.srai a2, 1', 0x8605, I(0x401, 12, 5, 12, 0x13)],
  ['c.andi a4, -1', 0x9b7d, I(-1, 14, 7, 14, 0x13)],
  ['c.sub s0, a5', 0x8c1d, R(0x20, 15, 8, 0, 8, 0x33)],
  ['c.xor s1, a4', 0x8cb9, R(0, 14, 9, 4, 9, 0x33)],
  ['c.or a0, a1', 0x8d4d, R(0, 11, 10, 6, 10, 0x33)],
  ['c.and a2, a3', 0x8e75, R(0, 13, 12, 7, 12, 0x33)],
  ['c.j .-2048', 0xb001, jal(0, -2048)],
  ['c.beqz a5, .-256', 0xd381, beq(15, 0, -256)],
  ['c.bnez s0, .+254', 0xec7d, bne(8, 0, 254)],
  ['c.slli t2, 17', 0x03c6, I(17, 7, 1, 7, 0x13)],
  ['c.lwsp ra, 252(sp)', 0x50fe, lw(1, 2, 252)],
  ['c.jr t0', 0x8282, jalr(0, 5, 0)],
  ['c.mv a0, s11', 0x856e, R(0, 27, 0, 0, 10, 0x33)],
  ['c.ebreak', 0x9002, EBREAK],
  ['c.jalr a4', 0x9702, jalr(1, 14, 0)],
  ['c.add t6, t5', 0x9ffa, R(0, 30, 31, 0, 31, 0x33)],
  ['c.swsp s2, 0(sp)', 0xc04a, sw(18, 2, 0)],
];

// Reserved or unsupported (F/D) encodings: illegal instructions with the parcel in xtval.
const ILLEGAL: Array<[string, number]> = [
  ['the all-zero parcel', 0x0000],
  ['c.addi4spn with zero immediate', 0x0004],
  ['c.fld', 0x2000],
  ['reserved quadrant 0 funct3 100', 0x8000],
  ['c.fsd', 0xa000],
  ['c.flw (RV32FC)', 0x6000],
  ['c.fsw (RV32FC)', 0xe000],
  ['c.addi16sp with zero immediate', 0x6101],
  ['c.lui with zero immediate', 0x6081],
  ['c.srli with shamt[5] on RV32', 0x9001],
  ['c.srai with shamt[5] on RV32', 0x9401],
  ['c.subw (RV64 only)', 0x9c01],
  ['c.slli with shamt[5] on RV32', 0x1086],
  ['c.fldsp', 0x2002],
  ['c.lwsp with rd = x0', 0x4002],
  ['c.flwsp', 0x6002],
  ['c.jr x0', 0x8002],
  ['c.fsdsp', 0xa002],
  ['c.fswsp', 0xe002],
];

describe('RVC expansion', () => {
  it.each(TABLE)('%s (0x%s) expands to its 32-bit form', (_asm, parcel, expansion) => {
    expect(expandCompressed(parcel) >>> 0).toBe(expansion >>> 0);
    expect(RVC_EXPANSION[parcel]! >>> 0).toBe(expansion >>> 0);
  });

  it.each(ILLEGAL)('%s is an illegal instruction with the parcel in mtval', (_name, parcel) => {
    const { cpu } = cpuWith([parcel | (0x0001 << 16)]);
    cpu.csr.mtvec = BASE + 0x800;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.IllegalInstruction);
    expect(cpu.csr.mtval).toBe(parcel);
    expect(cpu.csr.mepc >>> 0).toBe(BASE);
  });

  it('register-only compressed instructions do what their expansion does (property)', () => {
    const alu = [...Array(1 << 16).keys()].filter((p) => (p & 3) !== 3 && [0x13, 0x33, 0x37].includes(RVC_EXPANSION[p]! & 0x7f));
    fc.assert(fc.property(fc.constantFrom(...alu), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 32, maxLength: 32 }), (parcel, regs) => {
      const a = cpuWith([parcel | (0x0001 << 16)]).cpu;
      const b = cpuWith([RVC_EXPANSION[parcel]!]).cpu;
      a.x.set(regs);
      b.x.set(regs);
      a.x[0] = b.x[0] = 0;
      a.step();
      b.step();
      expect([...a.x]).toEqual([...b.x]);
      expect(a.pc).toBe(BASE + 2);
      expect(b.pc).toBe(BASE + 4);
    }), { numRuns: 400 });
  });
});

describe('the hart with the C extension', () => {
  const halves = (parcels: number[]) => {
    const words: number[] = [];
    for (let i = 0; i < parcels.length; i += 2) words.push((parcels[i]! | ((parcels[i + 1] ?? 0) << 16)) >>> 0);
    return words;
  };

  it('runs mixed 16- and 32-bit code, with a 32-bit instruction at a 2-byte boundary', () => {
    const add = addi(11, 11, 5); // 32 bits at BASE + 2
    const { cpu } = cpuWith(halves([0x4505 /* c.li a0, 1 */, add & 0xffff, add >>> 16, 0x0505 /* c.addi a0, 1 */]));
    cpu.run(3);
    expect(cpu.x[10]).toBe(2);
    expect(cpu.x[11]).toBe(5);
    expect(cpu.pc).toBe(BASE + 8);
  });

  it('c.jal and c.jalr link pc + 2', () => {
    const { cpu } = cpuWith(halves([0x2011 /* c.jal .+4 */, 0x0001, 0x9702 /* c.jalr a4 */]));
    cpu.x[14] = BASE + 0x40;
    cpu.run(2);
    expect(cpu.x[1]).toBe((BASE + 6) | 0);
    expect(cpu.pc).toBe(BASE + 0x40);
  });

  it('a compressed load fault reports the address and the compressed instruction at mepc', () => {
    const { cpu } = cpuWith(halves([0x0001, 0x4108 /* c.lw a0, 0(a0) */]));
    cpu.csr.mtvec = BASE + 0x800;
    cpu.x[10] = 0x1000;
    cpu.run(2);
    expect(cpu.csr.mcause).toBe(Exception.LoadAccessFault);
    expect(cpu.csr.mtval).toBe(0x1000);
    expect(cpu.csr.mepc >>> 0).toBe(BASE + 2);
  });

  it('a compressed instruction in the last halfword of RAM executes', () => {
    const { cpu, ram } = cpuWith([], 0x1000);
    ram.store(BASE + 0xffe, 2, 0x4505); // c.li a0, 1
    cpu.pc = BASE + 0xffe;
    cpu.step();
    expect(cpu.x[10]).toBe(1);
    expect(cpu.pc).toBe(BASE + 0x1000);
  });
});
