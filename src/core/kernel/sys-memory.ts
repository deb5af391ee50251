// Memory system calls: brk (the heap) and anonymous mmap/munmap. Both only create
// regions; pages appear on first touch and are charged to the process's cgroup then.

import { PROT_EXEC, PROT_READ, PROT_WRITE } from './address-space.ts';
import { EACCES, EINVAL, ENODEV, ENOMEM, EPERM, KernelError } from './errno.ts';
import { InodeFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import { fileOf } from './sys-file.ts';
import { PAGE_SIZE } from './frame.ts';
import { MMAP_BASE, STACK_MAX, STACK_TOP } from './exec.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';

const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
/** The heap may not grow into the mmap area. */
const HEAP_LIMIT = 0x40000000;
/**
 * TASK_SIZE: the end of the user address space, the stack's top plus the sigreturn page
 * above it (like a vDSO, a MAP_FIXED mapping may replace it). Every range a call names must
 * end at or below it: nothing wraps past 2^32.
 */
export const TASK_SIZE = STACK_TOP + PAGE_SIZE;
/** The lowest address mmap may map (vm.mmap_min_addr): page 0 stays a NULL-pointer trap. */
const MMAP_MIN_ADDR = PAGE_SIZE;
/** vm.max_map_count: most regions (VMAs) one process may have. */
export const MAX_MAP_COUNT = 65530;

const pageUp = (v: number): number => Math.ceil(v / PAGE_SIZE) * PAGE_SIZE;

/** brk(addr): moves the break; returns the new break, or the old one when it cannot. */
function sysBrk(_k: KernelServices, p: Process, [addr]: readonly number[]): number {
  const want = addr! >>> 0;
  if (want === 0 || want < p.brkStart || want >= HEAP_LIMIT) return p.brk;
  const oldTop = pageUp(p.brk);
  const newTop = pageUp(want);
  if (newTop > oldTop) {
    // Linux's brk fails rather than grow the heap over another mapping (a MAP_FIXED one).
    if (p.space.overlaps(oldTop, newTop)) return p.brk;
    const region = p.space.regions.find((r) => r.kind === 'heap' && r.end === oldTop);
    if (region) region.end = newTop;
    else if (p.space.regions.length >= MAX_MAP_COUNT) return p.brk;
    else p.space.addRegion({ start: oldTop, end: newTop, prot: PROT_READ | PROT_WRITE, kind: 'heap' });
  } else if (newTop < oldTop) {
    p.space.unmap(newTop, oldTop);
  }
  p.brk = want;
  return want;
}

/** First fit for `len` bytes at or above `from`, below the stack's reserve; -1 if none. */
function freeArea(p: Process, from: number, len: number): number {
  let start = from;
  for (const r of p.space.regions) {
    if (r.end <= start) continue;
    if (r.start >= start + len) break;
    start = r.end;
  }
  return start + len <= STACK_TOP - STACK_MAX ? start : -1;
}

function protBitsOf(prot: number): number {
  return (prot & 1 ? PROT_READ : 0) | (prot & 2 ? PROT_WRITE : 0) | (prot & 4 ? PROT_EXEC : 0);
}

/**
 * RV32 slot 222 is mmap2 (offset in 4 KiB pages). Anonymous mappings are demand-zero; a
 * private file mapping gets a private copy of the file's pages at map time (what a
 * program can observe of MAP_PRIVATE, as long as the file is not written meanwhile).
 */
function sysMmap(_k: KernelServices, p: Process, [addr, length, prot, flags, fd, pgoff]: readonly number[]): number {
  const len = pageUp(length! >>> 0);
  const anonymous = (flags! & MAP_ANONYMOUS) !== 0;
  if (len === 0 || !(flags! & (MAP_PRIVATE | MAP_SHARED)) || (prot! & ~7)) throw new KernelError(EINVAL);
  let file: Inode | null = null;
  if (!anonymous) {
    const f = fileOf(p, fd!);
    const node = f.inode();
    if (!node || node.type !== 'file' || !(f instanceof InodeFile)) throw new KernelError(ENODEV);
    if (!f.readable || ((flags! & MAP_SHARED) && (prot! & 2) && !f.writable)) throw new KernelError(EACCES);
    file = node;
  }
  // Each mmap may add a region and split two (a fixed one in the middle of another).
  if (p.space.regions.length + 2 > MAX_MAP_COUNT) throw new KernelError(ENOMEM);
  let start = addr! >>> 0;
  if (flags! & MAP_FIXED) {
    if (start % PAGE_SIZE) throw new KernelError(EINVAL);
    // Linux's get_unmapped_area: a range past TASK_SIZE (or wrapping past 2^32) is ENOMEM.
    if (len > TASK_SIZE || start > TASK_SIZE - len) throw new KernelError(ENOMEM);
    if (start < MMAP_MIN_ADDR) throw new KernelError(EPERM);
    p.space.unmap(start, start + len);
  } else {
    start = freeArea(p, p.mmapNext, len);
    if (start < 0) start = freeArea(p, MMAP_BASE, len);
    if (start < 0) throw new KernelError(ENOMEM);
    p.mmapNext = start + len;
  }
  const protBits = protBitsOf(prot!);
  p.space.addRegion({ start, end: start + len, prot: protBits, kind: 'mmap' });
  if (file) {
    const data = file.contents();
    const offset = (pgoff! >>> 0) * PAGE_SIZE;
    for (let at = 0; at < len && offset + at < data.length; at += PAGE_SIZE) {
      if (!p.space.fillPage((start + at) >>> 12, data.subarray(offset + at, offset + at + PAGE_SIZE), protBits)) {
        p.space.unmap(start, start + len);
        throw new KernelError(ENOMEM);
      }
    }
  }
  return start | 0;
}

/** mprotect(addr, len, prot): ENOMEM when part of the range is not mapped. */
function sysMprotect(_k: KernelServices, p: Process, [addr, length, prot]: readonly number[]): number {
  const start = addr! >>> 0;
  if (start % PAGE_SIZE || (prot! & ~7)) throw new KernelError(EINVAL);
  if ((length! >>> 0) === 0) return 0;
  const end = start + pageUp(length! >>> 0);
  if (end > TASK_SIZE) throw new KernelError(ENOMEM);
  if (p.space.regions.length + 2 > MAX_MAP_COUNT) throw new KernelError(ENOMEM);
  if (!p.space.protect(start, end, protBitsOf(prot!))) throw new KernelError(ENOMEM);
  return 0;
}

/** munmap(addr, len): EINVAL for a misaligned start, an empty range or one past TASK_SIZE. */
function sysMunmap(_k: KernelServices, p: Process, [addr, length]: readonly number[]): number {
  const start = addr! >>> 0;
  const len = pageUp(length! >>> 0);
  if (start % PAGE_SIZE || len === 0 || start > TASK_SIZE || len > TASK_SIZE - start) throw new KernelError(EINVAL);
  // Unmapping the middle of a region splits it in two.
  if (p.space.regions.length + 1 > MAX_MAP_COUNT) throw new KernelError(ENOMEM);
  p.space.unmap(start, start + len);
  return 0;
}

export const memorySyscalls: SyscallTable = {
  [nr.SYS_brk]: { name: 'brk', handler: sysBrk },
  [nr.SYS_mmap]: { name: 'mmap', handler: sysMmap },
  [nr.SYS_munmap]: { name: 'munmap', handler: sysMunmap },
  [nr.SYS_mprotect]: { name: 'mprotect', handler: sysMprotect },
  [nr.SYS_madvise]: { name: 'madvise', handler: () => 0 },
  [nr.SYS_msync]: { name: 'msync', handler: () => 0 },
};
