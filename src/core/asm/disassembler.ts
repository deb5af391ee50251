// Disassembler in the style of GNU objdump 2.40 (binutils riscv-dis.c): the same alias
// choices (li, mv, ret, csrr, rdcycle...), the same quirks (`add a0,a1,5` for addi,
// shift amounts in hex, `fence unknown,unknown`), and, across a listing, the same
// "# address <symbol>" hints objdump derives from a preceding lui/auipc.

import { objdumpCsrName } from './csr-names.ts';
import { decodeCompressed } from './disassemble-compressed.ts';
import type { SymbolInfo } from './image.ts';
import { ABI_NAMES } from './registers.ts';

/** Symbol addresses by name, e.g. ProgramImage.symbols. */
export type SymbolMap = ReadonlyMap<string, number>;

/** What objdump remembers between instructions: the upper part each register holds. */
export class DisassemblyState {
  readonly hiAddr = new Map<number, number>();
  /**
   * symbolInfo: symbol types and sizes (ProgramImage.symbolInfo), objdump's tie-break between
   * symbols at one address. rvc: the C extension is on, so 16-bit words are instructions
   * (objdump decodes them only when the file's ISA has C; else they print as .2byte).
   */
  constructor(readonly symbolInfo?: ReadonlyMap<string, SymbolInfo>, public rvc = false) {}
}

export interface DecodedText {
  mnemonic: string;
  operands: string;
  /** objdump's trailing "# address <symbol>" hint, without the "# ". */
  comment?: string;
}

const reg = (n: number) => ABI_NAMES[n]!;
const field = (w: number, hi: number, lo: number) => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);
const immI = (w: number) => w >> 20;
const immS = (w: number) => sext((field(w, 31, 25) << 5) | field(w, 11, 7), 12);
const immB = (w: number) => sext((field(w, 31, 31) << 12) | (field(w, 7, 7) << 11) | (field(w, 30, 25) << 5) | (field(w, 11, 8) << 1), 13);
const immJ = (w: number) => sext((field(w, 31, 31) << 20) | (field(w, 19, 12) << 12) | (field(w, 20, 20) << 11) | (field(w, 30, 21) << 1), 21);
const hex = (v: number) => '0x' + (v >>> 0).toString(16);

/** objdump's text for one instruction word, e.g. `li a0,5` or `j 80000010 <loop>`. */
export function disassemble(word: number, pc: number, symbols?: SymbolMap, state?: DisassemblyState): string {
  const d = decodeText(word >>> 0, pc >>> 0, symbols, state ?? new DisassemblyState());
  const text = d.operands ? `${d.mnemonic} ${d.operands}` : d.mnemonic;
  return d.comment ? `${text} # ${d.comment}` : text;
}

interface Ctx {
  w: number;
  pc: number;
  symbols?: SymbolMap;
  state: DisassemblyState;
  comment?: string;
}

export function decodeText(w: number, pc: number, symbols: SymbolMap | undefined, state: DisassemblyState): DecodedText {
  const c: Ctx = { w, pc, symbols, state };
  const r = ((w & 3) !== 3 ? compressedOp(c) : decodeOp(c)) ?? { mnemonic: (w & 3) === 3 ? '.4byte' : '.2byte', operands: hex((w & 3) === 3 ? w : w & 0xffff) };
  return c.comment === undefined ? r : { ...r, comment: c.comment };
}

function decodeOp(c: Ctx): DecodedText | undefined {
  const w = c.w;
  if ((w & 3) !== 3) return undefined;
  switch (w & 0x7f) {
    case 0x37: return upper(c, 'lui', field(w, 31, 12) << 12);
    case 0x17: return upper(c, 'auipc', (c.pc + (field(w, 31, 12) << 12)) | 0);
    case 0x6f: return jal(c);
    case 0x67: return field(w, 14, 12) === 0 ? jalr(c) : undefined;
    case 0x63: return branch(c);
    case 0x03: return load(c);
    case 0x23: return store(c);
    case 0x13: return opImm(c);
    case 0x33: return op(c);
    case 0x0f: return miscMem(c);
    case 0x73: return system(c);
    case 0x2f: return amo(c);
  }
  return undefined;
}

const t = (mnemonic: string, ...ops: string[]): DecodedText => ({ mnemonic, operands: ops.join(',') });

/** A 16-bit word (the low half of w), when the C extension is on. */
function compressedOp(c: Ctx): DecodedText | undefined {
  if (!c.state.rvc) return undefined;
  return decodeCompressed(c.w & 0xffff, {
    target: (offset) => target(c, offset),
    hint: (base, offset) => hint(c, base, offset),
    setHi: (rd, value) => c.state.hiAddr.set(rd, value),
  });
}

/** lui/auipc: print the raw 20-bit field and remember the value for later hints. */
function upper(c: Ctx, name: string, value: number): DecodedText {
  const rd = field(c.w, 11, 7);
  c.state.hiAddr.set(rd, value);
  return t(name, reg(rd), hex(field(c.w, 31, 12)));
}

/** riscv-dis.c maybe_print_address: the address a register-relative operand reaches. */
function hint(c: Ctx, base: number, offset: number): void {
  const hi = c.state.hiAddr.get(base);
  let addr: number;
  if (hi !== undefined) {
    addr = (base !== 0 ? hi : 0) + offset;
    c.state.hiAddr.delete(base);
  } else if (base === 3 && c.symbols?.has(GP_SYMBOL)) addr = c.symbols.get(GP_SYMBOL)! + offset;
  else if (base === 0 || base === 4) addr = offset; // zero and tp: absolute
  else return;
  c.comment = formatAddress(addr >>> 0, c.symbols, c.state.symbolInfo);
}

/** The linker's global pointer: objdump resolves gp-relative operands through it. */
const GP_SYMBOL = '__global_pointer$';

function target(c: Ctx, offset: number): string {
  return formatAddress((c.pc + offset) >>> 0, c.symbols, c.state.symbolInfo);
}

function jal(c: Ctx): DecodedText {
  const rd = field(c.w, 11, 7);
  const to = target(c, immJ(c.w));
  return rd === 0 ? t('j', to) : rd === 1 ? t('jal', to) : t('jal', reg(rd), to);
}

function jalr(c: Ctx): DecodedText {
  const w = c.w;
  const rd = field(w, 11, 7);
  const rs1 = field(w, 19, 15);
  const imm = immI(w);
  if (rd === 0 && rs1 === 1 && imm === 0) return t('ret');
  hint(c, rs1, imm);
  const addr = imm === 0 ? reg(rs1) : `${imm}(${reg(rs1)})`;
  if (rd === 0) return t('jr', addr);
  if (rd === 1) return t('jalr', addr);
  return imm === 0 ? t('jalr', reg(rd), reg(rs1)) : t('jalr', reg(rd), addr);
}

function branch(c: Ctx): DecodedText | undefined {
  const w = c.w;
  const f3 = field(w, 14, 12);
  const rs1 = field(w, 19, 15);
  const rs2 = field(w, 24, 20);
  const to = target(c, immB(w));
  const names = ['beq', 'bne', '', '', 'blt', 'bge', 'bltu', 'bgeu'];
  const name = names[f3];
  if (!name) return undefined;
  // objdump's table order decides `bge zero,zero`: blez is listed before bgez, bltz before bgtz.
  if (f3 === 5 && rs1 === 0) return t('blez', reg(rs2), to);
  if (rs2 === 0 && (f3 === 0 || f3 === 1 || f3 === 4 || f3 === 5)) return t(['beqz', 'bnez', '', '', 'bltz', 'bgez'][f3]!, reg(rs1), to);
  if (f3 === 4 && rs1 === 0) return t('bgtz', reg(rs2), to);
  return t(name, reg(rs1), reg(rs2), to);
}

function load(c: Ctx): DecodedText | undefined {
  const name = ['lb', 'lh', 'lw', '', 'lbu', 'lhu'][field(c.w, 14, 12)];
  if (!name) return undefined;
  const rs1 = field(c.w, 19, 15);
  hint(c, rs1, immI(c.w));
  return t(name, reg(field(c.w, 11, 7)), `${immI(c.w)}(${reg(rs1)})`);
}

function store(c: Ctx): DecodedText | undefined {
  const name = ['sb', 'sh', 'sw'][field(c.w, 14, 12)];
  if (!name) return undefined;
  const rs1 = field(c.w, 19, 15);
  hint(c, rs1, immS(c.w));
  return t(name, reg(field(c.w, 24, 20)), `${immS(c.w)}(${reg(rs1)})`);
}

function opImm(c: Ctx): DecodedText | undefined {
  const w = c.w;
  const f3 = field(w, 14, 12);
  const rd = reg(field(w, 11, 7));
  const rs1n = field(w, 19, 15);
  const rs1 = reg(rs1n);
  const imm = immI(w);
  switch (f3) {
    case 0:
      if (field(w, 11, 7) === 0 && rs1n === 0 && imm === 0) return t('nop');
      if (rs1n === 0) return t('li', rd, String(imm));
      if (imm === 0) return t('mv', rd, rs1);
      hint(c, rs1n, imm);
      return t('add', rd, rs1, String(imm));
    case 2: return t('slti', rd, rs1, String(imm));
    case 3: return imm === 1 ? t('seqz', rd, rs1) : t('sltiu', rd, rs1, String(imm));
    case 4: return imm === -1 ? t('not', rd, rs1) : t('xor', rd, rs1, String(imm));
    case 6: return t('or', rd, rs1, String(imm));
    case 7: return imm === 255 ? t('zext.b', rd, rs1) : t('and', rd, rs1, String(imm));
    case 1: return field(w, 31, 25) === 0 ? t('sll', rd, rs1, hex(field(w, 24, 20))) : undefined;
    case 5: {
      const f7 = field(w, 31, 25);
      if (f7 !== 0 && f7 !== 0x20) return undefined;
      return t(f7 === 0 ? 'srl' : 'sra', rd, rs1, hex(field(w, 24, 20)));
    }
  }
  return undefined;
}

const OP_NAMES: Record<number, string[]> = {
  0x00: ['add', 'sll', 'slt', 'sltu', 'xor', 'srl', 'or', 'and'],
  0x20: ['sub', '', '', '', '', 'sra', '', ''],
  0x01: ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'],
};

function op(c: Ctx): DecodedText | undefined {
  const w = c.w;
  const name = OP_NAMES[field(w, 31, 25)]?.[field(w, 14, 12)];
  if (!name) return undefined;
  const rd = reg(field(w, 11, 7));
  const rs1n = field(w, 19, 15);
  const rs2n = field(w, 24, 20);
  if (name === 'sub' && rs1n === 0) return t('neg', rd, reg(rs2n));
  if (name === 'sltu' && rs1n === 0) return t('snez', rd, reg(rs2n));
  if (name === 'slt' && rs2n === 0) return t('sltz', rd, reg(rs1n));
  if (name === 'slt' && rs1n === 0) return t('sgtz', rd, reg(rs2n));
  return t(name, rd, reg(rs1n), reg(rs2n));
}

function fenceSet(bits: number): string {
  const s = (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
  return s || 'unknown';
}

function miscMem(c: Ctx): DecodedText | undefined {
  const w = c.w;
  if (w === 0x0000100f) return t('fence.i');
  if (w === 0x8330000f) return t('fence.tso');
  if (field(w, 14, 12) !== 0) return field(w, 14, 12) === 1 ? t('fence.i') : undefined;
  const pred = field(w, 27, 24);
  const succ = field(w, 23, 20);
  return pred === 15 && succ === 15 ? t('fence') : t('fence', fenceSet(pred), fenceSet(succ));
}

const FIXED_SYSTEM: Record<number, string> = {
  0x00000073: 'ecall', 0x00100073: 'ebreak', 0x10200073: 'sret', 0x30200073: 'mret', 0x10500073: 'wfi', 0xc0001073: 'unimp',
};

const COUNTER_READS: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret', 0xc80: 'rdcycleh', 0xc81: 'rdtimeh', 0xc82: 'rdinstreth' };

function system(c: Ctx): DecodedText | undefined {
  const w = c.w;
  const fixed = FIXED_SYSTEM[w];
  if (fixed) return t(fixed);
  const f3 = field(w, 14, 12);
  if (f3 === 0) return sfence(w);
  if (f3 === 4) return hypervisorLoadStore(w);
  const rdn = field(w, 11, 7);
  const rs1n = field(w, 19, 15);
  const csrNum = field(w, 31, 20);
  const csr = objdumpCsrName(csrNum) ?? hex(csrNum);
  const base = ['', 'csrrw', 'csrrs', 'csrrc'][f3 & 3]!;
  const src = f3 >= 4 ? String(rs1n) : reg(rs1n);
  // objdump prints csrrwi and friends under the register names: `csrrw a0,mstatus,3`.
  if (f3 === 2 && rs1n === 0) return COUNTER_READS[csrNum] ? t(COUNTER_READS[csrNum]!, reg(rdn)) : t('csrr', reg(rdn), csr);
  if (rdn === 0) return t(['', 'csrw', 'csrs', 'csrc'][f3 & 3]!, csr, src);
  return t(base, reg(rdn), csr, src);
}

const FENCES: Record<number, string> = { 0x09: 'sfence.vma', 0x11: 'hfence.vvma', 0x31: 'hfence.gvma' };

function sfence(w: number): DecodedText | undefined {
  const name = FENCES[field(w, 31, 25)];
  if (name === undefined || field(w, 11, 7) !== 0) return undefined;
  const rs1 = field(w, 19, 15);
  const rs2 = field(w, 24, 20);
  if (rs2 !== 0) return t(name, reg(rs1), reg(rs2));
  return rs1 !== 0 ? t(name, reg(rs1)) : t(name);
}

/** H extension: hlv.*, hlvx.* and hsv.* (funct3 4 of SYSTEM). */
function hypervisorLoadStore(w: number): DecodedText | undefined {
  const f7 = field(w, 31, 25);
  const sel = field(w, 24, 20);
  const rd = field(w, 11, 7);
  const size = ['b', 'h', 'w'][(f7 >> 1) & 3];
  if ((f7 & 0x78) !== 0x30 || size === undefined) return undefined;
  const addr = `(${reg(field(w, 19, 15))})`;
  if (f7 & 1) return rd === 0 ? t(`hsv.${size}`, reg(sel), addr) : undefined;
  const name = sel === 0 ? `hlv.${size}` : sel === 1 && size !== 'w' ? `hlv.${size}u` : sel === 3 && size !== 'b' ? `hlvx.${size}u` : undefined;
  return name === undefined ? undefined : t(name, reg(rd), addr);
}

const AMO_NAMES: Record<number, string> = {
  0x02: 'lr.w', 0x03: 'sc.w', 0x01: 'amoswap.w', 0x00: 'amoadd.w', 0x04: 'amoxor.w', 0x0c: 'amoand.w',
  0x08: 'amoor.w', 0x10: 'amomin.w', 0x14: 'amomax.w', 0x18: 'amominu.w', 0x1c: 'amomaxu.w',
};

function amo(c: Ctx): DecodedText | undefined {
  const w = c.w;
  const name = AMO_NAMES[field(w, 31, 27)];
  if (!name || field(w, 14, 12) !== 2) return undefined;
  if (name === 'lr.w' && field(w, 24, 20) !== 0) return undefined;
  const order = ['', '.rl', '.aq', '.aqrl'][field(w, 26, 25)]!;
  const rd = reg(field(w, 11, 7));
  const addr = `(${reg(field(w, 19, 15))})`;
  return name === 'lr.w' ? t(name + order, rd, addr) : t(name + order, rd, reg(field(w, 24, 20)), addr);
}

// ---- addresses and symbols, as objdump prints them ----

/** `80000010 <loop>`, `80001008 <value+0x4>`, or the bare hex address without symbols. */
export function formatAddress(addr: number, symbols?: SymbolMap, info?: ReadonlyMap<string, SymbolInfo>): string {
  const a = (addr >>> 0).toString(16);
  const sym = symbols && symbols.size ? nearestSymbol(addr >>> 0, symbols, info) : undefined;
  if (!sym) return a;
  const d = (addr >>> 0) - sym.value;
  return `${a} <${sym.name}${d === 0 ? '' : d > 0 ? '+' + hex(d) : '-' + hex(-d)}>`;
}

const sortedCache = new WeakMap<SymbolMap, { info: unknown; list: { name: string; value: number }[] }>();

/**
 * objdump's compare_symbols order: by address; then functions, then objects, then
 * globals before locals, larger st_size first (PR20337); names starting with '.' last;
 * then by name. So `counter` (an object) names 0x80000594, not the linker's `_bss_start`.
 */
export function sortedSymbols(symbols: SymbolMap, info?: ReadonlyMap<string, SymbolInfo>): { name: string; value: number }[] {
  const cached = sortedCache.get(symbols);
  if (cached && cached.info === info) return cached.list;
  const list = [...symbols].filter(([n]) => !n.startsWith('$') && !n.startsWith('.L')).map(([name, value]) => ({ name, value: value >>> 0 }));
  const rank = (n: string) => symbolRank(info?.get(n));
  list.sort((x, y) => x.value - y.value || rank(x.name) - rank(y.name)
    || (info?.get(y.name)?.size ?? 0) - (info?.get(x.name)?.size ?? 0)
    || Number(x.name.startsWith('.')) - Number(y.name.startsWith('.')) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  sortedCache.set(symbols, { info, list });
  return list;
}

function symbolRank(i: SymbolInfo | undefined): number {
  if (!i) return 0;
  return i.kind === 'function' ? 0 : i.kind === 'object' ? 1 : i.global ? 2 : 3;
}

/** The first symbol at the highest address not above addr; else the lowest symbol. */
function nearestSymbol(addr: number, symbols: SymbolMap, info?: ReadonlyMap<string, SymbolInfo>): { name: string; value: number } | undefined {
  const s = sortedSymbols(symbols, info);
  let lo = 0;
  let hi = s.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]!.value <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return s[0];
  while (found > 0 && s[found - 1]!.value === s[found]!.value) found--;
  return s[found];
}
