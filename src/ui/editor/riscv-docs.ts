// Reference text for hover docs and completion: every RV32IMA + Zicsr instruction, the
// GNU pseudo-instructions, the registers and the CSRs the machine implements.
// Privileged items say so: under the hypervisor the guest kernel runs in U-mode, so they
// are exactly what traps to the VMM.

export const PRIVILEGED_NOTE = 'privileged: traps when the guest runs deprivileged';

export interface InstructionDoc {
  syntax: string;
  summary: string;
  kind: 'instruction' | 'pseudo';
  privileged?: boolean;
}

function table(kind: InstructionDoc['kind'], rows: [string, string, string][], privileged = false) {
  const out: Record<string, InstructionDoc> = {};
  for (const [name, syntax, summary] of rows) {
    out[name] = { syntax, summary, kind, ...(privileged ? { privileged } : {}) };
  }
  return out;
}

const base: [string, string, string][] = [
  ['lui', 'lui rd, imm20', 'Load upper immediate: rd = imm20 << 12.'],
  ['auipc', 'auipc rd, imm20', 'Add upper immediate to pc: rd = pc + (imm20 << 12).'],
  ['jal', 'jal rd, label', 'Jump and link: rd = pc + 4; pc = label (±1 MiB).'],
  ['jalr', 'jalr rd, offset(rs1)', 'Jump and link register: rd = pc + 4; pc = (rs1 + offset) & ~1.'],
  ['beq', 'beq rs1, rs2, label', 'Branch if equal.'],
  ['bne', 'bne rs1, rs2, label', 'Branch if not equal.'],
  ['blt', 'blt rs1, rs2, label', 'Branch if less than (signed).'],
  ['bge', 'bge rs1, rs2, label', 'Branch if greater or equal (signed).'],
  ['bltu', 'bltu rs1, rs2, label', 'Branch if less than (unsigned).'],
  ['bgeu', 'bgeu rs1, rs2, label', 'Branch if greater or equal (unsigned).'],
  ['lb', 'lb rd, offset(rs1)', 'Load byte, sign-extended.'],
  ['lh', 'lh rd, offset(rs1)', 'Load halfword, sign-extended.'],
  ['lw', 'lw rd, offset(rs1)', 'Load word.'],
  ['lbu', 'lbu rd, offset(rs1)', 'Load byte, zero-extended.'],
  ['lhu', 'lhu rd, offset(rs1)', 'Load halfword, zero-extended.'],
  ['sb', 'sb rs2, offset(rs1)', 'Store the low byte of rs2.'],
  ['sh', 'sh rs2, offset(rs1)', 'Store the low halfword of rs2.'],
  ['sw', 'sw rs2, offset(rs1)', 'Store word.'],
  ['addi', 'addi rd, rs1, imm12', 'Add immediate (−2048..2047).'],
  ['slti', 'slti rd, rs1, imm12', 'Set rd = 1 if rs1 < imm (signed), else 0.'],
  ['sltiu', 'sltiu rd, rs1, imm12', 'Set rd = 1 if rs1 < imm (unsigned), else 0.'],
  ['xori', 'xori rd, rs1, imm12', 'Bitwise XOR with immediate.'],
  ['ori', 'ori rd, rs1, imm12', 'Bitwise OR with immediate.'],
  ['andi', 'andi rd, rs1, imm12', 'Bitwise AND with immediate.'],
  ['slli', 'slli rd, rs1, shamt', 'Shift left logical by 0..31.'],
  ['srli', 'srli rd, rs1, shamt', 'Shift right logical by 0..31.'],
  ['srai', 'srai rd, rs1, shamt', 'Shift right arithmetic by 0..31.'],
  ['add', 'add rd, rs1, rs2', 'Add (wraps modulo 2^32).'],
  ['sub', 'sub rd, rs1, rs2', 'Subtract.'],
  ['sll', 'sll rd, rs1, rs2', 'Shift left logical by rs2 & 31.'],
  ['slt', 'slt rd, rs1, rs2', 'Set if less than (signed).'],
  ['sltu', 'sltu rd, rs1, rs2', 'Set if less than (unsigned).'],
  ['xor', 'xor rd, rs1, rs2', 'Bitwise XOR.'],
  ['srl', 'srl rd, rs1, rs2', 'Shift right logical by rs2 & 31.'],
  ['sra', 'sra rd, rs1, rs2', 'Shift right arithmetic by rs2 & 31.'],
  ['or', 'or rd, rs1, rs2', 'Bitwise OR.'],
  ['and', 'and rd, rs1, rs2', 'Bitwise AND.'],
  ['fence', 'fence [pred, succ]', 'Order memory accesses (a no-op on this single-hart machine).'],
  ['fence.i', 'fence.i', 'Synchronise instruction fetch with earlier stores.'],
  ['ecall', 'ecall', 'Environment call: traps to the next more privileged level (a syscall from U-mode, a hypercall from a paravirtualized guest).'],
  ['ebreak', 'ebreak', 'Breakpoint exception.'],
  ['mul', 'mul rd, rs1, rs2', 'Multiply, low 32 bits.'],
  ['mulh', 'mulh rd, rs1, rs2', 'Multiply signed × signed, high 32 bits.'],
  ['mulhsu', 'mulhsu rd, rs1, rs2', 'Multiply signed × unsigned, high 32 bits.'],
  ['mulhu', 'mulhu rd, rs1, rs2', 'Multiply unsigned × unsigned, high 32 bits.'],
  ['div', 'div rd, rs1, rs2', 'Divide signed (÷0 gives −1; overflow gives the dividend).'],
  ['divu', 'divu rd, rs1, rs2', 'Divide unsigned (÷0 gives 2^32−1).'],
  ['rem', 'rem rd, rs1, rs2', 'Remainder signed (÷0 gives the dividend).'],
  ['remu', 'remu rd, rs1, rs2', 'Remainder unsigned.'],
  ['lr.w', 'lr.w rd, (rs1)', 'Load-reserved word.'],
  ['sc.w', 'sc.w rd, rs2, (rs1)', 'Store-conditional word: rd = 0 on success.'],
  ['amoswap.w', 'amoswap.w rd, rs2, (rs1)', 'Atomically swap memory with rs2; rd = old value.'],
  ['amoadd.w', 'amoadd.w rd, rs2, (rs1)', 'Atomic add; rd = old value.'],
  ['amoxor.w', 'amoxor.w rd, rs2, (rs1)', 'Atomic XOR; rd = old value.'],
  ['amoand.w', 'amoand.w rd, rs2, (rs1)', 'Atomic AND; rd = old value.'],
  ['amoor.w', 'amoor.w rd, rs2, (rs1)', 'Atomic OR; rd = old value.'],
  ['amomin.w', 'amomin.w rd, rs2, (rs1)', 'Atomic signed minimum; rd = old value.'],
  ['amomax.w', 'amomax.w rd, rs2, (rs1)', 'Atomic signed maximum; rd = old value.'],
  ['amominu.w', 'amominu.w rd, rs2, (rs1)', 'Atomic unsigned minimum; rd = old value.'],
  ['amomaxu.w', 'amomaxu.w rd, rs2, (rs1)', 'Atomic unsigned maximum; rd = old value.'],
];

const csrOps: [string, string, string][] = [
  ['csrrw', 'csrrw rd, csr, rs1', 'Atomic read/write CSR: rd = csr; csr = rs1.'],
  ['csrrs', 'csrrs rd, csr, rs1', 'Atomic read and set bits: rd = csr; csr |= rs1.'],
  ['csrrc', 'csrrc rd, csr, rs1', 'Atomic read and clear bits: rd = csr; csr &= ~rs1.'],
  ['csrrwi', 'csrrwi rd, csr, uimm5', 'Read/write CSR with a 5-bit immediate.'],
  ['csrrsi', 'csrrsi rd, csr, uimm5', 'Read and set bits with a 5-bit immediate.'],
  ['csrrci', 'csrrci rd, csr, uimm5', 'Read and clear bits with a 5-bit immediate.'],
  ['csrr', 'csrr rd, csr', 'Read a CSR (csrrs rd, csr, x0).'],
  ['csrw', 'csrw csr, rs1', 'Write a CSR (csrrw x0, csr, rs1).'],
  ['csrs', 'csrs csr, rs1', 'Set bits in a CSR (csrrs x0, csr, rs1).'],
  ['csrc', 'csrc csr, rs1', 'Clear bits in a CSR (csrrc x0, csr, rs1).'],
  ['csrwi', 'csrwi csr, uimm5', 'Write a CSR with an immediate.'],
  ['csrsi', 'csrsi csr, uimm5', 'Set CSR bits with an immediate.'],
  ['csrci', 'csrci csr, uimm5', 'Clear CSR bits with an immediate.'],
];

const system: [string, string, string][] = [
  ['mret', 'mret', 'Return from an M-mode trap: pc = mepc, privilege = mstatus.MPP, MIE = MPIE (privileged spec 3.3.2).'],
  ['sret', 'sret', 'Return from an S-mode trap: pc = sepc.'],
  ['wfi', 'wfi', 'Wait for interrupt: the hart may idle until an interrupt is pending (3.3.3).'],
  ['sfence.vma', 'sfence.vma [rs1, rs2]', 'Flush address-translation caches.'],
];

const pseudo: [string, string, string][] = [
  ['nop', 'nop', 'No operation (addi x0, x0, 0).'],
  ['li', 'li rd, imm32', 'Load any 32-bit immediate (lui + addi, or one addi).'],
  ['la', 'la rd, symbol', 'Load a symbol address (auipc + addi).'],
  ['lla', 'lla rd, symbol', 'Load a local symbol address, pc-relative.'],
  ['mv', 'mv rd, rs', 'Copy a register (addi rd, rs, 0).'],
  ['not', 'not rd, rs', 'Bitwise NOT (xori rd, rs, -1).'],
  ['neg', 'neg rd, rs', 'Negate (sub rd, x0, rs).'],
  ['seqz', 'seqz rd, rs', 'Set if zero (sltiu rd, rs, 1).'],
  ['snez', 'snez rd, rs', 'Set if not zero (sltu rd, x0, rs).'],
  ['sltz', 'sltz rd, rs', 'Set if negative.'],
  ['sgtz', 'sgtz rd, rs', 'Set if positive.'],
  ['beqz', 'beqz rs, label', 'Branch if zero.'],
  ['bnez', 'bnez rs, label', 'Branch if not zero.'],
  ['blez', 'blez rs, label', 'Branch if ≤ 0.'],
  ['bgez', 'bgez rs, label', 'Branch if ≥ 0.'],
  ['bltz', 'bltz rs, label', 'Branch if < 0.'],
  ['bgtz', 'bgtz rs, label', 'Branch if > 0.'],
  ['bgt', 'bgt rs, rt, label', 'Branch if greater (signed): blt rt, rs.'],
  ['ble', 'ble rs, rt, label', 'Branch if less or equal (signed): bge rt, rs.'],
  ['bgtu', 'bgtu rs, rt, label', 'Branch if greater (unsigned).'],
  ['bleu', 'bleu rs, rt, label', 'Branch if less or equal (unsigned).'],
  ['j', 'j label', 'Jump (jal x0, label).'],
  ['jr', 'jr rs', 'Jump to register (jalr x0, 0(rs)).'],
  ['ret', 'ret', 'Return from a call (jalr x0, 0(ra)).'],
  ['call', 'call symbol', 'Call a function anywhere (auipc ra + jalr ra).'],
  ['tail', 'tail symbol', 'Tail call (auipc t1 + jalr x0).'],
  ['rdcycle', 'rdcycle rd', 'Read the cycle counter (low 32 bits).'],
  ['rdcycleh', 'rdcycleh rd', 'Read the cycle counter (high 32 bits).'],
  ['rdtime', 'rdtime rd', 'Read the time counter (low 32 bits).'],
  ['rdtimeh', 'rdtimeh rd', 'Read the time counter (high 32 bits).'],
  ['rdinstret', 'rdinstret rd', 'Read instructions retired (low 32 bits).'],
  ['rdinstreth', 'rdinstreth rd', 'Read instructions retired (high 32 bits).'],
];

export const INSTRUCTIONS: Record<string, InstructionDoc> = {
  ...table('instruction', base),
  ...table('instruction', csrOps.slice(0, 6)),
  ...table('pseudo', csrOps.slice(6)),
  ...table('instruction', system, true),
  ...table('pseudo', pseudo),
};

/** CSR instructions trap from U-mode when the CSR is not a user counter. */
export const CSR_INSTRUCTIONS = new Set(csrOps.map(([n]) => n));

export interface RegisterDoc {
  name: string;
  abi: string;
  summary: string;
}

const ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1',
  'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

export function abiName(index: number): string {
  return ABI[index] ?? `x${index}`;
}

function registerRole(i: number): string {
  if (i === 0) return 'Hard-wired zero: reads 0, writes are ignored.';
  if (i === 1) return 'Return address (set by call/jal).';
  if (i === 2) return 'Stack pointer (16-byte aligned).';
  if (i === 3) return 'Global pointer.';
  if (i === 4) return 'Thread pointer.';
  if (i === 8) return 'Saved register / frame pointer (callee-saved).';
  if (i >= 10 && i <= 11) return 'Argument and return value (a1 is the SBI value result).';
  if (i === 16) return 'Argument; SBI function id (FID) for hypercalls.';
  if (i === 17) return 'Argument; system-call number, or SBI extension id (EID) for hypercalls.';
  if (i >= 12 && i <= 15) return 'Function argument (caller-saved).';
  if ([9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].includes(i)) return 'Saved register (callee-saved).';
  return 'Temporary (caller-saved).';
}

export const REGISTERS: Record<string, RegisterDoc> = (() => {
  const out: Record<string, RegisterDoc> = {};
  for (let i = 0; i < 32; i++) {
    const doc = { name: `x${i}`, abi: ABI[i]!, summary: registerRole(i) };
    out[`x${i}`] = doc;
    out[ABI[i]!] = doc;
  }
  out['fp'] = out['s0']!;
  return out;
})();

export interface CsrDoc {
  name: string;
  number: number;
  summary: string;
  privileged: boolean;
}

const csrRows: [string, number, string][] = [
  ['mstatus', 0x300, 'Machine status: MIE (bit 3) global interrupt enable, MPIE (bit 7), MPP (bits 12:11) previous privilege.'],
  ['misa', 0x301, 'ISA and extensions: MXL=1 (RV32) and the letters I, M, A, U.'],
  ['medeleg', 0x302, 'Exception delegation to S-mode.'],
  ['mideleg', 0x303, 'Interrupt delegation to S-mode.'],
  ['mie', 0x304, 'Interrupt enables: MSIE (3), MTIE (7), MEIE (11).'],
  ['mtvec', 0x305, 'Trap vector base; MODE (bits 1:0) 0 = direct, 1 = vectored.'],
  ['mcounteren', 0x306, 'Which counters U/S-mode may read.'],
  ['mscratch', 0x340, 'Scratch register for the trap handler.'],
  ['mepc', 0x341, 'Exception pc: where the trap happened; mret returns there.'],
  ['mcause', 0x342, 'Trap cause: bit 31 set for interrupts; 2 = illegal instruction, 8 = ecall from U, 11 = ecall from M ...'],
  ['mtval', 0x343, 'Trap value: faulting address, or the illegal instruction bits.'],
  ['mip', 0x344, 'Interrupts pending: MSIP (3), MTIP (7), MEIP (11).'],
  ['mcycle', 0xb00, 'Machine cycle counter (low).'],
  ['minstret', 0xb02, 'Machine instructions-retired counter (low).'],
  ['mcycleh', 0xb80, 'Machine cycle counter (high).'],
  ['minstreth', 0xb82, 'Machine instructions-retired counter (high).'],
  ['mvendorid', 0xf11, 'Vendor id (0: non-commercial).'],
  ['marchid', 0xf12, 'Architecture id.'],
  ['mimpid', 0xf13, 'Implementation id.'],
  ['mhartid', 0xf14, 'This hart\'s id (0).'],
  ['sstatus', 0x100, 'Supervisor status (a view of mstatus).'],
  ['sie', 0x104, 'Supervisor interrupt enables.'],
  ['stvec', 0x105, 'Supervisor trap vector.'],
  ['sscratch', 0x140, 'Supervisor scratch.'],
  ['sepc', 0x141, 'Supervisor exception pc.'],
  ['scause', 0x142, 'Supervisor trap cause.'],
  ['stval', 0x143, 'Supervisor trap value.'],
  ['sip', 0x144, 'Supervisor interrupts pending.'],
  ['satp', 0x180, 'Address translation and protection (Sv32 page table root).'],
];

const userCsrRows: [string, number, string][] = [
  ['cycle', 0xc00, 'Cycle counter (user read-only shadow of mcycle, if mcounteren allows).'],
  ['time', 0xc01, 'Real-time counter (mtime).'],
  ['instret', 0xc02, 'Instructions retired.'],
  ['cycleh', 0xc80, 'Cycle counter, high half.'],
  ['timeh', 0xc81, 'Time counter, high half.'],
  ['instreth', 0xc82, 'Instructions retired, high half.'],
];

export const CSRS: Record<string, CsrDoc> = Object.fromEntries([
  ...csrRows.map(([name, number, summary]) => [name, { name, number, summary, privileged: true }]),
  ...userCsrRows.map(([name, number, summary]) => [name, { name, number, summary, privileged: false }]),
]);

export const DIRECTIVES = ['.text', '.data', '.bss', '.section', '.globl', '.global', '.equ', '.set',
  '.word', '.half', '.byte', '.2byte', '.4byte', '.string', '.asciz', '.ascii', '.space', '.zero',
  '.align', '.p2align', '.balign', '.option', '.type', '.size'];

/** Markdown for a hover on `word`, or undefined when we know nothing about it. */
export function hoverMarkdown(word: string): string | undefined {
  const key = word.toLowerCase();
  const insn = INSTRUCTIONS[key];
  if (insn) {
    const lines = [`**${key}** — ${insn.kind}`, '```\n' + insn.syntax + '\n```', insn.summary];
    if (insn.privileged) lines.push(`⚠ ${PRIVILEGED_NOTE}.`);
    else if (CSR_INSTRUCTIONS.has(key)) {
      lines.push(`⚠ ${PRIVILEGED_NOTE} (for every machine-level CSR).`);
    }
    return lines.join('\n\n');
  }
  const reg = REGISTERS[key];
  if (reg) return `**${reg.name}** / **${reg.abi}** — register\n\n${reg.summary}`;
  const csr = CSRS[key];
  if (csr) {
    const head = `**${csr.name}** — CSR 0x${csr.number.toString(16).padStart(3, '0')}`;
    const note = csr.privileged ? `\n\n⚠ ${PRIVILEGED_NOTE}.` : '';
    return `${head}\n\n${csr.summary}${note}`;
  }
  return undefined;
}
