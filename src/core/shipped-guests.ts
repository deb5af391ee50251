// The guests the lab ships, by name, so `trapdoor run NAME` (and the page) can boot one
// without a path: the lesson kernels the VM manager offers (assembled from their source by
// the lab's own assembler) and real operating systems shipped as built files.
//
//   findShippedGuest('hello-uart')   // { name, summary, mode, image() } or undefined
//   SHIPPED_GUESTS                   // all of them, for listings
//
// A guest shipped as files names them relative to the repository root (the CLI reads them,
// the page bundles them); core never touches a file system.

import type { ProgramImage } from './asm/image.ts';
import type { RunMode } from './run-result.ts';
import { buildGuestImage, GUEST_IMAGES } from './vmm/images/index.ts';

export interface ShippedGuest {
  name: string;
  summary: string;
  /** The mode it is written for: `trapdoor run NAME` uses it unless --mode says otherwise. */
  mode: RunMode;
  /** A kernel assembled from source by the lab. */
  image?: () => ProgramImage;
  /** Or a kernel shipped as an ELF file, and the disk image it boots with. */
  kernelFile?: string;
  diskFile?: string;
}

/** Real operating systems, built from source outside the lab by the script beside them. */
const FILE_GUESTS: ShippedGuest[] = [
  {
    name: 'xv6', mode: 'bare', kernelFile: 'guests/xv6/kernel', diskFile: 'guests/xv6/fs.img',
    summary: 'xv6-rv32 (MIT licence) booted unmodified: S-mode, Sv32 paging, the PLIC and a virtio disk',
  },
];

export const SHIPPED_GUESTS: readonly ShippedGuest[] = [
  ...GUEST_IMAGES.map((g): ShippedGuest => ({
    name: g.name, summary: g.summary, mode: g.mode === 'pv' ? 'pv' : 'bare', image: () => buildGuestImage(g.name),
  })),
  ...FILE_GUESTS,
];

export function findShippedGuest(name: string): ShippedGuest | undefined {
  return SHIPPED_GUESTS.find((g) => g.name === name);
}
