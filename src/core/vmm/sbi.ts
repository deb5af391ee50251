// The RISC-V Supervisor Binary Interface numbers Trapdoor's hypercalls use (RISC-V SBI
// specification v2.0): a7 = extension id (EID), a6 = function id (FID), a0-a5 arguments;
// the call returns a0 = error code, a1 = value. docs/hypercalls.md describes each call.

/** SBI v2.0: major 2 in bits 30..24, minor 0. */
export const SBI_SPEC_VERSION = 2 << 24;
/** Not a registered implementation id: "TD", for Trapdoor. */
export const SBI_IMPL_ID = 0x5444;
export const SBI_IMPL_VERSION = 1;

/** Chapter 3, Table 1: standard SBI errors. */
export const SbiError = {
  Success: 0,
  Failed: -1,
  NotSupported: -2,
  InvalidParam: -3,
  Denied: -4,
  InvalidAddress: -5,
  AlreadyAvailable: -6,
} as const;

export const Eid = {
  LegacySetTimer: 0x00,
  LegacyPutchar: 0x01,
  LegacyGetchar: 0x02,
  LegacyShutdown: 0x08,
  Base: 0x10,
  Time: 0x54494d45, // "TIME"
  Srst: 0x53525354, // "SRST"
  Dbcn: 0x4442434e, // "DBCN"
  /** Trapdoor's own extension, in SBI's experimental range 0x08000000-0x08FFFFFF. */
  Trapdoor: 0x08544450,
} as const;

export const BaseFid = {
  GetSpecVersion: 0,
  GetImplId: 1,
  GetImplVersion: 2,
  ProbeExtension: 3,
  GetMvendorid: 4,
  GetMarchid: 5,
  GetMimpid: 6,
} as const;

export const DbcnFid = { Write: 0, Read: 1, WriteByte: 2 } as const;

/** SRST system_reset types and reasons (chapter 10). */
export const ResetType = { Shutdown: 0, ColdReboot: 1, WarmReboot: 2 } as const;
export const ResetReason = { None: 0, SystemFailure: 1 } as const;
/** Reasons 0xF0000000-0xFFFFFFFF are implementation-specific: Trapdoor's exit status. */
export const RESET_REASON_EXIT_STATUS = 0xf0000000;

export const TrapdoorFid = {
  /** Give up the rest of this time slice; the vCPU stays runnable. */
  Yield: 0,
  /** a0 = guest-physical address of the shared page (4 KiB aligned, in RAM), 0 = none. */
  SetSharedPage: 1,
  /** a0 = frame, a1 = mode (0 user, 1 kernel), a2 = interrupt enable: return from a trap. */
  Resume: 2,
  /** a0 = array of entries, a1 = count: several calls for one exit. */
  Batch: 3,
  /**
   * a0 = array of (PTE guest-physical address, new PTE) word pairs, a1 = count: page-table
   * updates, validated and applied in one exit (Xen's mmu_update).
   */
  MmuUpdate: 4,
  /** a0 = the new satp: switch the guest's address space (no CSR trap, no fence needed). */
  SetAddressSpace: 5,
  /** a0 = virtual address, or 0xFFFFFFFF for all: the guest's TLB flush (sfence.vma). */
  TlbFlush: 6,
} as const;

/** Most page-table updates in one MMU_UPDATE. */
export const MMU_UPDATE_MAX_ENTRIES = 512;

/** Longest DBCN write served in one call (the call returns how many bytes it wrote). */
export const DBCN_MAX_WRITE = 64 * 1024;
/** Most entries in one batch. */
export const BATCH_MAX_ENTRIES = 64;
/** A batch entry: eid, fid, a0..a5, as eight 32-bit words; results overwrite a0, a1. */
export const BATCH_ENTRY_BYTES = 32;

/** Extensions probe_extension reports as available (1). */
export const AVAILABLE_EXTENSIONS: readonly number[] = [
  Eid.LegacySetTimer, Eid.LegacyPutchar, Eid.LegacyShutdown, Eid.Base, Eid.Time, Eid.Srst,
  Eid.Dbcn, Eid.Trapdoor,
];

export function extensionName(eid: number): string {
  switch (eid) {
    case Eid.LegacySetTimer: return 'legacy set_timer';
    case Eid.LegacyPutchar: return 'legacy console_putchar';
    case Eid.LegacyGetchar: return 'legacy console_getchar';
    case Eid.LegacyShutdown: return 'legacy shutdown';
    case Eid.Base: return 'BASE';
    case Eid.Time: return 'TIME';
    case Eid.Srst: return 'SRST';
    case Eid.Dbcn: return 'DBCN';
    case Eid.Trapdoor: return 'TRAPDOOR';
    default: return `EID 0x${(eid >>> 0).toString(16)}`;
  }
}
