// Helpers for system calls that read and write user memory: each fails with EFAULT on
// a bad pointer, as Linux's copy_from_user/copy_to_user do.

import { utf8Decode } from './bytes.ts';
import { EFAULT, ENAMETOOLONG, KernelError } from './errno.ts';
import type { Process } from './process.ts';

export function copyIn(p: Process, addr: number, length: number): Uint8Array {
  const b = p.space.copyIn(addr >>> 0, length);
  if (!b) throw new KernelError(EFAULT);
  return b;
}

export function copyOut(p: Process, addr: number, bytes: Uint8Array): void {
  if (!p.space.copyOut(addr >>> 0, bytes)) throw new KernelError(EFAULT);
}

export function readString(p: Process, addr: number, max = 4096): string {
  if (addr === 0) throw new KernelError(EFAULT);
  const b = p.space.readCString(addr >>> 0, max);
  if (!b) throw new KernelError(p.space.copyIn(addr >>> 0, 1) ? ENAMETOOLONG : EFAULT);
  return utf8Decode(b);
}

/** A NULL-terminated array of string pointers (argv, envp); null pointer = empty. */
export function readStringArray(p: Process, addr: number, max = 1024): string[] {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; i < max; i++) {
    const ptr = new DataView(copyIn(p, addr + i * 4, 4).buffer).getUint32(0, true);
    if (ptr === 0) return out;
    out.push(readString(p, ptr));
  }
  throw new KernelError(EFAULT);
}

export function writeU32(p: Process, addr: number, value: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  copyOut(p, addr, b);
}

/** Little-endian struct builder for stat, timespec, dirent, utsname... */
export class StructWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(off: number, v: number): this {
    this.view.setUint32(off, v >>> 0, true);
    return this;
  }
  u64(off: number, v: number): this {
    this.view.setUint32(off, v % 2 ** 32 >>> 0, true);
    this.view.setUint32(off + 4, Math.floor(v / 2 ** 32) >>> 0, true);
    return this;
  }
  u16(off: number, v: number): this {
    this.view.setUint16(off, v, true);
    return this;
  }
  u8(off: number, v: number): this {
    this.bytes[off] = v;
    return this;
  }
  bytesAt(off: number, b: Uint8Array): this {
    this.bytes.set(b, off);
    return this;
  }
}
