// 16-bit (C extension) instructions as GNU objdump 2.40 prints them: under the name of the
// ordinary instruction each one expands to (`c.addi a0, 1` prints as `add a0,a0,1`, c.jr ra
// as `ret`), except the hints, which have no such name (`c.li zero,1`, `c.nop 3`,
// `c.slli64 a0`), and reserved encodings, which print as `.2byte`. RV32 only: the RV64
// and floating-point encodings are reserved here. Like objdump, shift amounts keep their
// sixth bit (`sll a0,a0,0x20`), although RV32 reserves those encodings.

import {
  decodeAddi16sp, decodeAddi4spn, decodeCb, decodeCi, decodeCj, decodeLw, decodeLwsp, decodeSwsp,
} from './compressed-instructions.ts';
import { ABI_NAMES } from './registers.ts';

/** What the caller's objdump state offers: branch targets and the lui/addi address hints. */
export interface CompressedContext {
  /** `80000010 <loop>` for a pc-relative offset. */
  target(offset: number): string;
  /** objdump's maybe_print_address: base register + offset, from a preceding lui. */
  hint(base: number, offset: number): void;
  /** A lui's upper value, remembered for the next hint on that register. */
  setHi(rd: number, value: number): void;
}

export interface Decoded16 {
  mnemonic: string;
  operands: string;
}

const reg = (n: number) => ABI_NAMES[n]!;
const field = (w: number, hi: number, lo: number) => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const t = (mnemonic: string, ...ops: (string | number)[]): Decoded16 => ({ mnemonic, operands: ops.join(',') });
const hex = (v: number) => '0x' + (v >>> 0).toString(16);

/** The text of one 16-bit instruction word, or undefined for a reserved encoding. */
export function decodeCompressed(w: number, c: CompressedContext): Decoded16 | undefined {
  switch (w & 3) {
    case 0: return quadrant0(w);
    case 1: return quadrant1(w, c);
    case 2: return quadrant2(w);
  }
  return undefined;
}

/** x8..x15 from a 3-bit field. */
const r3 = (w: number, lo: number) => reg(8 + field(w, lo + 2, lo));

function quadrant0(w: number): Decoded16 | undefined {
  switch (field(w, 15, 13)) {
    case 0: {
      if (w === 0) return t('unimp');
      const imm = decodeAddi4spn(w);
      return imm === 0 ? undefined : t('add', r3(w, 2), 'sp', imm);
    }
    case 2: return t('lw', r3(w, 2), `${decodeLw(w)}(${r3(w, 7)})`);
    case 6: return t('sw', r3(w, 2), `${decodeLw(w)}(${r3(w, 7)})`);
  }
  return undefined;
}

function quadrant1(w: number, c: CompressedContext): Decoded16 | undefined {
  const rd = field(w, 11, 7);
  const imm = decodeCi(w);
  switch (field(w, 15, 13)) {
    case 0:
      if (rd === 0) return imm === 0 ? t('nop') : t('c.nop', imm);
      c.hint(rd, imm);
      return t('add', reg(rd), reg(rd), imm);
    case 1: return t('jal', c.target(decodeCj(w)));
    case 2: return rd === 0 ? t('c.li', 'zero', imm) : t('li', reg(rd), imm);
    case 3: {
      if (rd === 2) return t('add', 'sp', 'sp', decodeAddi16sp(w));
      if (imm === 0) return undefined;
      c.setHi(rd, imm << 12);
      return t(rd === 0 ? 'c.lui' : 'lui', reg(rd), hex(imm & 0xfffff));
    }
    case 4: return arithmetic(w);
    case 5: return t('j', c.target(decodeCj(w)));
    case 6: return t('beqz', r3(w, 7), c.target(decodeCb(w)));
    case 7: return t('bnez', r3(w, 7), c.target(decodeCb(w)));
  }
  return undefined;
}

/** Quadrant 1, funct3 100: c.srli, c.srai, c.andi and the register-register ALU ops. */
function arithmetic(w: number): Decoded16 | undefined {
  const rd = r3(w, 7);
  const shamt = (field(w, 12, 12) << 5) | field(w, 6, 2);
  switch (field(w, 11, 10)) {
    case 0: case 1: {
      const name = field(w, 11, 10) === 0 ? 'srl' : 'sra';
      return shamt === 0 ? t(`c.${name}i64`, rd) : t(name, rd, rd, hex(shamt));
    }
    case 2: return t('and', rd, rd, decodeCi(w));
    case 3: {
      if (field(w, 12, 12)) return undefined; // c.subw/c.addw: RV64 only
      return t(['sub', 'xor', 'or', 'and'][field(w, 6, 5)]!, rd, rd, r3(w, 2));
    }
  }
  return undefined;
}

function quadrant2(w: number): Decoded16 | undefined {
  const rd = field(w, 11, 7);
  const rs2 = field(w, 6, 2);
  switch (field(w, 15, 13)) {
    case 0: {
      const shamt = (field(w, 12, 12) << 5) | rs2;
      if (shamt === 0) return t('c.slli64', reg(rd));
      return rd === 0 ? t('c.slli', 'zero', hex(shamt)) : t('sll', reg(rd), reg(rd), hex(shamt));
    }
    case 2: return rd === 0 ? undefined : t('lw', reg(rd), `${decodeLwsp(w)}(sp)`);
    case 4: return registerOps(w, rd, rs2);
    case 6: return t('sw', reg(rs2), `${decodeSwsp(w)}(sp)`);
  }
  return undefined;
}

/** c.jr, c.mv, c.ebreak, c.jalr, c.add (funct4 100x). */
function registerOps(w: number, rd: number, rs2: number): Decoded16 | undefined {
  if (field(w, 12, 12) === 0) {
    if (rs2 === 0) return rd === 0 ? undefined : rd === 1 ? t('ret') : t('jr', reg(rd));
    return t(rd === 0 ? 'c.mv' : 'mv', reg(rd), reg(rs2));
  }
  if (rs2 === 0) return rd === 0 ? t('ebreak') : t('jalr', reg(rd));
  return rd === 0 ? t('c.add', 'zero', reg(rs2)) : t('add', reg(rd), reg(rd), reg(rs2));
}
