// A physical page frame. Frames are reference-counted so that the code pages of a program
// are shared by every process that runs it (counted once), and so that fork can share
// private pages copy-on-write until one side writes.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export class Frame {
  readonly bytes = new Uint8Array(PAGE_SIZE);
  /** Page-table entries (in any address space, or a program's text cache) pointing here. */
  refs = 0;
  private wordView: Int32Array | null = null;
  /** The kernel's own page mapped into every process (the sigreturn trampoline): in no one's memory figures. */
  system = false;
  /** True for read-only program text kept in the text cache and mapped into many spaces. */
  constructor(readonly shared: boolean) {}

  /** The page as instruction words (same memory), for the CPU's fetch fast path. */
  words(): Int32Array {
    return (this.wordView ??= new Int32Array(this.bytes.buffer, this.bytes.byteOffset, PAGE_SIZE >> 2));
  }
}

/**
 * Who pays for a private frame: the process's cgroup (memory.current / memory.max).
 * charge returns false when the limit would be exceeded (the caller then OOM-kills).
 */
export interface MemoryCharge {
  charge(pages: number): boolean;
  uncharge(pages: number): void;
}

export const UNLIMITED_MEMORY: MemoryCharge = { charge: () => true, uncharge: () => {} };
