// Time system calls over the virtual clock: clock_gettime and nanosleep in their
// 32-bit-time forms (113, 101) and the 64-bit-time forms RV32 C libraries call (403, 407).

import { EFAULT, EINVAL, ENOSYS, KernelError } from './errno.ts';
import { CORE_HZ } from '../isa/clock.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut } from './user-memory.ts';

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;
/** The realtime clock starts at a fixed date (2024-01-01T00:00:00Z) so runs reproduce. */
export const EPOCH_AT_BOOT_S = 1704067200;

function clockNs(k: KernelServices, p: Process, clock: number): number {
  switch (clock) {
    case CLOCK_REALTIME: return EPOCH_AT_BOOT_S * 1e9 + k.nowNs();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME: return k.nowNs();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: return p.cpuCycles * (1e9 / CORE_HZ);
    default: throw new KernelError(EINVAL);
  }
}

function writeTimespec(p: Process, addr: number, ns: number, wide: boolean): void {
  const sec = Math.floor(ns / 1e9);
  const nsec = Math.floor(ns % 1e9);
  const w = wide ? new StructWriter(16).u64(0, sec).u32(8, nsec) : new StructWriter(8).u32(0, sec).u32(4, nsec);
  copyOut(p, addr, w.bytes);
}

function readTimespec(p: Process, addr: number, wide: boolean): number {
  if (addr === 0) throw new KernelError(EFAULT);
  const v = new DataView(copyIn(p, addr, wide ? 16 : 8).buffer);
  const sec = wide ? v.getUint32(0, true) + v.getInt32(4, true) * 2 ** 32 : v.getInt32(0, true);
  const nsec = v.getInt32(wide ? 8 : 4, true);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) throw new KernelError(EINVAL);
  return sec * 1e9 + nsec;
}

const gettime = (wide: boolean) => (k: KernelServices, p: Process, [clock, tp]: readonly number[]): number => {
  writeTimespec(p, tp!, clockNs(k, p, clock!), wide);
  return 0;
};

/** Sleeps in virtual time: the process is off the run queue until the clock passes. A
 * signal handler ends the sleep early with -EINTR. */
function sleepFor(k: KernelServices, p: Process, ns: number): number {
  k.sleepUntil(p, k.now + Math.ceil(ns * (CORE_HZ / 1e9)));
  p.sleepKind = 'complete';
  return 0;
}

/** gettimeofday(tv, tz): struct timeval {tv_sec, tv_usec} of 32-bit longs (other libcs). */
function sysGettimeofday(k: KernelServices, p: Process, [tv, tz]: readonly number[]): number {
  const ns = clockNs(k, p, CLOCK_REALTIME);
  if (tv) copyOut(p, tv, new StructWriter(8).u32(0, Math.floor(ns / 1e9)).u32(4, Math.floor((ns % 1e9) / 1000)).bytes);
  if (tz) copyOut(p, tz, new Uint8Array(8));
  return 0;
}

/** clock_getres: the virtual clock ticks every cycle (10 ns at 100 MHz). */
function sysClockGetres(k: KernelServices, p: Process, [clock, res]: readonly number[]): number {
  clockNs(k, p, clock!);
  if (res) writeTimespec(p, res, 1e9 / CORE_HZ, true);
  return 0;
}

const TICKS_PER_SECOND = 100;
const ticks = (cycles: number): number => Math.floor((cycles * TICKS_PER_SECOND) / CORE_HZ);

/** times(buf): struct tms in clock ticks (USER_HZ 100); returns ticks since boot. */
function sysTimes(k: KernelServices, p: Process, [buf]: readonly number[]): number {
  if (buf) {
    copyOut(p, buf, new StructWriter(16).u32(0, ticks(p.leader.cpuCycles)).u32(8, ticks(p.leader.childCpuCycles)).bytes);
  }
  return ticks(k.now) | 0;
}

/** getrusage(who, usage): user time as CPU time, with 64-bit time fields (rv32 struct rusage is 32-bit longs). */
function sysGetrusage(_k: KernelServices, p: Process, [who, usage]: readonly number[]): number {
  if (who !== 0 && who !== -1 && who !== 1) throw new KernelError(EINVAL);
  const cycles = who === -1 ? p.leader.childCpuCycles : p.leader.cpuCycles;
  const us = Math.floor((cycles * 1e6) / CORE_HZ);
  copyOut(p, usage!, new StructWriter(72).u32(0, Math.floor(us / 1e6)).u32(4, us % 1e6).bytes);
  return 0;
}

function sysNanosleep(k: KernelServices, p: Process, [req]: readonly number[]): number {
  return sleepFor(k, p, readTimespec(p, req!, false));
}

function sysClockNanosleep64(k: KernelServices, p: Process, [clock, flags, req]: readonly number[]): number {
  const t = readTimespec(p, req!, true);
  const ns = flags! & TIMER_ABSTIME ? t - clockNs(k, p, clock!) : (clockNs(k, p, clock!), t);
  return sleepFor(k, p, Math.max(0, ns));
}

const ITIMER_REAL = 0;
const cyclesPerUs = CORE_HZ / 1e6;

/** struct itimerval {interval, value} of two 32-bit timevals, from cycles. */
function itimerBytes(k: KernelServices, p: Process): Uint8Array {
  const left = p.alarmAt > 0 ? Math.max(1, Math.ceil((p.alarmAt - k.now) / cyclesPerUs)) : 0;
  const every = Math.round(p.alarmInterval / cyclesPerUs);
  return new StructWriter(16).u32(0, Math.floor(every / 1e6)).u32(4, every % 1e6)
    .u32(8, Math.floor(left / 1e6)).u32(12, left % 1e6).bytes;
}

/** getitimer/setitimer: ITIMER_REAL sends SIGALRM in virtual time (what alarm() uses). */
function sysGetitimer(k: KernelServices, p: Process, [which, value]: readonly number[]): number {
  if (which !== ITIMER_REAL) throw new KernelError(which === 1 || which === 2 ? ENOSYS : EINVAL);
  copyOut(p, value!, itimerBytes(k, p));
  return 0;
}

function sysSetitimer(k: KernelServices, p: Process, [which, value, old]: readonly number[]): number {
  if (which !== ITIMER_REAL) throw new KernelError(which === 1 || which === 2 ? ENOSYS : EINVAL);
  const v = new DataView(copyIn(p, value!, 16).buffer);
  const us = (at: number): number => {
    const sec = v.getInt32(at, true);
    const usec = v.getInt32(at + 4, true);
    if (sec < 0 || usec < 0 || usec >= 1e6) throw new KernelError(EINVAL);
    return sec * 1e6 + usec;
  };
  const interval = us(0);
  const first = us(8);
  if (old) copyOut(p, old, itimerBytes(k, p));
  const leader = p.leader;
  leader.alarmInterval = Math.round(interval * cyclesPerUs);
  leader.alarmAt = first > 0 ? k.now + Math.max(1, Math.round(first * cyclesPerUs)) : 0;
  k.scheduler.armAlarm(leader);
  return 0;
}

export const timeSyscalls: SyscallTable = {
  [nr.SYS_getitimer]: { name: 'getitimer', handler: sysGetitimer },
  [nr.SYS_setitimer]: { name: 'setitimer', handler: sysSetitimer },
  [nr.SYS_gettimeofday]: { name: 'gettimeofday', handler: sysGettimeofday },
  [nr.SYS_clock_getres_time64]: { name: 'clock_getres_time64', handler: sysClockGetres },
  [nr.SYS_times]: { name: 'times', handler: sysTimes },
  [nr.SYS_getrusage]: { name: 'getrusage', handler: sysGetrusage },
  [nr.SYS_clock_gettime]: { name: 'clock_gettime', handler: gettime(false) },
  [nr.SYS_clock_gettime64]: { name: 'clock_gettime64', handler: gettime(true) },
  [nr.SYS_nanosleep]: { name: 'nanosleep', handler: sysNanosleep },
  [nr.SYS_clock_nanosleep_time64]: { name: 'clock_nanosleep_time64', handler: sysClockNanosleep64 },
};
