// The VM's CLINT: the same register window as the bare machine's (machine/clint.ts), but
// its software-interrupt bit drives the vCPU's *virtual* mip, never the host CPU's.
// mtime and mtimecmp live in the guest CPU's clock: the guest's own virtual time.

import type { Clock } from '../isa/clock.ts';
import { MIP_MSIP } from '../isa/privilege.ts';
import type { CsrFile } from '../isa/csr.ts';
import { CLINT_BASE, ClintRegisters } from '../machine/clint.ts';

export class VirtualClint extends ClintRegisters {
  readonly base = CLINT_BASE;

  constructor(protected readonly clock: Clock, private readonly vcsr: CsrFile) {
    super();
  }

  protected msipPending(): boolean {
    return (this.vcsr.mipLines & MIP_MSIP) !== 0;
  }

  protected setMsip(on: boolean): void {
    if (on) this.vcsr.mipLines |= MIP_MSIP;
    else this.vcsr.mipLines &= ~MIP_MSIP;
  }
}
