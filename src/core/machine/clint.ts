// CLINT (core-local interruptor) at 0x02000000, SiFive layout as on QEMU virt: msip at
// 0x0, mtimecmp at 0x4000, mtime at 0xBFF8, 64-bit registers as two 32-bit halves.
// The registers live in the hart (Cpu.clock, mip.MSIP) so the CPU can time interrupts
// and skip idle time exactly; this device is the memory-mapped window onto them.

import type { Cpu } from '../isa/cpu.ts';
import { high32, low32, type Clock } from '../isa/clock.ts';
import type { AccessWidth } from '../isa/memory.ts';
import { Interrupt } from '../isa/trap.ts';
import type { MmioDevice } from './device.ts';

export const CLINT_BASE = 0x0200_0000;
const MSIP = 0x0;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

/**
 * The CLINT's register window over a clock and a software-interrupt bit. The bare machine's
 * CLINT and a VM's (vmm/virtual-clint.ts) differ only in where that bit lives.
 */
export abstract class ClintRegisters implements MmioDevice {
  readonly name = 'clint';
  readonly size = 0x10000;
  abstract readonly base: number;
  protected abstract readonly clock: Clock;
  protected abstract msipPending(): boolean;
  protected abstract setMsip(on: boolean): void;

  read(offset: number, width: AccessWidth): number {
    const word = this.readWord(offset & ~3);
    const shift = (offset & 3) * 8;
    const mask = width === 4 ? 0xffffffff : (1 << (width * 8)) - 1;
    return ((word >>> shift) & mask) >>> 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (width !== 4 || offset & 3) return; // sub-word writes are ignored, as on QEMU
    const clock = this.clock;
    const v = value >>> 0;
    switch (offset) {
      case MSIP: this.setMsip((v & 1) !== 0); return;
      case MTIMECMP: clock.mtimecmpLo = v; return;
      case MTIMECMP + 4: clock.mtimecmpHi = v; return;
      case MTIME: clock.setMtime(high32(clock.mtime()) * 2 ** 32 + v); return;
      case MTIME + 4: clock.setMtime(v * 2 ** 32 + low32(clock.mtime())); return;
    }
  }

  private readWord(offset: number): number {
    const clock = this.clock;
    switch (offset) {
      case MSIP: return this.msipPending() ? 1 : 0;
      case MTIMECMP: return clock.mtimecmpLo;
      case MTIMECMP + 4: return clock.mtimecmpHi;
      case MTIME: return low32(clock.mtime());
      case MTIME + 4: return high32(clock.mtime());
      default: return 0;
    }
  }
}

export class Clint extends ClintRegisters {
  constructor(private readonly cpu: Cpu, readonly base: number = CLINT_BASE) {
    super();
  }

  protected get clock(): Clock {
    return this.cpu.clock;
  }

  protected msipPending(): boolean {
    return ((this.cpu.csr.mipLines >>> Interrupt.MachineSoftware) & 1) !== 0;
  }

  protected setMsip(on: boolean): void {
    if (on) this.cpu.raiseInterrupt(Interrupt.MachineSoftware);
    else this.cpu.lowerInterrupt(Interrupt.MachineSoftware);
  }
}
