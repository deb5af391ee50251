// Two-stage address translation (RISC-V privileged spec, "Hypervisor Extension",
// "Two-Stage Address Translation"): while V=1 a guest virtual address goes through the
// VS-stage (the guest's own Sv32 table, vsatp) to a guest-physical address, and that
// through the G-stage (the hypervisor's Sv32x4 table, hgatp) to a supervisor-physical one.
//
// The G-stage walk is Sv32's algorithm (sv32.ts) with the differences of "Guest Physical
// Address Translation": hgatp instead of satp, a 34-bit input address whose 16 KiB root
// table has 4096 entries, every access checked as a U-mode access (a leaf without U faults),
// only the HS-level MXR applies, and failures are guest-page faults. The VS-stage walk reads
// its page-table entries through the G-stage too ("implicit" accesses, checked as loads, or
// as stores when the walk sets A/D bits); a G-stage failure there is a guest-page fault at
// the PTE's guest-physical address, reported for the original access type.

import { MSTATUS_MXR } from './privilege.ts';
import {
  ACCESS_READ, ACCESS_WRITE, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X,
  WALK_ACCESS_FAULT, WALK_PAGE_FAULT, type Access, type Leaf, type PageTableMemory,
} from './sv32.ts';

const PAGE = 4096;
const MEGA = 1 << 22;

/**
 * "Guest Physical Address Translation": the G-stage leaf for guest-physical `gpa` under
 * hgatp (Sv32x4), or WALK_PAGE_FAULT (a guest-page fault) / WALK_ACCESS_FAULT (a PTE could
 * not be read). `mxr` is the HS-level mstatus.MXR. A/D bits are set as in sv32.ts.
 */
export function gStageWalk(mem: PageTableMemory, hgatp: number, gpa: number, access: Access, mxr: boolean): Leaf | number {
  let a = (hgatp & 0x003ffffc) * PAGE; // 16 KiB-aligned root: PPN[1:0] read as zero
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? Math.floor(gpa / MEGA) : Math.floor(gpa / PAGE) % 1024;
    const pteAddr = a + vpn * 4;
    const pte = mem.readPte(pteAddr);
    if (pte < 0) return WALK_ACCESS_FAULT;
    if (!(pte & PTE_V) || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return WALK_PAGE_FAULT;
    if ((pte & (PTE_R | PTE_X)) === 0) {
      a = (pte >>> 10) * PAGE;
      continue;
    }
    if (!gStagePermits(pte, access, mxr)) return WALK_PAGE_FAULT;
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return WALK_PAGE_FAULT;
    let flags = pte & 0xff;
    const want = PTE_A | (access === ACCESS_WRITE ? PTE_D : 0);
    if ((flags & want) !== want) {
      flags |= want;
      mem.writePte(pteAddr, (pte | want) >>> 0);
    }
    const ppn = level === 1 ? (pte >>> 20) * 1024 + (Math.floor(gpa / PAGE) % 1024) : pte >>> 10;
    return { pageAddr: ppn * PAGE, flags, level };
  }
  return WALK_PAGE_FAULT;
}

/** G-stage permission: every access is a U-mode one; HS-level MXR lets loads read X pages. */
export function gStagePermits(pte: number, access: Access, mxr: boolean): boolean {
  if (!(pte & PTE_U)) return false;
  if (access === ACCESS_READ) return (pte & PTE_R) !== 0 || (mxr && (pte & PTE_X) !== 0);
  if (access === ACCESS_WRITE) return (pte & PTE_W) !== 0;
  return (pte & PTE_X) !== 0;
}

/**
 * Guest-physical memory as the VS-stage walker sees it: each PTE access is translated by
 * the G-stage first. After a walk, `faultAddress` is the guest-physical address of the PTE
 * whose G-stage translation failed (-1 if none) and `faultWrite` says whether it was the
 * A/D update (htinst's pseudoinstruction tells the two apart).
 */
export class GuestPageTables implements PageTableMemory {
  hgatp = 0;
  mstatus = 0;
  faultAddress = -1;
  faultWrite = false;

  /**
   * @param host supervisor-physical memory (PMP-checked PTE reads and writes)
   * @param gStage where G-stage tables are read (the host memory, or a hypervisor's store)
   */
  constructor(private readonly host: PageTableMemory, private readonly gStage: () => PageTableMemory) {}

  /** Before a walk: the G-stage to use, and no fault yet. */
  begin(hgatp: number, mstatus: number): void {
    this.hgatp = hgatp;
    this.mstatus = mstatus;
    this.faultAddress = -1;
    this.faultWrite = false;
  }

  readPte(gpa: number): number {
    const pa = this.toHost(gpa, ACCESS_READ);
    return pa < 0 ? pa : this.host.readPte(pa);
  }

  writePte(gpa: number, pte: number): void {
    const pa = this.toHost(gpa, ACCESS_WRITE);
    if (pa >= 0) this.host.writePte(pa, pte);
  }

  private toHost(gpa: number, access: Access): number {
    if (this.hgatp >= 0) return gpa; // hgatp Bare: guest-physical = supervisor-physical
    const leaf = gStageWalk(this.gStage(), this.hgatp, gpa, access, (this.mstatus & MSTATUS_MXR) !== 0);
    if (typeof leaf !== 'number') return leaf.pageAddr + (gpa % PAGE);
    if (leaf === WALK_PAGE_FAULT && this.faultAddress < 0) {
      this.faultAddress = gpa;
      this.faultWrite = access === ACCESS_WRITE;
    }
    return -1;
  }
}
