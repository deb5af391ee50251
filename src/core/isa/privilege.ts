// Privilege levels and the mstatus/mip bits this hart implements
// (RISC-V privileged spec 1.2 and 3.1.6). Only M and U exist; no S, so no delegation.

export const PRIV_U = 0;
export const PRIV_M = 3;

/** mstatus fields (3.1.6.1). MPP is two bits at 11..12. */
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << MSTATUS_MPP_SHIFT;

/** mip/mie bits (3.1.9): software, timer and external interrupt of M-mode. */
export const MIP_MSIP = 1 << 3;
export const MIP_MTIP = 1 << 7;
export const MIP_MEIP = 1 << 11;
export const MIP_WRITABLE_IN_MIE = MIP_MSIP | MIP_MTIP | MIP_MEIP;

/** Priority order for simultaneous interrupts (3.1.9): MEI, MSI, MTI. */
export const INTERRUPT_PRIORITY = [11, 3, 7] as const;
