// System-call dispatch (xv6 syscall.c): a7 selects a handler from the table, a0..a5 are
// its arguments and its result goes back in a0. Handlers live one file per group
// (sys-file.ts, sys-process.ts, ...). An unknown number returns -ENOSYS and is logged.

import { ENOSYS, KernelError } from './errno.ts';
import type { Kernel } from './kernel.ts';
import type { Process } from './process.ts';
import { fileSyscalls } from './sys-file.ts';
import { infoSyscalls } from './sys-info.ts';
import { memorySyscalls } from './sys-memory.ts';
import { processSyscalls } from './sys-process.ts';
import { timeSyscalls } from './sys-time.ts';
import { NO_RETURN, type SyscallArgs, type SyscallResult, type SyscallTable } from './syscall-types.ts';

export { NO_RETURN, type SyscallArgs, type SyscallResult, type SyscallTable };

export const SYSCALLS: SyscallTable = {
  ...fileSyscalls,
  ...processSyscalls,
  ...memorySyscalls,
  ...timeSyscalls,
  ...infoSyscalls,
};

/** Runs one system call for p; KernelError unwinds to -errno. */
export function dispatch(k: Kernel, p: Process, num: number, a: SyscallArgs): SyscallResult {
  const entry = SYSCALLS[num];
  if (!entry) {
    k.log(`${p.name}[${p.id}]: unknown system call ${num} -> ENOSYS`);
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
