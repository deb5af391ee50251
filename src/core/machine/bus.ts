// The system bus: RAM plus a table of address ranges to devices (TinyEMU iomem.h,
// rvemu bus.rs). It is the Memory the CPU sees on the bare machine: RAM is the fast
// path, everything else is routed here, and an address nothing claims is an access fault.

import { MemoryFault, type AccessWidth, type Memory } from '../isa/memory.ts';
import type { MmioDevice } from './device.ts';
import type { Ram } from './ram.ts';

export class Bus implements Memory {
  private readonly devices: MmioDevice[] = [];

  constructor(readonly ram: Ram) {}

  attach(device: MmioDevice): void {
    this.devices.push(device);
  }

  load(addr: number, width: AccessWidth): number {
    if (this.ram.contains(addr, width)) return this.ram.load(addr, width);
    const d = this.deviceAt(addr, width);
    return d ? d.read(addr - d.base, width) >>> 0 : MemoryFault.Access;
  }

  store(addr: number, width: AccessWidth, value: number): number {
    if (this.ram.contains(addr, width)) {
      this.ram.store(addr, width, value);
      return 0;
    }
    const d = this.deviceAt(addr, width);
    if (!d) return MemoryFault.Access;
    d.write(addr - d.base, width, value);
    return 0;
  }

  /** Devices are not executable: only RAM holds code. */
  fetch(addr: number): number {
    return this.ram.contains(addr, 4) ? this.ram.load(addr, 4) : MemoryFault.Access;
  }

  private deviceAt(addr: number, width: number): MmioDevice | undefined {
    return this.devices.find((d) => addr >= d.base && addr + width <= d.base + d.size);
  }
}
