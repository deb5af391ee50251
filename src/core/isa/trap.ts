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
  /** H extension: an ecall from VS-mode (9 stays HS-mode's). */
  EcallFromVS: 10,
  EcallFromM: 11,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
  /** H extension, "Guest-Page Faults": the G-stage refused a guest-physical address. */
  InstructionGuestPageFault: 20,
  LoadGuestPageFault: 21,
  /** H extension, "Trap Cause Codes": an HS-qualified instruction not allowed while V=1. */
  VirtualInstruction: 22,
  StoreGuestPageFault: 23,
} as const;

/** Interrupt causes (mcause with the interrupt bit set); also the bit numbers in mip/mie. */
export const Interrupt = {
  SupervisorSoftware: 1,
  VirtualSupervisorSoftware: 2,
  MachineSoftware: 3,
  SupervisorTimer: 5,
  VirtualSupervisorTimer: 6,
  MachineTimer: 7,
  SupervisorExternal: 9,
  VirtualSupervisorExternal: 10,
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
  /**
   * H extension (Cpu.interceptGuestTraps): the trap was taken while V=1 (in VS- or
   * VU-mode; cpu.priv says which) and would have gone to HS- or M-mode.
   */
  virtual?: boolean;
  /** For a guest-page fault: the faulting guest-physical address (what htval holds, << 2). */
  guestPhysical?: number;
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
  10: 'environment call from VS-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
  20: 'instruction guest-page fault',
  21: 'load guest-page fault',
  22: 'virtual instruction',
  23: 'store/AMO guest-page fault',
};

const interruptNames: Record<number, string> = {
  1: 'supervisor software interrupt',
  2: 'virtual supervisor software interrupt',
  3: 'machine software interrupt',
  5: 'supervisor timer interrupt',
  6: 'virtual supervisor timer interrupt',
  9: 'supervisor external interrupt',
  10: 'virtual supervisor external interrupt',
  7: 'machine timer interrupt',
  11: 'machine external interrupt',
};

/** The spec's name for a cause, e.g. "illegal instruction". */
export function causeName(cause: number, interrupt: boolean): string {
  const name = (interrupt ? interruptNames : exceptionNames)[cause];
  return name ?? `${interrupt ? 'interrupt' : 'exception'} ${cause}`;
}
