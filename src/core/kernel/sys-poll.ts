// Waiting for several descriptors at once: ppoll_time64 and pselect6_time64 (RV32 has no
// plain poll/select). Each open file says whether it is ready and which channel to sleep
// on (OpenFile.poll); the caller sleeps on all of them and the call runs again when any
// is woken, until something is ready or the deadline passes. A signal handler ends it
// with -EINTR (never restarted, as Linux's ERESTARTNOHAND).

import { CORE_HZ } from '../isa/clock.ts';
import { EBADF, EINVAL, KernelError } from './errno.ts';
import { Block } from './file.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { UNBLOCKABLE } from './signal.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { copyIn, copyOut } from './user-memory.ts';

const POLLIN = 0x1;
const POLLPRI = 0x2;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;
const MAX_POLL_FDS = 1024;

/** A timespec64 (16 bytes) as a deadline in cycles from now; null for "no timeout". */
function deadlineOf(k: KernelServices, p: Process, addr: number): number | null {
  if (p.deadline !== null) return p.deadline;
  if (!addr) return null;
  const v = new DataView(copyIn(p, addr, 16).buffer);
  const sec = v.getUint32(0, true) + v.getInt32(4, true) * 2 ** 32;
  const nsec = v.getInt32(8, true);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) throw new KernelError(EINVAL);
  return k.now + Math.ceil((sec * 1e9 + nsec) * (CORE_HZ / 1e9));
}

/** ppoll/pselect's temporary signal mask, put back when the call returns. */
function useMask(p: Process, addr: number, size: number): void {
  if (!addr || p.savedMask !== null) return;
  if (size !== 8) throw new KernelError(EINVAL);
  const v = new DataView(copyIn(p, addr, 8).buffer);
  p.savedMask = p.sigMask;
  p.sigMask = (BigInt(v.getUint32(0, true)) | (BigInt(v.getUint32(4, true)) << 32n)) & ~UNBLOCKABLE;
}

/** The call is over: the mask and the deadline were only for it. */
function done(p: Process, result: number): number {
  if (p.savedMask !== null) {
    p.sigMask = p.savedMask;
    p.savedMask = null;
  }
  p.deadline = null;
  return result;
}

/** Sleep until a channel wakes or the deadline; the call then runs again. */
function wait(k: KernelServices, p: Process, channels: object[], deadline: number | null): Block | number {
  if (deadline !== null && deadline <= k.now) return done(p, 0);
  p.deadline = deadline;
  // Nothing to wait for but a signal (or the deadline): sleep on the thread itself.
  if (channels.length === 0 && deadline === null) return new Block(p, 'eintr');
  const [first, ...others] = channels.length > 0 ? channels : [p];
  return new Block(first!, 'eintr', others, deadline);
}

function sysPpoll(k: KernelServices, p: Process, [fds, nfds, tmo, sigmask, sigsetsize]: readonly number[]): number | Block {
  const n = nfds! >>> 0;
  if (n > MAX_POLL_FDS) throw new KernelError(EINVAL);
  const deadline = deadlineOf(k, p, tmo!);
  useMask(p, sigmask!, sigsetsize!);
  const bytes = copyIn(p, fds!, n * 8);
  const v = new DataView(bytes.buffer);
  let ready = 0;
  const channels: object[] = [];
  for (let i = 0; i < n; i++) {
    const fd = v.getInt32(i * 8, true);
    const events = v.getUint16(i * 8 + 4, true);
    let revents = 0;
    if (fd >= 0) {
      const f = p.files[fd];
      if (!f) revents = POLLNVAL;
      else {
        const s = f.poll();
        if (s.readable && (events & (POLLIN | POLLRDNORM))) revents |= events & (POLLIN | POLLRDNORM);
        if (s.writable && (events & (POLLOUT | POLLWRNORM))) revents |= events & (POLLOUT | POLLWRNORM);
        if (s.hangup) revents |= f.writable && !f.readable ? POLLERR : POLLHUP;
        if (s.channel && !channels.includes(s.channel)) channels.push(s.channel);
      }
    }
    v.setUint16(i * 8 + 6, revents & ~POLLPRI, true);
    if (revents) ready++;
  }
  if (ready > 0 || (tmo && deadline !== null && deadline <= k.now)) {
    copyOut(p, fds!, bytes);
    return done(p, ready);
  }
  return wait(k, p, channels, deadline);
}

/** pselect6_time64(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}). */
function sysPselect6(k: KernelServices, p: Process, [nfds, rd, wr, ex, tmo, sig]: readonly number[]): number | Block {
  const n = nfds!;
  if (n < 0 || n > MAX_POLL_FDS) throw new KernelError(EINVAL);
  const words = Math.ceil(n / 32);
  const deadline = deadlineOf(k, p, tmo!);
  if (sig) {
    const s = new DataView(copyIn(p, sig, 8).buffer);
    useMask(p, s.getUint32(0, true), s.getUint32(4, true));
  }
  const read = (addr: number): Uint32Array => (addr ? new Uint32Array(copyIn(p, addr, words * 4).buffer) : new Uint32Array(words));
  const sets = [read(rd!), read(wr!), read(ex!)];
  const out = [new Uint32Array(words), new Uint32Array(words), new Uint32Array(words)];
  let ready = 0;
  const channels: object[] = [];
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 31);
    const w = fd >> 5;
    if (!((sets[0]![w]! | sets[1]![w]! | sets[2]![w]!) & bit)) continue;
    const f = p.files[fd];
    if (!f) throw new KernelError(EBADF);
    const s = f.poll();
    if ((sets[0]![w]! & bit) && (s.readable || s.hangup)) {
      out[0]![w] = out[0]![w]! | bit;
      ready++;
    }
    if ((sets[1]![w]! & bit) && (s.writable || s.hangup)) {
      out[1]![w] = out[1]![w]! | bit;
      ready++;
    }
    if (s.channel && !channels.includes(s.channel)) channels.push(s.channel);
  }
  if (ready > 0 || (tmo && deadline !== null && deadline <= k.now)) {
    [rd, wr, ex].forEach((addr, i) => {
      if (addr) copyOut(p, addr, new Uint8Array(out[i]!.buffer));
    });
    return done(p, ready);
  }
  return wait(k, p, channels, deadline);
}

export const pollSyscalls: SyscallTable = {
  [nr.SYS_ppoll_time64]: { name: 'ppoll_time64', handler: sysPpoll },
  [nr.SYS_pselect6_time64]: { name: 'pselect6_time64', handler: sysPselect6 },
};
