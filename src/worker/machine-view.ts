// What the machine panel and the exit views show of a session: registers, privilege, the
// CSRs a learner meets (and the VM's virtual ones), memory for a viewer, exit figures.
import { CSR } from '../core/isa/csr.ts';
import { PRIV_M, PRIV_U } from '../core/isa/privilege.ts';
import type { CsrReader, Session } from '../core/session.ts';
import type { CsrValue, ExitSummary } from './engine-api.ts';

/** The CSRs the panel shows, in the order a learner meets them. */
export const SHOWN_CSRS = [
  'mstatus', 'misa', 'mie', 'mip', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval',
  'mcounteren', 'medeleg', 'mideleg', 'mhartid', 'mcycle', 'minstret',
] as const;

function csrValues(csr: CsrReader): CsrValue[] {
  return SHOWN_CSRS.map((name) => ({ name, number: CSR[name], value: (csr.read(CSR[name]) ?? 0) >>> 0 }));
}

function privilegeName(priv: number): string {
  return priv === PRIV_M ? 'M' : priv === PRIV_U ? 'U' : 'S';
}

/** The part of the machine view a session answers (zeros when nothing is loaded). */
export function machineState(s: Session | null) {
  if (!s) {
    return { pc: 0, registers: new Array<number>(32).fill(0), privilege: 'M', csrs: [], virtualCsrs: [], instructions: 0, cycles: 0 };
  }
  const hart = s.hart;
  const v = s.virtualHart;
  return {
    pc: hart.pc >>> 0,
    registers: Array.from(hart.x, (r) => r >>> 0),
    // Under a hypervisor the real mode is U; the guest believes it runs in its virtual mode.
    privilege: v ? `${privilegeName(hart.priv)} (guest believes ${privilegeName(v.priv)})` : privilegeName(hart.priv),
    csrs: csrValues(hart.csr),
    virtualCsrs: v ? csrValues(v.csr) : [],
    instructions: s.instructions(),
    cycles: s.cycles(),
  };
}

/** Memory for a viewer: bytes outside memory read as zero (a viewer must not fault the guest). */
export function readForViewer(s: Session, addr: number, length: number): Uint8Array {
  const whole = s.readMemory(addr, length);
  if (whole) return whole;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = s.readMemory((addr + i) >>> 0, 1)?.[0] ?? 0;
  return out;
}

/** The exit figures of the session's result (none before a program is loaded). */
export function exitSummary(s: Session | null): ExitSummary {
  if (!s) return { exits: { total: 0, byCause: {} }, cost: { guestCycles: 0, overheadCycles: 0, idleCycles: 0, overheadPercent: 0, byCause: {} }, exitLog: [] };
  const { exits, cost, exitLog, memory } = s.result();
  return { exits, cost, exitLog, ...(memory ? { memory } : {}) };
}
