// Standard CSR numbers by name (RISC-V privileged spec, Table 2.2–2.6; unprivileged
// spec ch. "Zicntr" for the counters). Shared by the assembler, the disassembler and the
// CPU, so a CSR has exactly one name everywhere.

function range(prefix: string, from: number, to: number, base: number, suffix = ''): [string, number][] {
  const out: [string, number][] = [];
  for (let i = from; i <= to; i++) out.push([`${prefix}${i}${suffix}`, base + (i - from)]);
  return out;
}

const TABLE: [string, number][] = [
  // Unprivileged floating-point and counters (Zicntr): cycle/time/instret and h-forms.
  ['fflags', 0x001], ['frm', 0x002], ['fcsr', 0x003],
  ['cycle', 0xc00], ['time', 0xc01], ['instret', 0xc02],
  ...range('hpmcounter', 3, 31, 0xc03),
  ['cycleh', 0xc80], ['timeh', 0xc81], ['instreth', 0xc82],
  ...range('hpmcounter', 3, 31, 0xc83, 'h'),
  // Supervisor.
  ['sstatus', 0x100], ['sie', 0x104], ['stvec', 0x105], ['scounteren', 0x106], ['senvcfg', 0x10a],
  ['sscratch', 0x140], ['sepc', 0x141], ['scause', 0x142], ['stval', 0x143], ['sip', 0x144],
  ['satp', 0x180], ['scontext', 0x5a8],
  // Machine information, trap setup and handling.
  ['mvendorid', 0xf11], ['marchid', 0xf12], ['mimpid', 0xf13], ['mhartid', 0xf14], ['mconfigptr', 0xf15],
  ['mstatus', 0x300], ['misa', 0x301], ['medeleg', 0x302], ['mideleg', 0x303], ['mie', 0x304],
  ['mtvec', 0x305], ['mcounteren', 0x306], ['menvcfg', 0x30a], ['mstatush', 0x310], ['menvcfgh', 0x31a],
  ['mcountinhibit', 0x320], ...range('mhpmevent', 3, 31, 0x323),
  ['mscratch', 0x340], ['mepc', 0x341], ['mcause', 0x342], ['mtval', 0x343], ['mip', 0x344],
  ['mtinst', 0x34a], ['mtval2', 0x34b],
  // Memory protection.
  ...range('pmpcfg', 0, 15, 0x3a0), ...range('pmpaddr', 0, 63, 0x3b0),
  ['mseccfg', 0x747], ['mseccfgh', 0x757],
  // Machine counters.
  ['mcycle', 0xb00], ['minstret', 0xb02], ...range('mhpmcounter', 3, 31, 0xb03),
  ['mcycleh', 0xb80], ['minstreth', 0xb82], ...range('mhpmcounter', 3, 31, 0xb83, 'h'),
  // Debug and trigger.
  ['tselect', 0x7a0], ['tdata1', 0x7a1], ['tdata2', 0x7a2], ['tdata3', 0x7a3], ['tinfo', 0x7a4],
  ['tcontrol', 0x7a5], ['mcontext', 0x7a8], ['dcsr', 0x7b0], ['dpc', 0x7b1], ['dscratch0', 0x7b2], ['dscratch1', 0x7b3],
];

export const CSR_NUMBERS: ReadonlyMap<string, number> = new Map(TABLE);

export const CSR_NAMES: ReadonlyMap<number, string> = new Map(TABLE.map(([n, v]) => [v, n]));

export function csrName(num: number): string | undefined {
  return CSR_NAMES.get(num);
}
