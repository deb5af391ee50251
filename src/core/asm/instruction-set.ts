// The RV32IMA + Zicsr + Zifencei base instructions: name, encoding format and the fixed
// bits ("match") of each (RISC-V unprivileged spec, ch. 2, 7, 8, 9; privileged spec 3.3),
// and the H extension's (privileged spec, "Hypervisor Instructions").
// Operand bits are filled in by the encoder from the format.

export type Format =
  | 'R' // rd, rs1, rs2
  | 'I' // rd, rs1, imm[11:0]
  | 'LOAD' // I-format with imm(rs1) syntax
  | 'S' // rs2, imm(rs1)
  | 'B' // rs1, rs2, pc-relative target
  | 'U' // rd, imm[31:12]
  | 'J' // rd, pc-relative target
  | 'SHIFT' // rd, rs1, shamt[4:0]
  | 'CSR' // rd, csr, rs1
  | 'CSRI' // rd, csr, uimm[4:0]
  | 'AMO' // rd, rs2, (rs1)
  | 'LR' // rd, (rs1)
  | 'FENCE' // pred, succ
  | 'SFENCE' // rs1, rs2
  | 'HSV' // rs2, (rs1): hypervisor virtual-machine store
  | 'FIXED'; // no operands

export interface BaseInstruction {
  name: string;
  format: Format;
  match: number;
  size: 4;
}

const OP = { LOAD: 0x03, MISC_MEM: 0x0f, OP_IMM: 0x13, AUIPC: 0x17, STORE: 0x23, AMO: 0x2f, OP: 0x33, LUI: 0x37, BRANCH: 0x63, JALR: 0x67, JAL: 0x6f, SYSTEM: 0x73 };

const f3 = (v: number) => v << 12;
const f7 = (v: number) => v << 25;

const list: BaseInstruction[] = [];
const def = (name: string, format: Format, match: number) => list.push({ name, format, match: match >>> 0, size: 4 });

def('lui', 'U', OP.LUI);
def('auipc', 'U', OP.AUIPC);
def('jal', 'J', OP.JAL);
def('jalr', 'I', OP.JALR);
(['beq', 'bne', '', '', 'blt', 'bge', 'bltu', 'bgeu'] as const).forEach((n, i) => n && def(n, 'B', OP.BRANCH | f3(i)));
(['lb', 'lh', 'lw', '', 'lbu', 'lhu'] as const).forEach((n, i) => n && def(n, 'LOAD', OP.LOAD | f3(i)));
(['sb', 'sh', 'sw'] as const).forEach((n, i) => def(n, 'S', OP.STORE | f3(i)));
(['addi', '', 'slti', 'sltiu', 'xori', '', 'ori', 'andi'] as const).forEach((n, i) => n && def(n, 'I', OP.OP_IMM | f3(i)));
def('slli', 'SHIFT', OP.OP_IMM | f3(1));
def('srli', 'SHIFT', OP.OP_IMM | f3(5));
def('srai', 'SHIFT', OP.OP_IMM | f3(5) | f7(0x20));
(['add', 'sll', 'slt', 'sltu', 'xor', 'srl', 'or', 'and'] as const).forEach((n, i) => def(n, 'R', OP.OP | f3(i)));
def('sub', 'R', OP.OP | f7(0x20));
def('sra', 'R', OP.OP | f3(5) | f7(0x20));
(['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const).forEach((n, i) => def(n, 'R', OP.OP | f3(i) | f7(1)));
def('fence', 'FENCE', OP.MISC_MEM);
def('fence.tso', 'FIXED', 0x8330000f);
def('fence.i', 'FIXED', OP.MISC_MEM | f3(1));
def('ecall', 'FIXED', 0x00000073);
def('ebreak', 'FIXED', 0x00100073);
def('sret', 'FIXED', 0x10200073);
def('mret', 'FIXED', 0x30200073);
def('wfi', 'FIXED', 0x10500073);
def('sfence.vma', 'SFENCE', 0x12000073);
// H extension: fences (funct7 0x11, 0x31) and virtual-machine loads and stores (funct3 4;
// funct7 0x30/0x32/0x34 by width, rs2 1 unsigned, 3 HLVX; stores funct7 | 1).
def('hfence.vvma', 'SFENCE', 0x22000073);
def('hfence.gvma', 'SFENCE', 0x62000073);
for (const [name, f7v, rs2] of [['hlv.b', 0x30, 0], ['hlv.bu', 0x30, 1], ['hlv.h', 0x32, 0], ['hlv.hu', 0x32, 1],
  ['hlvx.hu', 0x32, 3], ['hlv.w', 0x34, 0], ['hlvx.wu', 0x34, 3]] as const) {
  def(name, 'LR', OP.SYSTEM | f3(4) | f7(f7v) | (rs2 << 20));
}
(['hsv.b', 'hsv.h', 'hsv.w'] as const).forEach((n, i) => def(n, 'HSV', OP.SYSTEM | f3(4) | f7(0x31 + 2 * i)));
(['', 'csrrw', 'csrrs', 'csrrc', '', 'csrrwi', 'csrrsi', 'csrrci'] as const).forEach((n, i) => n && def(n, i < 4 ? 'CSR' : 'CSRI', OP.SYSTEM | f3(i)));

// A extension: funct5 in bits 31:27, aq bit 26, rl bit 25; every ordering suffix is its own name.
const AMO_FUNCT5: [string, number][] = [
  ['lr.w', 0x02], ['sc.w', 0x03], ['amoswap.w', 0x01], ['amoadd.w', 0x00], ['amoxor.w', 0x04], ['amoand.w', 0x0c],
  ['amoor.w', 0x08], ['amomin.w', 0x10], ['amomax.w', 0x14], ['amominu.w', 0x18], ['amomaxu.w', 0x1c],
];
for (const [name, funct5] of AMO_FUNCT5) {
  const suffixes: [string, number][] = [['', 0], ['.aq', 2], ['.rl', 1], ['.aqrl', 3]];
  for (const [sfx, bits] of suffixes) def(name + sfx, name === 'lr.w' ? 'LR' : 'AMO', OP.AMO | f3(2) | (funct5 << 27) | (bits << 25));
}

export const BASE_INSTRUCTIONS: ReadonlyMap<string, BaseInstruction> = new Map(list.map((b) => [b.name, b]));

export function base(name: string): BaseInstruction {
  const b = BASE_INSTRUCTIONS.get(name);
  if (!b) throw new Error(`no base instruction ${name}`);
  return b;
}
