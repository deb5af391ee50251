// The paravirtual shared page: one 4 KiB page of guest RAM that the guest kernel and the
// VMM both read and write with plain loads and stores — no exit. The guest registers it
// with the Trapdoor SET_SHARED_PAGE hypercall. Layout (32-bit words, offsets in bytes):
//
//   0x00 IE       guest: 1 = virtual interrupts enabled in kernel mode (like mstatus.MIE)
//   0x04 PENDING  VMM: pending virtual interrupts, mip layout (bit 7 = timer)
//   0x08 CAUSE    VMM, on trap delivery: mcause layout (bit 31 = interrupt)
//   0x0C TVAL     VMM, on trap delivery: mtval
//   0x10 STATUS   VMM, on trap delivery: bit 7 = IE before the trap, bits 12..11 = mode
//                 before the trap (0 user, 3 kernel) — mstatus's MPIE/MPP layout
//   0x14 VECTOR   guest: the trap entry point
//   0x18 FRAME    guest (and RESUME): where delivery saves the interrupted context:
//                 32 words, pc then x1..x31 (128 bytes, word aligned, in guest RAM)
//   0x1C MAGIC    VMM: "TDSP" once registered
//   0x20 VERSION  VMM: layout version (1)
//
// With a shared page, traps go to VECTOR through FRAME instead of the virtual CSRs, and
// the kernel reads CAUSE/TVAL with loads where a bare kernel would need csrr (an exit each).

export const SharedPage = {
  IE: 0x00,
  PENDING: 0x04,
  CAUSE: 0x08,
  TVAL: 0x0c,
  STATUS: 0x10,
  VECTOR: 0x14,
  FRAME: 0x18,
  MAGIC: 0x1c,
  VERSION: 0x20,
} as const;

export const SHARED_PAGE_MAGIC = 0x50534454; // "TDSP" in little-endian bytes
export const SHARED_PAGE_VERSION = 1;
export const SHARED_PAGE_SIZE = 4096;
/** A frame: pc, then x1..x31. */
export const FRAME_BYTES = 128;
