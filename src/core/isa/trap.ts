// Traps as typed values (RISC-V privileged spec 3.1.15, Table 3.6: mcause values).
// A trap is either an exception caused by an instruction or an interrupt from a line.

/** Exception causes (mcause with the interrupt bit clear). */
export const Exception = {
  InstructionAddressMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadAddressMisaligned: 4,
  LoadAccessFault: 5,
  StoreAddressMisaligned: 6,
  StoreAccessFault: 7,
  EcallFromU: 8,
  EcallFromS: 9,
  EcallFromM: 11,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
} as const;

/** Interrupt causes (mcause with the interrupt bit set); also the bit numbers in mip/mie. */
export const Interrupt = {
  SupervisorSoftware: 1,
  MachineSoftware: 3,
  SupervisorTimer: 5,
  MachineTimer: 7,
  SupervisorExternal: 9,
  MachineExternal: 11,
} as const;

/**
 * What a trap interceptor receives for every trap taken from U-mode
 * (see Cpu.interceptUserTraps). No CSR has been changed when it is delivered:
 * the host decides what the trap means and where execution resumes.
 */
export interface Trap {
  /** Exception or interrupt code, without the interrupt bit. */
  cause: number;
  /** What mtval would hold: the faulting address, or the instruction bits, or 0. */
  tval: number;
  /** Address of the faulting instruction, or of the next one for interrupts. */
  pc: number;
  /**
   * The faulting instruction word (0 when it could not be fetched, or for interrupts);
   * for a compressed instruction, its 32-bit expansion (compressed.ts).
   */
  insn: number;
  interrupt: boolean;
}

const exceptionNames: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'environment call from U-mode',
  9: 'environment call from S-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};

const interruptNames: Record<number, string> = {
  1: 'supervisor software interrupt',
  3: 'machine software interrupt',
  5: 'supervisor timer interrupt',
  9: 'supervisor external interrupt',
  7: 'machine timer interrupt',
  11: 'machine external interrupt',
};

/** The spec's name for a cause, e.g. "illegal instruction". */
export function causeName(cause: number, interrupt: boolean): string {
  const name = (interrupt ? interruptNames : exceptionNames)[cause];
  return name ?? `${interrupt ? 'interrupt' : 'exception'} ${cause}`;
}
