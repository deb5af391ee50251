// The C extension for RV32 (RISC-V unprivileged spec, chapter "C" Standard Extension for
// Compressed Instructions): every 16-bit instruction is a short form of one 32-bit
// instruction, so the interpreter expands it and executes the expansion (the spec defines
// each one that way). expandCompressed() is that table, instruction by instruction;
// RVC_EXPANSION holds it precomputed for all 2^16 parcels so the hot loop does one lookup.
//
// Reserved encodings, and the F/D loads and stores (this hart has no floating point),
// expand to `parcel << 16`: the low seven bits are opcode 0, which the interpreter treats
// as illegal, and the parcel rides along for xtval. The all-zero parcel is the defined
// illegal instruction.

/** Opcode field 0 is no RV32 instruction: the interpreter's illegal path. */
export const COMPRESSED_ILLEGAL_OPCODE = 0;

const ZERO = 0;
const RA = 1;
const SP = 2;

/** The 32-bit instruction a 16-bit parcel stands for, or `parcel << 16` (opcode 0) if illegal. */
export function expandCompressed(parcel: number): number {
  const c = parcel & 0xffff;
  const illegal = (c << 16) | COMPRESSED_ILLEGAL_OPCODE;
  const f3 = c >>> 13;
  const rdp = 8 + ((c >>> 2) & 7); // rd'/rs2' in bits 4:2
  const rs1p = 8 + ((c >>> 7) & 7); // rs1'/rd' in bits 9:7
  const rd = (c >>> 7) & 31;
  const rs2 = (c >>> 2) & 31;
  switch (c & 3) {
    case 0:
      switch (f3) {
        case 0: { // C.ADDI4SPN
          const imm = (bit(c, 12, 11) << 4) | (bit(c, 10, 7) << 6) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 3);
          return imm === 0 ? illegal : iType(0x13, rdp, 0, SP, imm);
        }
        case 2: return iType(0x03, rdp, 2, rs1p, lwOffset(c)); // C.LW
        case 6: return sType(0x23, 2, rs1p, rdp, lwOffset(c)); // C.SW
        default: return illegal; // C.FLD, C.FLW, C.FSD, C.FSW and the reserved 100
      }
    case 1:
      switch (f3) {
        case 0: return iType(0x13, rd, 0, rd, ciImm(c)); // C.ADDI (C.NOP)
        case 1: return jType(RA, cjOffset(c)); // C.JAL
        case 2: return iType(0x13, rd, 0, ZERO, ciImm(c)); // C.LI
        case 3: {
          if (rd === SP) { // C.ADDI16SP
            const imm = sext((bit(c, 12, 12) << 9) | (bit(c, 6, 6) << 4) | (bit(c, 5, 5) << 6)
              | (bit(c, 4, 3) << 7) | (bit(c, 2, 2) << 5), 10);
            return imm === 0 ? illegal : iType(0x13, SP, 0, SP, imm);
          }
          const imm = ciImm(c); // C.LUI: nzimm[17:12]
          return imm === 0 ? illegal : ((imm << 12) & 0xfffff000) | (rd << 7) | 0x37;
        }
        case 4: return miscAlu(c, rs1p, rdp, illegal);
        case 5: return jType(ZERO, cjOffset(c)); // C.J
        case 6: return bType(0, rs1p, ZERO, cbOffset(c)); // C.BEQZ
        default: return bType(1, rs1p, ZERO, cbOffset(c)); // C.BNEZ
      }
    case 2:
      switch (f3) {
        case 0: // C.SLLI; shamt[5] = 1 is reserved on RV32
          return bit(c, 12, 12) ? illegal : iType(0x13, rd, 1, rd, rs2);
        case 2: { // C.LWSP; rd = 0 is reserved
          const imm = (bit(c, 12, 12) << 5) | (bit(c, 6, 4) << 2) | (bit(c, 3, 2) << 6);
          return rd === 0 ? illegal : iType(0x03, rd, 2, SP, imm);
        }
        case 4:
          if (!bit(c, 12, 12)) {
            if (rs2 === 0) return rd === 0 ? illegal : iType(0x67, ZERO, 0, rd, 0); // C.JR
            return rType(0x33, rd, 0, ZERO, rs2, 0); // C.MV
          }
          if (rs2 === 0) return rd === 0 ? 0x00100073 : iType(0x67, RA, 0, rd, 0); // C.EBREAK, C.JALR
          return rType(0x33, rd, 0, rd, rs2, 0); // C.ADD
        case 6: { // C.SWSP
          const imm = (bit(c, 12, 9) << 2) | (bit(c, 8, 7) << 6);
          return sType(0x23, 2, SP, rs2, imm);
        }
        default: return illegal; // C.FLDSP, C.FLWSP, C.FSDSP, C.FSWSP
      }
    default:
      return illegal; // not a 16-bit instruction
  }
}

/** C.SRLI, C.SRAI, C.ANDI, C.SUB, C.XOR, C.OR, C.AND (funct3 100, quadrant 1). */
function miscAlu(c: number, rd: number, rs2: number, illegal: number): number {
  switch (bit(c, 11, 10)) {
    case 0: return bit(c, 12, 12) ? illegal : iType(0x13, rd, 5, rd, bit(c, 6, 2)); // C.SRLI
    case 1: return bit(c, 12, 12) ? illegal : iType(0x13, rd, 5, rd, bit(c, 6, 2) | 0x400); // C.SRAI
    case 2: return iType(0x13, rd, 7, rd, ciImm(c)); // C.ANDI
    default: {
      if (bit(c, 12, 12)) return illegal; // C.SUBW/C.ADDW are RV64 only
      const op = bit(c, 6, 5);
      const f3 = [0, 4, 6, 7][op]!; // sub, xor, or, and
      return rType(0x33, rd, f3, rd, rs2, op === 0 ? 0x20 : 0);
    }
  }
}

function bit(v: number, hi: number, lo: number): number {
  return (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
}

function sext(v: number, bits: number): number {
  const shift = 32 - bits;
  return (v << shift) >> shift;
}

/** The CI-format 6-bit signed immediate: imm[5] = bit 12, imm[4:0] = bits 6:2. */
function ciImm(c: number): number {
  return sext((bit(c, 12, 12) << 5) | bit(c, 6, 2), 6);
}

/** C.LW/C.SW offset: uimm[5:3] = bits 12:10, uimm[2] = bit 6, uimm[6] = bit 5. */
function lwOffset(c: number): number {
  return (bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6);
}

/** CJ format: offset[11|4|9:8|10|6|7|3:1|5] = bits 12:2. */
function cjOffset(c: number): number {
  return sext((bit(c, 12, 12) << 11) | (bit(c, 11, 11) << 4) | (bit(c, 10, 9) << 8)
    | (bit(c, 8, 8) << 10) | (bit(c, 7, 7) << 6) | (bit(c, 6, 6) << 7) | (bit(c, 5, 3) << 1)
    | (bit(c, 2, 2) << 5), 12);
}

/** CB format branch: offset[8|4:3] = bits 12:10, offset[7:6|2:1|5] = bits 6:2. */
function cbOffset(c: number): number {
  return sext((bit(c, 12, 12) << 8) | (bit(c, 11, 10) << 3) | (bit(c, 6, 5) << 6)
    | (bit(c, 4, 3) << 1) | (bit(c, 2, 2) << 5), 9);
}

function iType(opcode: number, rd: number, f3: number, rs1: number, imm: number): number {
  return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
}

function sType(opcode: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opcode;
}

function rType(opcode: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): number {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
}

function bType(f3: number, rs1: number, rs2: number, off: number): number {
  return (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15)
    | (f3 << 12) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63;
}

function jType(rd: number, off: number): number {
  return (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20)
    | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

/** expandCompressed for every 16-bit parcel, indexed by the parcel. */
export const RVC_EXPANSION: Int32Array = (() => {
  const t = new Int32Array(1 << 16);
  for (let p = 0; p < t.length; p++) t[p] = (p & 3) === 3 ? 0 : expandCompressed(p);
  return t;
})();
