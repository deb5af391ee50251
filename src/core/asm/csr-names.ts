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
  // User trap CSRs (N extension, in privileged spec 1.11; dropped in 1.12).
  ['ustatus', 0x000], ['uie', 0x004], ['utvec', 0x005], ['uscratch', 0x040], ['uepc', 0x041], ['ucause', 0x042], ['utval', 0x043], ['uip', 0x044],
  ['sedeleg', 0x102], ['sideleg', 0x103],
  // Vector, entropy source.
  ['vstart', 0x008], ['vxsat', 0x009], ['vxrm', 0x00a], ['vcsr', 0x00f], ['vl', 0xc20], ['vtype', 0xc21], ['vlenb', 0xc22], ['seed', 0x015],
  // State enable (Smstateen), Sstc timer compare, AIA interrupt files, Sscofpmf.
  ...range('sstateen', 0, 3, 0x10c), ...range('mstateen', 0, 3, 0x30c), ...range('mstateen', 0, 3, 0x31c, 'h'), ...range('hstateen', 0, 3, 0x60c), ...range('hstateen', 0, 3, 0x61c, 'h'),
  ['stimecmp', 0x14d], ['stimecmph', 0x15d], ['vstimecmp', 0x24d], ['vstimecmph', 0x25d],
  ['sieh', 0x114], ['siselect', 0x150], ['sireg', 0x151], ['siph', 0x154], ['stopei', 0x15c], ['stopi', 0xdb0],
  ['mvien', 0x308], ['mvip', 0x309], ['midelegh', 0x313], ['mieh', 0x314], ['mvienh', 0x318], ['mviph', 0x319],
  ['miselect', 0x350], ['mireg', 0x351], ['miph', 0x354], ['mtopei', 0x35c], ['mtopi', 0xfb0], ['scountovf', 0xda0],
  ...range('mhpmevent', 3, 31, 0x723, 'h'), ['mscontext', 0x7aa],
  // Hypervisor extension (privileged spec ch. 8) and the virtual-supervisor CSRs.
  ['hstatus', 0x600], ['hedeleg', 0x602], ['hideleg', 0x603], ['hie', 0x604], ['htimedelta', 0x605], ['hcounteren', 0x606],
  ['hgeie', 0x607], ['hvien', 0x608], ['hvictl', 0x609], ['henvcfg', 0x60a], ['hidelegh', 0x613], ['htimedeltah', 0x615],
  ['hvienh', 0x618], ['henvcfgh', 0x61a], ['htval', 0x643], ['hip', 0x644], ['hvip', 0x645], ['hviprio1', 0x646],
  ['hviprio2', 0x647], ['htinst', 0x64a], ['hviph', 0x655], ['hviprio1h', 0x656], ['hviprio2h', 0x657], ['hgatp', 0x680],
  ['hcontext', 0x6a8], ['hgeip', 0xe12],
  ['vsstatus', 0x200], ['vsie', 0x204], ['vstvec', 0x205], ['vsieh', 0x214], ['vsscratch', 0x240], ['vsepc', 0x241],
  ['vscause', 0x242], ['vstval', 0x243], ['vsip', 0x244], ['vsiselect', 0x250], ['vsireg', 0x251], ['vsiph', 0x254],
  ['vstopei', 0x25c], ['vsatp', 0x280], ['vstopi', 0xeb0],
];

/** CSRs added by privileged spec 1.12: GNU objdump 2.40 (default spec 1.11) prints their numbers. */
const PRIV_1P12_ADDITIONS = new Set([
  'senvcfg', 'menvcfg', 'menvcfgh', 'mstatush', 'mtinst', 'mtval2', 'mseccfg', 'mseccfgh', 'mconfigptr',
  ...range('pmpcfg', 4, 15, 0).map(([n]) => n), ...range('pmpaddr', 16, 63, 0).map(([n]) => n),
]);

export const CSR_NUMBERS: ReadonlyMap<string, number> = new Map(TABLE);

export const CSR_NAMES: ReadonlyMap<number, string> = new Map(TABLE.map(([n, v]) => [v, n]));

export function csrName(num: number): string | undefined {
  return CSR_NAMES.get(num);
}

/** The name objdump 2.40 prints for a CSR number, or undefined where it prints the number. */
export function objdumpCsrName(num: number): string | undefined {
  const n = CSR_NAMES.get(num);
  return n === undefined || PRIV_1P12_ADDITIONS.has(n) ? undefined : n;
}
