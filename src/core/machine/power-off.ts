// The "sifive_test" finisher at 0x00100000 of QEMU virt: a 32-bit store of 0x5555 powers
// off with status 0, (code << 16) | 0x3333 with status `code`, 0x7777 resets the machine.

import type { AccessWidth } from '../isa/memory.ts';
import type { MmioDevice } from './device.ts';

export const POWER_OFF_BASE = 0x0010_0000;
const FINISHER_PASS = 0x5555;
const FINISHER_FAIL = 0x3333;
const FINISHER_RESET = 0x7777;

export interface PowerControl {
  powerOff(exitCode: number): void;
  reset(): void;
}

export class PowerOff implements MmioDevice {
  readonly name = 'sifive_test';
  readonly size = 0x1000;

  constructor(private readonly control: PowerControl, readonly base: number = POWER_OFF_BASE) {}

  read(): number {
    return 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (offset !== 0 || width !== 4) return;
    const status = value & 0xffff;
    if (status === FINISHER_PASS) this.control.powerOff(0);
    else if (status === FINISHER_FAIL) this.control.powerOff(value >>> 16);
    else if (status === FINISHER_RESET) this.control.reset();
  }
}
