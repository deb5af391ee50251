// Futexes (futex(2)): user-space locks whose slow path sleeps in the kernel. A waiter
// sleeps on a channel named by the futex word's address in its address space; FUTEX_WAKE
// wakes up to n of them. FUTEX_WAIT sleeps only while the word still holds the expected
// value (checked and slept atomically: nothing else runs in between on the one hart).

import type { AddressSpace } from './address-space.ts';
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT, KernelError } from './errno.ts';
import { Block } from './file.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { copyIn } from './user-memory.ts';
import { CORE_HZ } from '../isa/clock.ts';
import { EPOCH_AT_BOOT_S } from './sys-time.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** One wait queue per (address space, address), created on first use. */
class FutexQueue {
  /** Waiters in arrival order (FIFO wakeups). */
  readonly waiters: Process[] = [];
}

const queues = new WeakMap<AddressSpace, Map<number, FutexQueue>>();

function queue(space: AddressSpace, addr: number, create: boolean): FutexQueue | undefined {
  let m = queues.get(space);
  if (!m) {
    if (!create) return undefined;
    queues.set(space, (m = new Map()));
  }
  let q = m.get(addr);
  if (!q && create) m.set(addr, (q = new FutexQueue()));
  return q;
}

/** Wakes up to n waiters on the word at addr; returns how many woke. */
export function wakeFutex(k: KernelServices, space: AddressSpace, addr: number, n: number): number {
  const q = queue(space, addr >>> 0, false);
  if (!q) return 0;
  let woken = 0;
  while (woken < n && q.waiters.length > 0) {
    const p: Process = q.waiters.shift()!;
    if (p.state !== 'sleeping' || p.channel !== q) continue;
    k.scheduler.wakeOne(p);
    woken++;
  }
  if (q.waiters.length === 0) queues.get(space)?.delete(addr >>> 0);
  return woken;
}

function readWord(p: Process, addr: number): number {
  if (addr & 3) throw new KernelError(EINVAL);
  return new DataView(copyIn(p, addr, 4).buffer).getInt32(0, true);
}

/**
 * futex(uaddr, op, val, timeout, uaddr2, val3). `deadline` is the absolute virtual cycle a
 * wait gives up at (already converted from the timeout), or null for none.
 */
export function futex(k: KernelServices, p: Process, addr: number, op: number, val: number, deadline: number | null,
  addr2: number, val3: number): number | Block {
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  switch (cmd) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      if (cmd === FUTEX_WAIT_BITSET && val3 === 0) throw new KernelError(EINVAL);
      if (readWord(p, addr) !== val) throw new KernelError(EAGAIN);
      if (deadline !== null && deadline <= k.now) throw new KernelError(ETIMEDOUT);
      const q = queue(p.space, addr >>> 0, true)!;
      q.waiters.push(p);
      k.sleepOn(p, q, deadline ?? undefined);
      p.sleepKind = 'complete';
      p.timeoutResult = -ETIMEDOUT;
      return 0;
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET:
      return wakeFutex(k, p.space, addr, val >>> 0);
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
      if (cmd === FUTEX_CMP_REQUEUE && readWord(p, addr) !== val3) throw new KernelError(EAGAIN);
      const woken = wakeFutex(k, p.space, addr, val >>> 0);
      const from = queue(p.space, addr >>> 0, false);
      if (!from) return woken;
      const to = queue(p.space, addr2 >>> 0, true)!;
      // The rest move to the second word's queue without waking (limit: the timeout slot).
      for (const w of from.waiters.splice(0)) {
        if (w.state !== 'sleeping' || w.channel !== from) continue;
        to.waiters.push(w);
        k.scheduler.moveSleeper(w, from, to);
      }
      return woken;
    }
    default:
      throw new KernelError(ENOSYS);
  }
}

/** futex_time64(uaddr, op, val, timeout, uaddr2, val3): the timeout is a timespec64. */
function sysFutex(k: KernelServices, p: Process, [addr, op, val, timeout, addr2, val3]: readonly number[]): number | Block {
  const cmd = op! & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  let deadline: number | null = null;
  if (timeout && (cmd === FUTEX_WAIT || cmd === FUTEX_WAIT_BITSET)) {
    const v = new DataView(copyIn(p, timeout, 16).buffer);
    const sec = v.getUint32(0, true) + v.getInt32(4, true) * 2 ** 32;
    const nsec = v.getInt32(8, true);
    if (sec < 0 || nsec < 0 || nsec >= 1e9) throw new KernelError(EINVAL);
    const ns = sec * 1e9 + nsec;
    // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's is an absolute CLOCK_MONOTONIC (or REALTIME) time.
    const rel = cmd === FUTEX_WAIT ? ns : ns - (op! & FUTEX_CLOCK_REALTIME ? EPOCH_AT_BOOT_S * 1e9 : 0) - k.nowNs();
    deadline = k.now + Math.max(0, Math.ceil(rel * (CORE_HZ / 1e9)));
  }
  return futex(k, p, addr! >>> 0, op!, val!, deadline, addr2! >>> 0, val3!);
}

export const futexSyscalls: SyscallTable = {
  [nr.SYS_futex_time64]: { name: 'futex_time64', handler: sysFutex },
};
