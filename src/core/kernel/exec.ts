// execve's second half: replace a process's image with a program (xv6 exec.c). The new
// address space is built completely before the old one is dropped, so a failed exec
// leaves the caller running.

import type { ProgramImage } from '../asm/image.ts';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from './address-space.ts';
import { Frame, PAGE_SHIFT, PAGE_SIZE } from './frame.ts';
import { NO_ALT_STACK, type Process } from './process.ts';
import { loadProgram, type TextCache } from './program-loader.ts';
import {
  AT_BASE, AT_CLKTCK, AT_EGID, AT_ENTRY, AT_EUID, AT_FLAGS, AT_GID, AT_HWCAP, AT_PAGESZ,
  AT_SECURE, AT_UID, HWCAP_RV32IMA, buildUserStack,
} from './user-stack.ts';

/** Top of the user stack (exclusive) and how far it may grow (RLIMIT_STACK 8 MiB). */
export const STACK_TOP = 0x80000000;
export const STACK_MAX = 8 << 20;
/** Where anonymous mmap places mappings without a hint, growing upwards. */
export const MMAP_BASE = 0x40000000;

/**
 * The page a signal handler returns through (Linux's vDSO rt_sigreturn): `li a7, 139;
 * ecall`, one read-only frame mapped just above the stack of every process.
 */
export const SIGRETURN_TRAMPOLINE = STACK_TOP;
const trampoline = new Frame(true);
trampoline.refs = 1;
trampoline.system = true;
/** The trampoline's frame (a checkpoint refers to it rather than copying it). */
export const SIGRETURN_FRAME = trampoline;
new DataView(trampoline.bytes.buffer).setUint32(0, 0x08b00893, true); // addi a7, x0, 139
new DataView(trampoline.bytes.buffer).setUint32(4, 0x00000073, true); // ecall

/** Deterministic AT_RANDOM bytes: no wall clock or Math.random in core. */
function randomBytes(seed: number): Uint8Array {
  const out = new Uint8Array(16);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < 16; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

/** Why an image cannot be a user program, or null when it fits the user address space. */
export function userImageProblem(image: ProgramImage): string | null {
  for (const seg of image.segments) {
    const end = seg.vaddr + Math.max(seg.memSize, seg.bytes.length);
    if (seg.vaddr < 0x1000 || end > MMAP_BASE) {
      return `segment at 0x${seg.vaddr.toString(16)} (${seg.memSize} bytes) is outside the program area 0x1000..0x${MMAP_BASE.toString(16)}`;
    }
  }
  return null;
}

/** Loads `image` into p with a fresh stack; false (p untouched) when memory ran out. */
/** What exec needs of the kernel: the shared program text, and the old image's teardown. */
export interface ExecKernel {
  readonly textCache: TextCache;
  releaseSpace(p: Process): void;
  closeOnExec(p: Process): void;
}

export function execImage(k: ExecKernel, p: Process, image: ProgramImage, argv: string[], envp: string[]): boolean {
  const space = new AddressSpace(p.cgroup);
  const loaded = loadProgram(space, image, k.textCache);
  space.addRegion({ start: STACK_TOP - STACK_MAX, end: STACK_TOP, prot: PROT_READ | PROT_WRITE, kind: 'stack' });
  space.addRegion({ start: SIGRETURN_TRAMPOLINE, end: SIGRETURN_TRAMPOLINE + PAGE_SIZE, prot: PROT_READ | PROT_EXEC, kind: 'text' });
  space.mapFrame(SIGRETURN_TRAMPOLINE >>> PAGE_SHIFT, trampoline, PROT_READ | PROT_EXEC);
  const { uid, gid } = p.creds;
  const sp = loaded && buildUserStack(space, {
    top: STACK_TOP - 16,
    argv,
    envp,
    auxv: [
      [AT_PAGESZ, PAGE_SIZE], [AT_BASE, 0], [AT_FLAGS, 0], [AT_ENTRY, image.entry],
      [AT_UID, uid], [AT_EUID, uid], [AT_GID, gid], [AT_EGID, gid],
      [AT_HWCAP, HWCAP_RV32IMA], [AT_CLKTCK, 100], [AT_SECURE, 0],
    ],
    random: randomBytes(p.id),
  });
  if (!loaded || sp === null) {
    space.clear();
    return false;
  }
  k.releaseSpace(p);
  p.space = space;
  p.regs.fill(0);
  p.regs[2] = sp;
  p.pc = image.entry >>> 0;
  p.brkStart = p.brk = loaded.brk;
  p.mmapNext = MMAP_BASE;
  p.argv = argv;
  p.name = (argv[0] ?? '').split('/').pop()!.slice(0, 15);
  // Handlers are addresses in the old program; the mask and pending signals stay.
  p.handlers = p.handlers.resetForExec();
  p.altStack = NO_ALT_STACK;
  p.clearTid = 0;
  k.closeOnExec(p);
  return true;
}
