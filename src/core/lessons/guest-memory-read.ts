// Memory checks read RAM once a run has ended: an address or a symbol of the program,
// through whichever reader the run's machine offers (bare RAM, a VM's guest RAM).

import type { ProgramImage } from '../asm/image.ts';
import type { MemoryRead, MemoryValue } from './runner-port.ts';

/** Host-side read of a machine's memory; null when any byte is outside RAM. */
export type MemoryReader = (address: number, length: number) => Uint8Array | null;

export function readMemory(read: MemoryRead, image: ProgramImage, reader: MemoryReader): MemoryValue {
  const address = typeof read.address === 'number' ? read.address >>> 0 : image.symbols.get(read.address);
  if (address === undefined) return { address: null, bytes: [], error: `no symbol "${String(read.address)}" in the program` };
  const bytes = reader(address, read.length);
  if (!bytes) return { address: null, bytes: [], error: `0x${address.toString(16)} is not in RAM` };
  return { address, bytes: Array.from(bytes) };
}

export function unreadable(error: string): MemoryValue {
  return { address: null, bytes: [], error };
}
