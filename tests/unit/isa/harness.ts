// A CPU on plain RAM (no devices) for ISA tests, and a kernel-style memory without a
// fast path, to prove the slow path seam works.
import { Cpu } from '../../../src/core/isa/cpu.ts';
import { MemoryFault, type AccessWidth, type Memory } from '../../../src/core/isa/memory.ts';
import { Ram, RAM_BASE } from '../../../src/core/machine/ram.ts';
import { RamOnlyMemory } from '../../../src/core/machine/ram-only-memory.ts';

export const BASE = RAM_BASE;

/** A Cpu over 64 KiB of RAM at 0x80000000 holding `words` at the start. */
export function cpuWith(words: number[], ramSize = 0x10000): { cpu: Cpu; ram: Ram } {
  const ram = new Ram(BASE, ramSize);
  const bytes = new Uint8Array(Uint32Array.from(words).buffer);
  ram.write(BASE, bytes);
  const cpu = new Cpu(new RamOnlyMemory(ram));
  cpu.reset(BASE);
  return { cpu, ram };
}

/** Paged memory as a process kernel would implement it: slow path only, page faults. */
export class PagedMemory implements Memory {
  readonly ram = null;
  readonly pages = new Map<number, Uint8Array>();
  map(addr: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.page(addr + i, true)![(addr + i) & 0xfff] = data[i];
  }
  private page(addr: number, create = false): Uint8Array | undefined {
    const n = addr >>> 12;
    if (create && !this.pages.has(n)) this.pages.set(n, new Uint8Array(4096));
    return this.pages.get(n);
  }
  load(addr: number, width: AccessWidth): number {
    let v = 0;
    for (let i = width - 1; i >= 0; i--) {
      const p = this.page(addr + i);
      if (!p) return MemoryFault.Page;
      v = (v << 8) | p[(addr + i) & 0xfff];
    }
    return v >>> 0;
  }
  store(addr: number, width: AccessWidth, value: number): number {
    for (let i = 0; i < width; i++) if (!this.page(addr + i)) return MemoryFault.Page;
    for (let i = 0; i < width; i++) this.page(addr + i)![(addr + i) & 0xfff] = value >>> (8 * i);
    return 0;
  }
  fetch(addr: number): number {
    return this.load(addr, 4);
  }
}
