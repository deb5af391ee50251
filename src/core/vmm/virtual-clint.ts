// The VM's CLINT: the same register layout as the bare machine's (machine/clint.ts), but
// its software-interrupt bit drives the vCPU's *virtual* mip, never the host CPU's.
// mtime and mtimecmp live in the guest CPU's clock: the guest's own virtual time.

import type { Clock } from '../isa/clock.ts';
import { high32, low32 } from '../isa/clock.ts';
import type { AccessWidth } from '../isa/memory.ts';
import { MIP_MSIP } from '../isa/privilege.ts';
import type { CsrFile } from '../isa/csr.ts';
import { CLINT_BASE } from '../machine/clint.ts';
import type { MmioDevice } from '../machine/device.ts';

const MSIP = 0x0;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

export class VirtualClint implements MmioDevice {
  readonly name = 'clint';
  readonly size = 0x10000;
  readonly base = CLINT_BASE;

  constructor(private readonly clock: Clock, private readonly vcsr: CsrFile) {}

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
      case MSIP:
        if (v & 1) this.vcsr.mipLines |= MIP_MSIP;
        else this.vcsr.mipLines &= ~MIP_MSIP;
        return;
      case MTIMECMP: clock.mtimecmpLo = v; return;
      case MTIMECMP + 4: clock.mtimecmpHi = v; return;
      case MTIME: clock.setMtime(high32(clock.mtime()) * 2 ** 32 + v); return;
      case MTIME + 4: clock.setMtime(v * 2 ** 32 + low32(clock.mtime())); return;
    }
  }

  private readWord(offset: number): number {
    const clock = this.clock;
    switch (offset) {
      case MSIP: return (this.vcsr.mipLines & MIP_MSIP) ? 1 : 0;
      case MTIMECMP: return clock.mtimecmpLo;
      case MTIMECMP + 4: return clock.mtimecmpHi;
      case MTIME: return low32(clock.mtime());
      case MTIME + 4: return high32(clock.mtime());
      default: return 0;
    }
  }
}
