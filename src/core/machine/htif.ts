// The HTIF `tohost` convention of Spike and riscv-tests: a program with a `tohost` symbol
// ends by storing (code << 1) | 1 there, i.e. exit status = value >> 1. Values with the
// low bit clear are requests (magic_mem pointers for syscalls) that this machine ignores.

import type { Cpu } from '../isa/cpu.ts';
import type { PowerControl } from './power-off.ts';

export function watchTohost(cpu: Cpu, tohost: number | undefined, control: PowerControl): void {
  if (tohost === undefined) {
    cpu.storeWatch = -1;
    cpu.onWatchedStore = null;
    return;
  }
  cpu.storeWatch = tohost >>> 0;
  cpu.onWatchedStore = (_addr, value) => {
    if (value & 1) control.powerOff(value >>> 1);
  };
}
