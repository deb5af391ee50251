// The RV32C compressed instructions (RISC-V unprivileged spec, chapter 16 "C" Standard
// Extension, Tables 16.4-16.6): 16-bit encodings with the register fields and immediate
// bit orders of each format. The encoder places operand values; the extractors give them
// back (for the disassembler). Values arrive range-checked (compression.ts, the forms).

/** Operand values by field (the encoder's Fields, minus the CSR). */
export interface CFields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  imm?: number;
}

export type CFormat = 'CR' | 'CI' | 'CSS' | 'CIW' | 'CL' | 'CS' | 'CA' | 'CB' | 'CJ' | 'FIXED';

export interface CompressedInstruction {
  name: string;
  format: CFormat;
  size: 2;
  /** The 16-bit word with these operands. */
  encode(f: CFields): number;
}

const bit = (v: number, n: number) => (v >>> n) & 1;
const bits = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
/** A register x8..x15 in a 3-bit field. */
const r3 = (r: number | undefined) => ((r ?? 8) - 8) & 7;
const r5 = (r: number | undefined) => (r ?? 0) & 31;

// ---- immediate scrambles (spec Tables 16.5/16.6) ----

/** CI: imm[5] at bit 12, imm[4:0] at 6:2 (c.addi, c.li, c.andi, shifts, c.lui's nzimm[17:12]). */
export const ciImm = (imm: number) => (bit(imm, 5) << 12) | (bits(imm, 4, 0) << 2);
/** c.addi16sp: nzimm[9] at 12, nzimm[4|6|8:7|5] at 6:2. */
export const addi16spImm = (imm: number) => (bit(imm, 9) << 12) | (bit(imm, 4) << 6) | (bit(imm, 6) << 5) | (bits(imm, 8, 7) << 3) | (bit(imm, 5) << 2);
/** c.addi4spn: nzuimm[5:4|9:6|2|3] at 12:5. */
export const addi4spnImm = (imm: number) => (bits(imm, 5, 4) << 11) | (bits(imm, 9, 6) << 7) | (bit(imm, 2) << 6) | (bit(imm, 3) << 5);
/** c.lw/c.sw: uimm[5:3] at 12:10, uimm[2|6] at 6:5. */
export const lwImm = (imm: number) => (bits(imm, 5, 3) << 10) | (bit(imm, 2) << 6) | (bit(imm, 6) << 5);
/** c.lwsp: uimm[5] at 12, uimm[4:2|7:6] at 6:2. */
export const lwspImm = (imm: number) => (bit(imm, 5) << 12) | (bits(imm, 4, 2) << 4) | (bits(imm, 7, 6) << 2);
/** c.swsp: uimm[5:2|7:6] at 12:7. */
export const swspImm = (imm: number) => (bits(imm, 5, 2) << 9) | (bits(imm, 7, 6) << 7);
/** c.beqz/c.bnez: offset[8|4:3] at 12:10, offset[7:6|2:1|5] at 6:2. */
export const cbImm = (imm: number) => (bit(imm, 8) << 12) | (bits(imm, 4, 3) << 10) | (bits(imm, 7, 6) << 5) | (bits(imm, 2, 1) << 3) | (bit(imm, 5) << 2);
/** c.j/c.jal: offset[11|4|9:8|10|6|7|3:1|5] at 12:2. */
export const cjImm = (imm: number) => (bit(imm, 11) << 12) | (bit(imm, 4) << 11) | (bits(imm, 9, 8) << 9) | (bit(imm, 10) << 8)
  | (bit(imm, 6) << 7) | (bit(imm, 7) << 6) | (bits(imm, 3, 1) << 3) | (bit(imm, 5) << 2);

// ---- and back (sign-extended where the spec says so) ----

const sext = (v: number, n: number) => (v << (32 - n)) >> (32 - n);
export const decodeCi = (w: number) => sext((bit(w, 12) << 5) | bits(w, 6, 2), 6);
export const decodeAddi16sp = (w: number) => sext((bit(w, 12) << 9) | (bit(w, 6) << 4) | (bit(w, 5) << 6) | (bits(w, 4, 3) << 7) | (bit(w, 2) << 5), 10);
export const decodeAddi4spn = (w: number) => (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (bit(w, 6) << 2) | (bit(w, 5) << 3);
export const decodeLw = (w: number) => (bits(w, 12, 10) << 3) | (bit(w, 6) << 2) | (bit(w, 5) << 6);
export const decodeLwsp = (w: number) => (bit(w, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
export const decodeSwsp = (w: number) => (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
export const decodeCb = (w: number) => sext((bit(w, 12) << 8) | (bits(w, 11, 10) << 3) | (bits(w, 6, 5) << 6) | (bits(w, 4, 3) << 1) | (bit(w, 2) << 5), 9);
export const decodeCj = (w: number) => sext((bit(w, 12) << 11) | (bit(w, 11) << 4) | (bits(w, 10, 9) << 8) | (bit(w, 8) << 10)
  | (bit(w, 7) << 6) | (bit(w, 6) << 7) | (bits(w, 5, 3) << 1) | (bit(w, 2) << 5), 12);

const list: CompressedInstruction[] = [];
const def = (name: string, format: CFormat, encode: (f: CFields) => number) =>
  list.push({ name, format, size: 2, encode: (f) => encode(f) & 0xffff });
const imm = (f: CFields) => f.imm ?? 0;

// Quadrant 0
def('c.unimp', 'FIXED', () => 0x0000);
def('c.addi4spn', 'CIW', (f) => 0x0000 | addi4spnImm(imm(f)) | (r3(f.rd) << 2));
def('c.lw', 'CL', (f) => 0x4000 | lwImm(imm(f)) | (r3(f.rs1) << 7) | (r3(f.rd) << 2));
def('c.sw', 'CS', (f) => 0xc000 | lwImm(imm(f)) | (r3(f.rs1) << 7) | (r3(f.rs2) << 2));
// Quadrant 1
def('c.nop', 'FIXED', () => 0x0001);
def('c.addi', 'CI', (f) => 0x0001 | ciImm(imm(f)) | (r5(f.rd) << 7));
def('c.jal', 'CJ', (f) => 0x2001 | cjImm(imm(f)));
def('c.li', 'CI', (f) => 0x4001 | ciImm(imm(f)) | (r5(f.rd) << 7));
def('c.addi16sp', 'CI', (f) => 0x6101 | addi16spImm(imm(f)));
def('c.lui', 'CI', (f) => 0x6001 | ciImm(imm(f)) | (r5(f.rd) << 7));
def('c.srli', 'CB', (f) => 0x8001 | ciImm(imm(f)) | (r3(f.rd) << 7));
def('c.srai', 'CB', (f) => 0x8401 | ciImm(imm(f)) | (r3(f.rd) << 7));
def('c.andi', 'CB', (f) => 0x8801 | ciImm(imm(f)) | (r3(f.rd) << 7));
def('c.sub', 'CA', (f) => 0x8c01 | (r3(f.rd) << 7) | (r3(f.rs2) << 2));
def('c.xor', 'CA', (f) => 0x8c21 | (r3(f.rd) << 7) | (r3(f.rs2) << 2));
def('c.or', 'CA', (f) => 0x8c41 | (r3(f.rd) << 7) | (r3(f.rs2) << 2));
def('c.and', 'CA', (f) => 0x8c61 | (r3(f.rd) << 7) | (r3(f.rs2) << 2));
def('c.j', 'CJ', (f) => 0xa001 | cjImm(imm(f)));
def('c.beqz', 'CB', (f) => 0xc001 | cbImm(imm(f)) | (r3(f.rs1) << 7));
def('c.bnez', 'CB', (f) => 0xe001 | cbImm(imm(f)) | (r3(f.rs1) << 7));
// Quadrant 2
def('c.slli', 'CI', (f) => 0x0002 | ciImm(imm(f)) | (r5(f.rd) << 7));
def('c.lwsp', 'CI', (f) => 0x4002 | lwspImm(imm(f)) | (r5(f.rd) << 7));
def('c.jr', 'CR', (f) => 0x8002 | (r5(f.rs1) << 7));
def('c.mv', 'CR', (f) => 0x8002 | (r5(f.rd) << 7) | (r5(f.rs2) << 2));
def('c.ebreak', 'FIXED', () => 0x9002);
def('c.jalr', 'CR', (f) => 0x9002 | (r5(f.rs1) << 7));
def('c.add', 'CR', (f) => 0x9002 | (r5(f.rd) << 7) | (r5(f.rs2) << 2));
def('c.swsp', 'CSS', (f) => 0xc002 | swspImm(imm(f)) | (r5(f.rs2) << 2));

export const COMPRESSED_INSTRUCTIONS: ReadonlyMap<string, CompressedInstruction> = new Map(list.map((c) => [c.name, c]));

export function compressed(name: string): CompressedInstruction {
  const c = COMPRESSED_INSTRUCTIONS.get(name);
  if (!c) throw new Error(`no compressed instruction ${name}`);
  return c;
}

/** x8..x15 (s0, s1, a0-a5): the registers the 3-bit fields reach. */
export const isCompressibleRegister = (r: number | undefined) => r !== undefined && r >= 8 && r <= 15;
