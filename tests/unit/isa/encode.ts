// A tiny RV32 encoder for tests: enough to write short programs without the assembler.
export const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
export const I = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
export const S = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
export const B = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
    | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
export const U = (imm: number, rd: number, op: number) => ((imm & 0xfffff000) | (rd << 7) | op) >>> 0;
export const J = (imm: number, rd: number) =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20)
    | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;

export const addi = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x13);
export const lui = (rd: number, imm: number) => U(imm, rd, 0x37);
export const lw = (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x03);
export const sw = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 2);
export const sb = (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 0);
export const jal = (rd: number, imm: number) => J(imm, rd);
export const jalr = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, imm: number) => B(imm, rs2, rs1, 0);
export const csrrw = (rd: number, csr: number, rs1: number) => I(csr, rs1, 1, rd, 0x73);
export const csrrs = (rd: number, csr: number, rs1: number) => I(csr, rs1, 2, rd, 0x73);
export const csrrc = (rd: number, csr: number, rs1: number) => I(csr, rs1, 3, rd, 0x73);
export const csrrsi = (rd: number, csr: number, uimm: number) => I(csr, uimm, 6, rd, 0x73);
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;
export const MRET = 0x30200073;
export const WFI = 0x10500073;

/** li for any 32-bit value: lui + addi. */
export function li(rd: number, value: number): number[] {
  const lo = (value << 20) >> 20;
  const hi = (value - lo) | 0;
  return [lui(rd, hi), addi(rd, rd, lo)];
}
