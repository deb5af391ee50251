// Signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
// rt_sigreturn, sigaltstack, kill, tkill, tgkill. Sets are 8 bytes (sigsetsize must be 8).

import { EINVAL, ENOMEM, EPERM, ESRCH, KernelError } from './errno.ts';
import { Block } from './file.ts';
import type { KernelServices } from './kernel-services.ts';
import { NO_ALT_STACK, type Process } from './process.ts';
import {
  ALL_SIGNALS, NSIG, SIGKILL, SIGSTOP, SI_TKILL, UNBLOCKABLE, sigbit, userInfo, validSignal,
} from './signal.ts';
import { sendSignal } from './signal-delivery.ts';
import { CONTEXT_READ, SIGINFO_SIZE, SS_DISABLE, SS_ONSTACK, parseContext } from './signal-frame.ts';
import { NO_RETURN, type SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut } from './user-memory.ts';

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;

function readSet(p: Process, addr: number): bigint {
  const v = new DataView(copyIn(p, addr, 8).buffer);
  return BigInt(v.getUint32(0, true)) | (BigInt(v.getUint32(4, true)) << 32n);
}

function writeSet(p: Process, addr: number, set: bigint): void {
  copyOut(p, addr, new StructWriter(8).u32(0, Number(set & 0xffffffffn)).u32(4, Number(set >> 32n)).bytes);
}

function checkSize(size: number): void {
  if (size !== 8) throw new KernelError(EINVAL);
}

/** rt_sigaction(sig, act, oact, 8): struct sigaction {handler, flags, mask[2]} (no restorer on RISC-V). */
function sysRtSigaction(_k: KernelServices, p: Process, [sig, act, oact, size]: readonly number[]): number {
  checkSize(size!);
  if (sig! < 1 || sig! > NSIG) throw new KernelError(EINVAL);
  const handlers = p.leader.handlers;
  const old = handlers.get(sig!);
  let next = null;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) throw new KernelError(EINVAL);
    const v = new DataView(copyIn(p, act, 16).buffer);
    const mask = BigInt(v.getUint32(8, true)) | (BigInt(v.getUint32(12, true)) << 32n);
    next = { handler: v.getUint32(0, true), flags: v.getUint32(4, true), mask: mask & ~UNBLOCKABLE };
  }
  if (oact) {
    copyOut(p, oact, new StructWriter(16).u32(0, old.handler).u32(4, old.flags)
      .u32(8, Number(old.mask & 0xffffffffn)).u32(12, Number(old.mask >> 32n)).bytes);
  }
  if (next) {
    const own = handlers.own();
    own.set(sig!, next);
    for (const t of p.leader.threads) t.handlers = own;
    p.leader.handlers = own;
    // Setting a signal to be ignored discards it where pending (POSIX).
    if (own.ignores(sig!)) for (const t of p.leader.threads) t.sigPending &= ~sigbit(sig!);
  }
  return 0;
}

function sysRtSigprocmask(_k: KernelServices, p: Process, [how, set, oset, size]: readonly number[]): number {
  checkSize(size!);
  const old = p.sigMask;
  if (set) {
    const s = readSet(p, set);
    if (how === SIG_BLOCK) p.sigMask |= s;
    else if (how === SIG_UNBLOCK) p.sigMask &= ~s;
    else if (how === SIG_SETMASK) p.sigMask = s;
    else throw new KernelError(EINVAL);
    p.sigMask &= ~UNBLOCKABLE & ALL_SIGNALS;
  }
  if (oset) writeSet(p, oset, old);
  return 0;
}

function sysRtSigpending(_k: KernelServices, p: Process, [set, size]: readonly number[]): number {
  checkSize(size!);
  writeSet(p, set!, p.sigPending & p.sigMask);
  return 0;
}

/** Waits with a temporary mask until a handler runs; always ends with -EINTR. */
function sysRtSigsuspend(_k: KernelServices, p: Process, [set, size]: readonly number[]): Block {
  checkSize(size!);
  const mask = readSet(p, set!) & ~UNBLOCKABLE;
  if (p.savedMask === null) p.savedMask = p.sigMask;
  p.sigMask = mask;
  return new Block(p, 'eintr'); // woken only by a signal (a wakeup of p just re-runs it)
}

/** Back from a handler: the registers, pc and mask saved in the frame at sp. */
function sysRtSigreturn(k: KernelServices, p: Process): typeof NO_RETURN {
  const frame = p.regs[2]! >>> 0;
  const bytes = p.space.copyIn(frame + SIGINFO_SIZE, CONTEXT_READ);
  if (!bytes) {
    k.exit(p, 0, 11, 'Segmentation fault (bad signal frame in rt_sigreturn)');
    return NO_RETURN;
  }
  const ctx = parseContext(bytes);
  p.regs.set(ctx.regs);
  p.regs[0] = 0;
  p.pc = ctx.pc;
  p.sigMask = ctx.mask & ~UNBLOCKABLE;
  return NO_RETURN;
}

/** sigaltstack(ss, old): stack_t {ss_sp, ss_flags, ss_size}. */
function sysSigaltstack(_k: KernelServices, p: Process, [ss, old]: readonly number[]): number {
  const sp = p.regs[2]! >>> 0;
  const on = p.altStack.size > 0 && sp > p.altStack.sp && sp <= p.altStack.sp + p.altStack.size;
  if (old) {
    copyOut(p, old, new StructWriter(12).u32(0, p.altStack.sp)
      .u32(4, p.altStack.size === 0 ? SS_DISABLE : on ? SS_ONSTACK : 0).u32(8, p.altStack.size).bytes);
  }
  if (ss) {
    if (on) throw new KernelError(EPERM);
    const v = new DataView(copyIn(p, ss, 12).buffer);
    const flags = v.getUint32(4, true);
    if (flags & ~(SS_DISABLE | 0x80000000)) throw new KernelError(EINVAL);
    if (flags & SS_DISABLE) p.altStack = NO_ALT_STACK;
    else {
      const size = v.getUint32(8, true);
      if (size < 2048) throw new KernelError(ENOMEM);
      p.altStack = { sp: v.getUint32(0, true), size };
    }
  }
  return 0;
}

/** The thread with this tid in p's namespace (tkill, tgkill). */
function threadByTid(p: Process, tid: number): Process {
  const t = tid > 0 ? (p.ns.pid.task(tid) as Process | undefined) : undefined;
  if (!t || t.state === 'zombie') throw new KernelError(tid > 0 ? ESRCH : EINVAL);
  return t;
}

function mayKill(sender: Process, target: Process): void {
  if (sender.creds.uid !== 0 && target.creds.uid !== sender.creds.uid) throw new KernelError(EPERM);
}

function sysTgkill(k: KernelServices, p: Process, [tgid, tid, sig]: readonly number[]): number {
  if (!validSignal(sig!) || tgid! <= 0) throw new KernelError(EINVAL);
  const t = threadByTid(p, tid!);
  if (p.ns.pid.pidOf(t.leader) !== tgid) throw new KernelError(ESRCH);
  mayKill(p, t);
  sendSignal(k, t, sig!, userInfo(sig!, p.pid, p.creds.uid, SI_TKILL), '', true);
  return 0;
}

function sysTkill(k: KernelServices, p: Process, [tid, sig]: readonly number[]): number {
  if (!validSignal(sig!)) throw new KernelError(EINVAL);
  const t = threadByTid(p, tid!);
  mayKill(p, t);
  sendSignal(k, t, sig!, userInfo(sig!, p.pid, p.creds.uid, SI_TKILL), '', true);
  return 0;
}

export const signalSyscalls: SyscallTable = {
  [nr.SYS_sigaltstack]: { name: 'sigaltstack', handler: sysSigaltstack },
  [nr.SYS_rt_sigsuspend]: { name: 'rt_sigsuspend', handler: sysRtSigsuspend },
  [nr.SYS_rt_sigaction]: { name: 'rt_sigaction', handler: sysRtSigaction },
  [nr.SYS_rt_sigprocmask]: { name: 'rt_sigprocmask', handler: sysRtSigprocmask },
  [nr.SYS_rt_sigpending]: { name: 'rt_sigpending', handler: sysRtSigpending },
  [nr.SYS_rt_sigreturn]: { name: 'rt_sigreturn', handler: sysRtSigreturn },
  [nr.SYS_tkill]: { name: 'tkill', handler: sysTkill },
  [nr.SYS_tgkill]: { name: 'tgkill', handler: sysTgkill },
};
