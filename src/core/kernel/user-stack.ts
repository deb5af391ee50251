// The initial user stack of a new program, as Linux builds it (fs/binfmt_elf.c,
// create_elf_tables) and as _start expects it on RISC-V:
//   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs..., AT_NULL 0
// followed higher up by the 16 AT_RANDOM bytes and the argument and environment strings.

import type { AddressSpace } from './address-space.ts';
import { utf8Encode } from './bytes.ts';

export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_EXECFN = 31;

/** HWCAP bits are ISA letters: I, M, A. */
export const HWCAP_RV32IMA = (1 << 8) | (1 << 12) | (1 << 0);


export interface StackRequest {
  top: number;
  argv: string[];
  envp: string[];
  /** Auxiliary vector entries before AT_RANDOM/AT_EXECFN/AT_NULL, which are added here. */
  auxv: [number, number][];
  /** 16 bytes for AT_RANDOM (deterministic: derived from the pid by the caller). */
  random: Uint8Array;
}

/** Writes the stack; returns the initial sp (16-byte aligned), or null if it did not fit. */
export function buildUserStack(space: AddressSpace, req: StackRequest): number | null {
  // Lay everything out in one buffer below `top`, then copy it out once.
  const strings = [req.argv[0] ?? '', ...req.envp, ...req.argv].map((s) => {
    const b = utf8Encode(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  });
  let p = req.top;
  const addrs = strings.map((z) => (p -= z.length));
  p &= ~15;
  const random = (p -= req.random.length);
  const execfn = addrs[0]!;
  const envPtrs = addrs.slice(1, 1 + req.envp.length);
  const argPtrs = addrs.slice(1 + req.envp.length);
  const aux: [number, number][] = [...req.auxv, [AT_RANDOM, random], [AT_EXECFN, execfn], [AT_NULL, 0]];
  const words = [req.argv.length, ...argPtrs, 0, ...envPtrs, 0, ...aux.flat()];
  const sp = (p - words.length * 4) & ~15;
  const image = new Uint8Array(req.top - sp);
  const view = new DataView(image.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  image.set(req.random, random - sp);
  strings.forEach((z, i) => image.set(z, addrs[i]! - sp));
  return space.copyOut(sp, image) ? sp : null;
}
