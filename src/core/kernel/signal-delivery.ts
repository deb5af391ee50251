// Generating and delivering signals (Linux kernel/signal.c, arch/riscv/kernel/signal.c).
//
// Generation (sendSignal) happens at once for what needs no user code: SIGKILL and
// uncaught fatal signals end the thread group, stop signals stop it, SIGCONT resumes it,
// ignored signals are dropped. A signal with a handler, or one that is blocked, becomes
// pending; a thread asleep in a system call is woken so that the call can end.
// Delivery (deliverSignals) runs each time a thread is about to return to user mode: it
// takes the lowest pending unblocked signal, decides how an interrupted system call ends
// (restart with SA_RESTART, else -EINTR), pushes a signal frame on the user stack and
// enters the handler with a0 = signal, a1 = &siginfo, a2 = &ucontext, ra = trampoline.

import type { Trap } from '../isa/trap.ts';
import { EINTR } from './errno.ts';
import type { Process } from './process.ts';
import {
  CLD_CONTINUED, CLD_STOPPED, SA_NOCLDSTOP, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART,
  SIGCHLD, SIGCONT, SIGKILL, SIGSEGV, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIG_DFL, SIG_IGN,
  UNBLOCKABLE, defaultAction, lowestSignal, sigbit, signalDescription, type SigAction, type SigInfo,
} from './signal.ts';
import { FRAME_SIZE, SIGINFO_SIZE, buildFrame, frameAddress } from './signal-frame.ts';
import { SIGRETURN_TRAMPOLINE } from './exec.ts';

/** What signal delivery needs of the kernel (the Kernel is one; see kernel-services.ts). */
export interface SignalKernel {
  /** Every process not yet reaped, by global id. */
  readonly processes: Map<number, Process>;
  readonly stopListeners: Set<(p: Process) => void>;
  readonly scheduler: { interrupt(p: Process): void; stop(p: Process): void; resume(p: Process): void };
  exit(p: Process, code: number, signal?: number, reason?: string): void;
  oomKill(p: Process): void;
  wakeup(channel: object): void;
  log(message: string): void;
  record(cause: string, trap: Pick<Trap, 'pc' | 'insn'>, action: string, cost: number): void;
}

const STOP_SIGNALS = sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU);

/**
 * Sends `sig` to the thread group of `target` (kill) or to that thread only (tgkill).
 * `reason` is what the kernel says if the signal kills (a fault's description).
 */
export function sendSignal(k: SignalKernel, target: Process, sig: number, info: SigInfo, reason = '', thread = false): void {
  if (sig === 0 || target.state === 'zombie') return;
  const leader = target.leader;
  if (leader.host) {
    // A host-side process (the shell in TypeScript) has no user code to run a handler.
    if (defaultAction(sig) === 'terminate' || defaultAction(sig) === 'core') k.exit(leader, 0, sig, reason);
    return;
  }
  const bit = sigbit(sig);
  if (sig === SIGKILL) {
    k.exit(leader, 0, sig, reason);
    return;
  }
  if (sig === SIGCONT) {
    for (const t of leader.threads) t.sigPending &= ~STOP_SIGNALS;
    if (leader.stopped) continueGroup(k, leader);
  } else if (bit & STOP_SIGNALS) {
    for (const t of leader.threads) t.sigPending &= ~sigbit(SIGCONT);
  }
  const handlers = leader.handlers;
  const t = thread ? target : pickThread(leader, bit);
  const blocked = (t.sigMask & bit) !== 0n;
  if (!blocked && handlers.ignores(sig)) return;
  const action = handlers.get(sig);
  if (!blocked && action.handler === SIG_DFL) {
    const what = defaultAction(sig);
    if (what === 'terminate' || what === 'core') {
      k.exit(leader, 0, sig, reason);
      return;
    }
    if (what === 'stop') {
      if (!leader.stopped) stopGroup(k, leader, sig);
      return;
    }
    if (what === 'continue') return;
  }
  if (t.sigPending & bit) return; // standard signals do not queue
  t.sigPending |= bit;
  (t.sigInfo ??= new Map()).set(sig, info);
  if (!blocked && !t.stopped) k.scheduler.interrupt(t);
}

/** A thread that does not block the signal, the leader first (Linux complete_signal). */
function pickThread(leader: Process, bit: bigint): Process {
  if (!(leader.sigMask & bit) && leader.state !== 'zombie') return leader;
  for (const t of leader.threads) if (!(t.sigMask & bit)) return t;
  return leader;
}

/**
 * A synchronous signal from a fault (force_sig): it cannot be blocked or ignored, so a
 * blocked or ignored one reverts to the default action, as Linux does.
 */
export function forceSignal(k: SignalKernel, p: Process, sig: number, info: SigInfo, reason: string): void {
  const bit = sigbit(sig);
  const leader = p.leader;
  let a = leader.handlers.get(sig);
  if ((p.sigMask & bit) || a.handler === SIG_IGN) {
    if (a.handler !== SIG_DFL) setAction(leader, sig, { handler: SIG_DFL, flags: 0, mask: 0n });
    a = leader.handlers.get(sig);
    p.sigMask &= ~bit;
  }
  if (a.handler === SIG_DFL) {
    k.exit(p, 0, sig, reason);
    return;
  }
  p.sigPending |= bit;
  (p.sigInfo ??= new Map()).set(sig, info);
}

/** Changes one disposition of a thread group (its table made its own first). */
function setAction(leader: Process, sig: number, action: SigAction): void {
  const own = leader.handlers.own();
  own.set(sig, action);
  leader.handlers = own;
  for (const t of leader.threads) t.handlers = own;
}

/** Stops every thread of the group and tells the parent (SIGCHLD, wait with WUNTRACED). */
export function stopGroup(k: SignalKernel, leader: Process, sig: number): void {
  for (const t of leader.threads) {
    t.stopped = true;
    k.scheduler.stop(t);
  }
  leader.waitReport = { kind: 'stopped', signal: sig };
  k.log(`${leader.name}[${leader.id}]: stopped (${signalDescription(sig)})`);
  notifyParent(k, leader, CLD_STOPPED, sig);
  for (const listener of k.stopListeners) listener(leader);
}

export function continueGroup(k: SignalKernel, leader: Process): void {
  for (const t of leader.threads) {
    t.stopped = false;
    k.scheduler.resume(t);
  }
  leader.waitReport = { kind: 'continued' };
  notifyParent(k, leader, CLD_CONTINUED, SIGCONT);
}

/** SIGCHLD for a stop or continue, unless the parent asked not to (SA_NOCLDSTOP). */
function notifyParent(k: SignalKernel, child: Process, code: number, status: number): void {
  const parent = child.parent;
  if (!parent) return;
  k.wakeup(parent.leader);
  if (parent.leader.handlers.get(SIGCHLD).flags & SA_NOCLDSTOP) return;
  const info: SigInfo = { signo: SIGCHLD, code, pid: parent.ns.pid.pidOf(child), uid: child.creds.uid, status, addr: 0 };
  sendSignal(k, parent, SIGCHLD, info);
}

/**
 * Called before p returns to user mode: delivers what is pending and unblocked. Returns
 * false when p must not run now (it stopped or died).
 */
export function deliverSignals(k: SignalKernel, p: Process): boolean {
  let first = true;
  for (;;) {
    const ready = p.sigPending & ~p.sigMask;
    if (ready === 0n) break;
    const sig = lowestSignal(ready);
    p.sigPending &= ~sigbit(sig);
    const info = p.sigInfo?.get(sig) ?? { signo: sig, code: 0, pid: 0, uid: 0, status: 0, addr: 0 };
    p.sigInfo?.delete(sig);
    const action = p.leader.handlers.get(sig);
    if (action.handler === SIG_IGN) continue;
    if (action.handler === SIG_DFL) {
      const what = defaultAction(sig);
      if (what === 'terminate' || what === 'core') {
        k.exit(p, 0, sig, sig === SIGSEGV && info.addr ? `${signalDescription(sig)} at 0x${info.addr.toString(16)}` : '');
        return false;
      }
      if (what === 'stop') {
        stopGroup(k, p.leader, sig);
        return false;
      }
      continue;
    }
    if (first) endInterruptedCall(p, (action.flags & SA_RESTART) !== 0);
    first = false;
    if (!enterHandler(k, p, sig, info)) return false;
  }
  if (p.sleepKind !== null) {
    // Woken without a handler running: a restartable call simply runs again.
    p.sleepKind = null;
  }
  return p.state === 'runnable' && !p.stopped;
}

/** How a system call that slept ends when a handler runs (Linux handle_signal's switch). */
function endInterruptedCall(p: Process, restart: boolean): void {
  const kind = p.sleepKind;
  p.sleepKind = null;
  p.deadline = null;
  if (kind === null) return;
  if (kind === 'restart' && restart) return; // pc still at the ecall: it runs again
  p.regs[10] = -EINTR;
  if (kind !== 'complete') p.pc = (p.pc + 4) >>> 0;
}

/** Pushes the frame and points the thread at the handler; false if the stack was bad. */
function enterHandler(k: SignalKernel, p: Process, sig: number, info: SigInfo): boolean {
  const action = p.leader.handlers.get(sig);
  const sp = p.regs[2]! >>> 0;
  const onAlt = (action.flags & SA_ONSTACK) !== 0 && p.altStack.size > 0
    && !(sp > p.altStack.sp && sp <= p.altStack.sp + p.altStack.size);
  const frame = frameAddress(sp, onAlt, p);
  const oldMask = p.savedMask ?? p.sigMask;
  p.savedMask = null;
  if (!p.space.copyOut(frame, buildFrame(p, info, oldMask))) {
    if (p.space.oomAt !== null) {
      k.oomKill(p);
      return false;
    }
    k.log(`${p.name}[${p.id}]: cannot push a signal frame for ${signalDescription(sig)} at sp 0x${sp.toString(16)}`);
    k.exit(p, 0, SIGSEGV, `${signalDescription(SIGSEGV)} (bad signal frame)`);
    return false;
  }
  p.sigMask = (p.sigMask | action.mask | (action.flags & SA_NODEFER ? 0n : sigbit(sig))) & ~UNBLOCKABLE;
  const handler = action.handler;
  if (action.flags & SA_RESETHAND) setAction(p.leader, sig, { handler: SIG_DFL, flags: 0, mask: 0n });
  p.regs[10] = sig;
  p.regs[11] = frame;
  p.regs[12] = frame + SIGINFO_SIZE;
  p.regs[2] = frame;
  p.regs[1] = SIGRETURN_TRAMPOLINE;
  p.pc = handler >>> 0;
  k.record(`signal:${sig}`, { pc: p.pc, insn: 0 }, `deliver ${signalDescription(sig)} to ${p.name}[${p.id}]`, 0);
  return true;
}

export { FRAME_SIZE };
