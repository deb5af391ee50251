// The signal frame Linux pushes on the user stack before running a handler on RISC-V
// (arch/riscv/kernel/signal.c, struct rt_sigframe), and rt_sigreturn's reading of it:
//
//   sp ->  siginfo_t (128 bytes)             a1 points here
//          ucontext (816 bytes on rv32)      a2 points here
//            +0   uc_flags, +4 uc_link
//            +8   uc_stack {ss_sp, ss_flags, ss_size}
//            +20  uc_sigmask (the mask to restore, 8 bytes)
//            +160 uc_mcontext.sc_regs: pc, x1..x31 (32 words)
//            +288 sc_fpregs (zero: no F extension)
//
// The handler returns through ra into the sigreturn trampoline (Linux's vDSO
// __vdso_rt_sigreturn: `li a7, 139; ecall`), which the kernel maps into every process.

import type { Process } from './process.ts';
import type { SigInfo } from './signal.ts';
import { StructWriter } from './user-memory.ts';

export const SIGINFO_SIZE = 128;
export const UCONTEXT_SIZE = 816;
export const FRAME_SIZE = SIGINFO_SIZE + UCONTEXT_SIZE;
const UC_STACK = 8;
const UC_SIGMASK = 20;
const UC_MCONTEXT = 160;
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;

/** siginfo_t for rv32: signo, errno, code, then the union (pid/uid/status, or addr). */
export function sigInfoBytes(info: SigInfo): Uint8Array {
  const w = new StructWriter(SIGINFO_SIZE).u32(0, info.signo).u32(8, info.code);
  if (info.addr) return w.u32(12, info.addr).bytes;
  return w.u32(12, info.pid).u32(16, info.uid).u32(20, info.status).bytes;
}

/** Where the frame goes: below sp (or at the top of the alternate stack), 16-byte aligned. */
export function frameAddress(sp: number, onAltStack: boolean, p: Process): number {
  const top = onAltStack ? p.altStack.sp + p.altStack.size : sp >>> 0;
  return ((top - FRAME_SIZE) & ~15) >>> 0;
}

/** The frame's bytes: info, and the interrupted context (regs, pc, the mask to restore). */
export function buildFrame(p: Process, info: SigInfo, oldMask: bigint): Uint8Array {
  const w = new StructWriter(FRAME_SIZE);
  w.bytesAt(0, sigInfoBytes(info));
  const uc = SIGINFO_SIZE;
  const alt = p.altStack.size > 0;
  w.u32(uc + UC_STACK, alt ? p.altStack.sp : 0).u32(uc + UC_STACK + 4, alt ? 0 : SS_DISABLE)
    .u32(uc + UC_STACK + 8, alt ? p.altStack.size : 0);
  w.u32(uc + UC_SIGMASK, Number(oldMask & 0xffffffffn)).u32(uc + UC_SIGMASK + 4, Number(oldMask >> 32n));
  w.u32(uc + UC_MCONTEXT, p.pc);
  for (let i = 1; i < 32; i++) w.u32(uc + UC_MCONTEXT + i * 4, p.regs[i]!);
  return w.bytes;
}

/** What rt_sigreturn reads back from the ucontext at `uc`: registers, pc and mask. */
export function parseContext(bytes: Uint8Array): { pc: number; regs: Int32Array; mask: bigint } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const regs = new Int32Array(32);
  for (let i = 1; i < 32; i++) regs[i] = v.getInt32(UC_MCONTEXT + i * 4, true);
  const mask = BigInt(v.getUint32(UC_SIGMASK, true)) | (BigInt(v.getUint32(UC_SIGMASK + 4, true)) << 32n);
  return { pc: v.getUint32(UC_MCONTEXT, true), regs, mask };
}

/** The ucontext's size up to the end of the registers (all rt_sigreturn needs). */
export const CONTEXT_READ = UC_MCONTEXT + 32 * 4;
