// The G-stage table of a VM under hardware-assisted virtualization (`hw` mode): the
// hypervisor's own Sv32x4 table (privileged spec, "Hypervisor Extension", "Guest Physical
// Address Translation") from the guest's physical addresses to the host's. It is the only
// page table the VMM keeps for the guest: the guest's own Sv32 tables are walked by the
// hardware (VS-stage) without the VMM ever seeing them.
//
// The VM's host-physical space is its own address space (guest-memory.ts: its RAM at
// 0x80000000 and its device models), so the table maps each guest RAM page to the RAM page
// at the same address: 4 MiB megapages where a whole one fits, 4 KiB pages for the rest.
// Device pages (the UART, CLINT, PLIC, virtio) are left unmapped on purpose: a guest access
// to one is a guest-page fault, which the VMM decodes and hands to the device model — the
// way KVM emulates MMIO. Every leaf has U (G-stage accesses are U-mode accesses) and A and
// D already set (the walker never writes it). Built once per VM, eagerly: no fill exits.
//
// The table lives in the VMM's store at host-physical 0x3_8000_0000 (Sv32x4's 34-bit space,
// above any address a 32-bit guest names); the CPU reads it through Cpu.gStageTables.

import { HGATP_MODE_SV32X4 } from '../isa/hypervisor-extension.ts';
import { MemoryFault } from '../isa/memory.ts';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type PageTableMemory } from '../isa/sv32.ts';

const PAGE = 4096;
const MEGA = 1 << 22;
const BASE_PPN = 0x38_0000;
const LEAF = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

export class GStageTable implements PageTableMemory {
  /** Table pages by physical page number. */
  private readonly pages = new Map<number, Int32Array>();
  private nextPpn = BASE_PPN;
  /** Physical page number of the 16 KiB root (four pages). */
  readonly rootPpn: number;
  /** Leaves written: megapages and 4 KiB pages. */
  megapages = 0;
  smallPages = 0;

  /** Maps guest-physical [base, base + size) to the same host-physical range. */
  constructor(base: number, size: number) {
    this.rootPpn = this.allocate(4);
    for (let gpa = base; gpa < base + size;) {
      if (gpa % MEGA === 0 && gpa + MEGA <= base + size) {
        this.writeEntry(this.rootPpn * PAGE + Math.floor(gpa / MEGA) * 4, pte(gpa, LEAF));
        this.megapages++;
        gpa += MEGA;
      } else {
        this.writeEntry(this.level0(gpa) + (Math.floor(gpa / PAGE) % 1024) * 4, pte(gpa, LEAF));
        this.smallPages++;
        gpa += PAGE;
      }
    }
  }

  /** The hgatp value that selects this table (Sv32x4, VMID 0). */
  get hgatp(): number {
    return (HGATP_MODE_SV32X4 | this.rootPpn) | 0;
  }

  /** Bytes of table memory the VMM spends on this guest. */
  get bytes(): number {
    return this.pages.size * PAGE;
  }

  readPte(pa: number): number {
    const page = this.pages.get(Math.floor(pa / PAGE));
    return page === undefined ? MemoryFault.Access : page[(pa % PAGE) >> 2]! >>> 0;
  }

  /** The table is the VMM's: A and D are preset, so the walker has nothing to write. */
  writePte(pa: number, value: number): void {
    this.writeEntry(pa, value);
  }

  /** Every leaf, for the page-table view: [guest-physical, host-physical, size]. */
  mappings(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    const root = this.rootPpn * PAGE;
    for (let i = 0; i < 4096; i++) {
      const e = this.readPte(root + i * 4);
      if (!(e & PTE_V)) continue;
      if (e & (PTE_R | PTE_X)) { out.push([i * MEGA, (e >>> 10) * PAGE, MEGA]); continue; }
      for (let j = 0; j < 1024; j++) {
        const l = this.readPte((e >>> 10) * PAGE + j * 4);
        if (l & PTE_V) out.push([i * MEGA + j * PAGE, (l >>> 10) * PAGE, PAGE]);
      }
    }
    return out;
  }

  private level0(gpa: number): number {
    const slot = this.rootPpn * PAGE + Math.floor(gpa / MEGA) * 4;
    const e = this.readPte(slot);
    if (e & PTE_V) return (e >>> 10) * PAGE;
    const ppn = this.allocate(1);
    this.writeEntry(slot, ((ppn << 10) | PTE_V) >>> 0);
    return ppn * PAGE;
  }

  private allocate(count: number): number {
    const first = this.nextPpn;
    for (let i = 0; i < count; i++) this.pages.set(first + i, new Int32Array(PAGE / 4));
    this.nextPpn += count;
    return first;
  }

  private writeEntry(pa: number, value: number): void {
    const page = this.pages.get(Math.floor(pa / PAGE));
    if (page !== undefined) page[(pa % PAGE) >> 2] = value | 0;
  }
}

function pte(pa: number, flags: number): number {
  return ((pa / PAGE) * 1024 + flags) >>> 0;
}
