// A guest's physical address space as the VMM builds it: the VM's own RAM as the CPU's
// fast path, the VM's emulated devices behind it, and nothing else. An access to a device
// is an exit to its device model (like an access to an unmapped guest-physical page on
// real hardware, which the hypervisor decodes and emulates); an address that is neither
// RAM nor a device is an access fault, reflected into the guest: another VM's memory is
// simply not in this address space.

import { MemoryFault, type AccessWidth, type Memory } from '../isa/memory.ts';
import type { MmioDevice } from '../machine/device.ts';
import type { Ram } from '../machine/ram.ts';

/** Told about every device access, so the VMM can count and charge the exit. */
export type MmioObserver = (device: string, kind: 'read' | 'write', addr: number, width: AccessWidth, value: number) => void;

export interface GuestDevice {
  /** Short name used in exit causes: "uart", "clint", "power-off". */
  name: string;
  device: MmioDevice;
}

export class GuestMemory implements Memory {
  constructor(
    readonly ram: Ram,
    private readonly devices: GuestDevice[],
    private readonly observe: MmioObserver,
  ) {}

  load(addr: number, width: AccessWidth): number {
    if (this.ram.contains(addr, width)) return this.ram.load(addr, width);
    const d = this.deviceAt(addr, width);
    if (!d) return MemoryFault.Access;
    const v = d.device.read(addr - d.device.base, width) >>> 0;
    this.observe(d.name, 'read', addr, width, v);
    return v;
  }

  store(addr: number, width: AccessWidth, value: number): number {
    if (this.ram.contains(addr, width)) {
      this.ram.store(addr, width, value);
      return 0;
    }
    const d = this.deviceAt(addr, width);
    if (!d) return MemoryFault.Access;
    // Observe first: a power-off store ends the VM and the exit must still be counted.
    this.observe(d.name, 'write', addr, width, value >>> 0);
    d.device.write(addr - d.device.base, width, value);
    return 0;
  }

  /** Only RAM holds code. */
  fetch(addr: number): number {
    return this.ram.contains(addr, 4) ? this.ram.load(addr, 4) : MemoryFault.Access;
  }

  /** Host-side read of guest RAM, for hypercall arguments; null if any byte is outside. */
  readBytes(addr: number, length: number): Uint8Array | null {
    if (length < 0 || !this.ram.contains(addr >>> 0, length)) return null;
    return this.ram.read(addr >>> 0, length);
  }

  readWord(addr: number): number | null {
    const a = addr >>> 0;
    if ((a & 3) !== 0 || !this.ram.contains(a, 4)) return null;
    return this.ram.load(a, 4);
  }

  writeWord(addr: number, value: number): boolean {
    const a = addr >>> 0;
    if ((a & 3) !== 0 || !this.ram.contains(a, 4)) return false;
    this.store(a, 4, value);
    return true;
  }

  private deviceAt(addr: number, width: number): GuestDevice | undefined {
    return this.devices.find((d) => addr >= d.device.base && addr + width <= d.device.base + d.device.size);
  }
}
