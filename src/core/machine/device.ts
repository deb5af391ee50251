// A memory-mapped device: the bus routes accesses inside [base, base+size) to it with
// the offset from base. Devices reach the host only through ports and callbacks given
// to their constructors.

import type { AccessWidth } from '../isa/memory.ts';

export interface MmioDevice {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Zero-extended value of `width` bytes at `offset`. */
  read(offset: number, width: AccessWidth): number;
  write(offset: number, width: AccessWidth, value: number): void;
}

/** The host side of a serial console: bytes the guest transmits. */
export interface ConsolePort {
  write(bytes: Uint8Array): void;
}
