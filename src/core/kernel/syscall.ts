// System-call dispatch (xv6 syscall.c): a7 selects a handler from the table, a0..a5 are
// its arguments and its result goes back in a0. Handlers live one file per group
// (sys-file.ts, sys-process.ts, ...). An unknown number returns -ENOSYS and is counted
// (/proc/trapdoor/enosys) and logged once.

import { ENOSYS, KernelError } from './errno.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { fileSyscalls } from './sys-file.ts';
import { infoSyscalls } from './sys-info.ts';
import { memorySyscalls } from './sys-memory.ts';
import { processSyscalls } from './sys-process.ts';
import { timeSyscalls } from './sys-time.ts';
import { signalSyscalls } from './sys-signal.ts';
import { identitySyscalls } from './sys-identity.ts';
import { fsSyscalls } from './sys-fs.ts';
import { pollSyscalls } from './sys-poll.ts';
import { futexSyscalls } from './futex.ts';
import { syscallNameOrNumber } from './syscall-names.ts';
import { NO_RETURN, type SyscallArgs, type SyscallResult, type SyscallTable } from './syscall-types.ts';

export { NO_RETURN, type SyscallArgs, type SyscallResult, type SyscallTable };

export const SYSCALLS: SyscallTable = {
  ...fileSyscalls,
  ...processSyscalls,
  ...memorySyscalls,
  ...timeSyscalls,
  ...infoSyscalls,
  ...signalSyscalls,
  ...identitySyscalls,
  ...fsSyscalls,
  ...pollSyscalls,
  ...futexSyscalls,
};

/** Runs one system call for p; KernelError unwinds to -errno. */
export function dispatch(k: KernelServices, p: Process, num: number, a: SyscallArgs): SyscallResult {
  const entry = SYSCALLS[num];
  if (!entry) {
    // Counted per number for /proc/trapdoor/enosys; logged the first time only.
    const seen = k.enosys.get(num) ?? 0;
    k.enosys.set(num, seen + 1);
    const name = syscallNameOrNumber(num);
    const known = name.startsWith('syscall_') ? '' : ` (${name})`;
    if (seen === 0) k.log(`${p.name}[${p.id}]: unknown system call ${num}${known} -> ENOSYS`);
    return -ENOSYS;
  }
  try {
    return entry.handler(k, p, a);
  } catch (e) {
    if (e instanceof KernelError) return -e.errno;
    throw e;
  }
}

/** The name of a system call number, for logs and the exit timeline. */
export function syscallName(num: number): string {
  return SYSCALLS[num]?.name ?? `syscall_${num}`;
}
