// Credentials and per-process settings: uids and gids (real = effective = saved here),
// supplementary groups, umask, prctl names, resource limits, priorities, and the calls
// libc makes at start-up that need only a plausible answer (set_robust_list, membarrier).

import { EINVAL, EPERM, ESRCH, KernelError } from './errno.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { utf8Decode, utf8Encode } from './bytes.ts';
import { STACK_MAX } from './exec.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut, writeU32 } from './user-memory.ts';

const PR_SET_PDEATHSIG = 1;
const PR_GET_PDEATHSIG = 2;
const PR_GET_DUMPABLE = 3;
const PR_SET_DUMPABLE = 4;
const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;
const PR_SET_CHILD_SUBREAPER = 36;

/** setuid/setgid family: root may become anyone; others only who they already are. */
function setId(p: Process, field: 'uid' | 'gid', ...ids: number[]): number {
  const want = ids.filter((id) => id !== -1);
  for (const id of want) {
    if (p.creds.uid !== 0 && id !== p.creds[field]) throw new KernelError(EPERM);
    if (id < -1) throw new KernelError(EINVAL);
  }
  const last = want[want.length - 1];
  if (last !== undefined) p.creds[field] = last >>> 0;
  return 0;
}

function getRes(p: Process, field: 'uid' | 'gid', ptrs: readonly number[]): number {
  for (const ptr of ptrs.slice(0, 3)) writeU32(p, ptr, p.creds[field]);
  return 0;
}

/** getgroups: one supplementary group, the primary one. */
function sysGetgroups(_k: KernelServices, p: Process, [size, list]: readonly number[]): number {
  if (size! < 0) throw new KernelError(EINVAL);
  if (size === 0) return 1;
  writeU32(p, list!, p.creds.gid);
  return 1;
}

function sysSetgroups(_k: KernelServices, p: Process): number {
  if (p.creds.uid !== 0) throw new KernelError(EPERM);
  return 0;
}

function sysUmask(_k: KernelServices, p: Process, [mask]: readonly number[]): number {
  const old = p.umask;
  p.umask = mask! & 0o777;
  return old;
}

function sysPrctl(_k: KernelServices, p: Process, [option, arg2]: readonly number[]): number {
  switch (option) {
    case PR_SET_NAME: {
      const b = copyIn(p, arg2!, 16);
      const end = b.indexOf(0);
      p.name = utf8Decode(b.subarray(0, end < 0 ? 15 : Math.min(end, 15)));
      return 0;
    }
    case PR_GET_NAME: {
      const out = new Uint8Array(16);
      out.set(utf8Encode(p.name).subarray(0, 15));
      copyOut(p, arg2!, out);
      return 0;
    }
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: case PR_SET_PDEATHSIG: case PR_SET_NO_NEW_PRIVS: case PR_SET_CHILD_SUBREAPER: return 0;
    case PR_GET_PDEATHSIG: writeU32(p, arg2!, 0); return 0;
    case PR_GET_NO_NEW_PRIVS: return 0;
    default: throw new KernelError(EINVAL);
  }
}

const RLIM_INFINITY = 2 ** 64 - 1;
const RLIMIT_STACK = 3;
const RLIMIT_CORE = 4;
const RLIMIT_NPROC = 6;
const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;

/** The limits every process has (ulimit -a); RLIMIT_NOFILE is the descriptor table's size. */
function limitOf(k: KernelServices, p: Process, resource: number): [number, number] {
  switch (resource) {
    case RLIMIT_STACK: return [STACK_MAX, RLIM_INFINITY];
    case RLIMIT_CORE: return [0, RLIM_INFINITY];
    case RLIMIT_NOFILE: return [256, 256];
    case RLIMIT_NPROC: {
      const max = p.cgroup.pidsMax === Infinity ? k.rootCgroup.pidsMax : p.cgroup.pidsMax;
      return [max, max];
    }
    default: return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

/** prlimit64(pid, resource, new, old): limits can be read; setting them is accepted and ignored. */
function sysPrlimit64(k: KernelServices, p: Process, [pid, resource, newLimit, oldLimit]: readonly number[]): number {
  if (resource! < 0 || resource! >= RLIM_NLIMITS) throw new KernelError(EINVAL);
  const t = pid === 0 ? p : (p.ns.pid.task(pid!) as Process | undefined);
  if (!t) throw new KernelError(ESRCH);
  const [cur, max] = limitOf(k, t, resource!);
  if (newLimit) {
    const v = new DataView(copyIn(p, newLimit, 16).buffer);
    const soft = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
    const hard = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
    if (soft > hard) throw new KernelError(EINVAL);
    if (hard > max && p.creds.uid !== 0) throw new KernelError(EPERM);
  }
  if (oldLimit) copyOut(p, oldLimit, new StructWriter(16).u64(0, cur).u64(8, max).bytes);
  return 0;
}

function sysGetrlimit(k: KernelServices, p: Process, [resource, rlim]: readonly number[]): number {
  if (resource! < 0 || resource! >= RLIM_NLIMITS) throw new KernelError(EINVAL);
  const [cur, max] = limitOf(k, p, resource!);
  const clamp = (v: number): number => (v >= 2 ** 32 ? 0xffffffff : v);
  copyOut(p, rlim!, new StructWriter(8).u32(0, clamp(cur)).u32(4, clamp(max)).bytes);
  return 0;
}

/** sched_getaffinity: one CPU (the one hart). */
function sysSchedGetaffinity(_k: KernelServices, p: Process, [, size, mask]: readonly number[]): number {
  if (size! < 4 || (size! & 3)) throw new KernelError(EINVAL);
  copyOut(p, mask!, new StructWriter(4).u32(0, 1).bytes);
  return 4;
}

const SYSLOG_ACTION_READ = 2;
const SYSLOG_ACTION_READ_ALL = 3;
const SYSLOG_ACTION_READ_CLEAR = 4;
const SYSLOG_ACTION_SIZE_UNREAD = 9;
const SYSLOG_ACTION_SIZE_BUFFER = 10;

/** syslog(2) for dmesg: the kernel's messages, each "<6>[time] text". */
function sysSyslog(k: KernelServices, p: Process, [type, buf, len]: readonly number[]): number {
  const text = utf8Encode(k.messages.map((m) => `<6>${m}\n`).join(''));
  switch (type) {
    case SYSLOG_ACTION_READ: case SYSLOG_ACTION_READ_ALL: case SYSLOG_ACTION_READ_CLEAR: {
      if (len! < 0) throw new KernelError(EINVAL);
      const out = text.subarray(Math.max(0, text.length - len!));
      copyOut(p, buf!, out);
      if (type === SYSLOG_ACTION_READ_CLEAR && p.creds.uid === 0) k.messages.splice(0);
      return out.length;
    }
    case SYSLOG_ACTION_SIZE_UNREAD: case SYSLOG_ACTION_SIZE_BUFFER: return Math.max(text.length, 1 << 14);
    case 0: case 1: case 5: case 6: case 7: case 8: return 0;
    default: throw new KernelError(EINVAL);
  }
}

const SCHED_OTHER = 0;

export const identitySyscalls: SyscallTable = {
  [nr.SYS_syslog]: { name: 'syslog', handler: sysSyslog },
  [nr.SYS_sched_getscheduler]: { name: 'sched_getscheduler', handler: () => SCHED_OTHER },
  [nr.SYS_sched_getparam]: { name: 'sched_getparam', handler: (_k, p, a) => { writeU32(p, a[1], 0); return 0; } },
  [nr.SYS_sched_setscheduler]: { name: 'sched_setscheduler', handler: (_k, _p, a) => { if (a[1] !== SCHED_OTHER) throw new KernelError(EPERM); return 0; } },
  [nr.SYS_sched_get_priority_max]: { name: 'sched_get_priority_max', handler: (_k, _p, a) => (a[0] === 1 || a[0] === 2 ? 99 : 0) },
  [nr.SYS_sched_get_priority_min]: { name: 'sched_get_priority_min', handler: (_k, _p, a) => (a[0] === 1 || a[0] === 2 ? 1 : 0) },
  [nr.SYS_ioprio_get]: { name: 'ioprio_get', handler: () => 0 },
  [nr.SYS_ioprio_set]: { name: 'ioprio_set', handler: () => 0 },
  [nr.SYS_getuid]: { name: 'getuid', handler: (_k, p) => p.creds.uid },
  [nr.SYS_geteuid]: { name: 'geteuid', handler: (_k, p) => p.creds.uid },
  [nr.SYS_getgid]: { name: 'getgid', handler: (_k, p) => p.creds.gid },
  [nr.SYS_getegid]: { name: 'getegid', handler: (_k, p) => p.creds.gid },
  [nr.SYS_setuid]: { name: 'setuid', handler: (_k, p, a) => setId(p, 'uid', a[0]) },
  [nr.SYS_setgid]: { name: 'setgid', handler: (_k, p, a) => setId(p, 'gid', a[0]) },
  [nr.SYS_setreuid]: { name: 'setreuid', handler: (_k, p, a) => setId(p, 'uid', a[0], a[1]) },
  [nr.SYS_setregid]: { name: 'setregid', handler: (_k, p, a) => setId(p, 'gid', a[0], a[1]) },
  [nr.SYS_setresuid]: { name: 'setresuid', handler: (_k, p, a) => setId(p, 'uid', a[0], a[1], a[2]) },
  [nr.SYS_setresgid]: { name: 'setresgid', handler: (_k, p, a) => setId(p, 'gid', a[0], a[1], a[2]) },
  [nr.SYS_getresuid]: { name: 'getresuid', handler: (_k, p, a) => getRes(p, 'uid', a) },
  [nr.SYS_getresgid]: { name: 'getresgid', handler: (_k, p, a) => getRes(p, 'gid', a) },
  [nr.SYS_getgroups]: { name: 'getgroups', handler: sysGetgroups },
  [nr.SYS_setgroups]: { name: 'setgroups', handler: sysSetgroups },
  [nr.SYS_umask]: { name: 'umask', handler: sysUmask },
  [nr.SYS_prctl]: { name: 'prctl', handler: sysPrctl },
  [nr.SYS_prlimit64]: { name: 'prlimit64', handler: sysPrlimit64 },
  [nr.SYS_getrlimit]: { name: 'getrlimit', handler: sysGetrlimit },
  [nr.SYS_setrlimit]: { name: 'setrlimit', handler: () => 0 },
  [nr.SYS_getpriority]: { name: 'getpriority', handler: () => 20 },
  [nr.SYS_setpriority]: { name: 'setpriority', handler: () => 0 },
  [nr.SYS_sched_getaffinity]: { name: 'sched_getaffinity', handler: sysSchedGetaffinity },
  [nr.SYS_set_robust_list]: { name: 'set_robust_list', handler: (_k, _p, a) => { if (a[1] !== 12) throw new KernelError(EINVAL); return 0; } },
  [nr.SYS_membarrier]: { name: 'membarrier', handler: () => 0 },
  [nr.SYS_personality]: { name: 'personality', handler: () => 0 },
  [nr.SYS_capget]: { name: 'capget', handler: (_k, p, a) => { if (a[1]) copyOut(p, a[1], new Uint8Array(24).fill(p.creds.uid === 0 ? 0xff : 0)); return 0; } },
};
