// Privilege levels and the mstatus/mip bits this hart implements
// (RISC-V privileged spec 1.2, 3.1.6 and 3.1.9). M, S and U exist; with the H extension
// (hypervisor-extension.ts) S is HS, and the virtualization mode V adds VS and VU, whose
// nominal privileges are S and U again.

export const PRIV_U = 0;
export const PRIV_S = 1;
export const PRIV_M = 3;

/** mstatus fields (3.1.6). SPP is one bit at 8, MPP two bits at 11..12. */
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << MSTATUS_MPP_SHIFT;
/** 3.1.6.3: M-mode loads and stores translated and checked as if at privilege MPP. */
export const MSTATUS_MPRV = 1 << 17;
/** 3.1.6.3: S-mode may load and store user pages. */
export const MSTATUS_SUM = 1 << 18;
/** 3.1.6.3: loads from execute-only pages succeed. */
export const MSTATUS_MXR = 1 << 19;
/** 3.1.6.5: trap virtual memory (satp, sfence.vma in S-mode are illegal). */
export const MSTATUS_TVM = 1 << 20;
/** 3.1.6.5: timeout wait (wfi in S-mode is illegal). */
export const MSTATUS_TW = 1 << 21;
/** 3.1.6.5: trap sret (sret in S-mode is illegal). */
export const MSTATUS_TSR = 1 << 22;

/** Bits of mstatus that sstatus shows (4.1.1); no F, V or big-endian state here. */
export const SSTATUS_MASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;

/** mip/mie bits (3.1.9): software, timer and external interrupts of S and M mode. */
export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;
export const MIP_WRITABLE_IN_MIE = MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP;
/** The S-level interrupts: M software may set them in mip and delegate them (mideleg). */
export const MIP_S_LEVEL = MIP_SSIP | MIP_STIP | MIP_SEIP;
/** H extension, "Machine Interrupt (mip and mie) Registers": the VS-level interrupts. */
export const MIP_VSSIP = 1 << 2;
export const MIP_VSTIP = 1 << 6;
export const MIP_VSEIP = 1 << 10;
export const MIP_VS_LEVEL = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;

/**
 * Priority order for simultaneous interrupts (3.1.9): MEI, MSI, MTI, SEI, SSI, STI, then
 * (H extension, "Hypervisor Interrupt Registers") SGEI, VSEI, VSSI, VSTI.
 */
export const INTERRUPT_PRIORITY = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6] as const;
