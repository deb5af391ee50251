// Process system calls: identity, fork (clone), execve, exit, wait4, kill, sched_yield.

import { EAGAIN, ECHILD, EINVAL, ENOEXEC, ENOMEM, EACCES, ESRCH, KernelError } from './errno.ts';
import { Block } from './file.ts';
import type { Kernel } from './kernel.ts';
import type { Process } from './process.ts';
import { lookupPath } from './fs/path.ts';
import { validSignal } from './signal.ts';
import { NO_RETURN, type SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { readString, readStringArray, writeU32 } from './user-memory.ts';
import { execImage } from './exec.ts';

const CLONE_VM = 0x100;
const CLONE_VFORK = 0x4000;
const CLONE_THREAD = 0x10000;
const WNOHANG = 1;

function sysExit(k: Kernel, p: Process, [code]: readonly number[]): typeof NO_RETURN {
  k.exit(p, code!);
  return NO_RETURN;
}

/** clone as fork: a separate address space. Threads (CLONE_THREAD) are not supported. */
function sysClone(k: Kernel, p: Process, [flags, newsp]: readonly number[]): number {
  if (flags! & CLONE_THREAD) throw new KernelError(EINVAL);
  if ((flags! & CLONE_VM) && !(flags! & CLONE_VFORK)) throw new KernelError(EINVAL);
  const child = k.fork(p);
  if (!child) {
    k.log(`fork rejected: pids.max of cgroup ${p.cgroup.path()} reached`);
    throw new KernelError(EAGAIN);
  }
  if (newsp) child.regs[2] = newsp;
  return p.ns.pid.pidOf(child);
}

function sysExecve(k: Kernel, p: Process, [pathPtr, argvPtr, envpPtr]: readonly number[]): typeof NO_RETURN {
  const path = readString(p, pathPtr!);
  const argv = readStringArray(p, argvPtr!);
  const envp = readStringArray(p, envpPtr!);
  const node = lookupPath({ root: p.root, cwd: p.cwd }, path);
  if (node.type !== 'file') throw new KernelError(EACCES);
  if (p.creds.uid !== 0 && !(node.perm & 0o111)) throw new KernelError(EACCES);
  let image;
  try {
    image = k.loadProgramFile(node, path);
  } catch {
    throw new KernelError(ENOEXEC);
  }
  if (!execImage(k, p, image, argv.length ? argv : [path], envp)) throw new KernelError(ENOMEM);
  return NO_RETURN;
}

/** Which children a wait4 pid argument selects (process groups are treated as "any"). */
function matches(parent: Process, child: Process, pid: number): boolean {
  return pid <= 0 || parent.ns.pid.pidOf(child) === pid;
}

function sysWait4(k: Kernel, p: Process, [pid, statusPtr, options]: readonly number[]): number | Block {
  let any = false;
  for (const c of p.children) {
    if (!matches(p, c, pid!)) continue;
    any = true;
    if (c.state !== 'zombie') continue;
    if (statusPtr) writeU32(p, statusPtr, c.waitStatus);
    const cpid = p.ns.pid.pidOf(c);
    k.reap(c);
    return cpid;
  }
  if (!any) throw new KernelError(ECHILD);
  if (options! & WNOHANG) return 0;
  return new Block(p);
}

function sysKill(k: Kernel, p: Process, [pid, sig]: readonly number[]): number {
  return killPid(k, p, pid!, sig!);
}

/** kill(2) from p: pids are p's pid namespace's, so nothing outside it can be named. */
export function killPid(k: Kernel, p: Process, pid: number, sig: number): number {
  if (!validSignal(sig)) throw new KernelError(EINVAL);
  const targets: Process[] = [];
  if (pid > 0) {
    const t = p.ns.pid.task(pid) as Process | undefined;
    if (!t || t.state === 'zombie') throw new KernelError(ESRCH);
    targets.push(t);
  } else {
    // 0 and -1: every process this one can see (its namespace), except init for -1.
    for (const t of p.ns.pid.tasks()) {
      const q = t as Process;
      if (q.state !== 'zombie' && !(pid === -1 && (p.ns.pid.pidOf(q) === 1 || q === p))) targets.push(q);
    }
    if (targets.length === 0) throw new KernelError(ESRCH);
  }
  for (const t of targets) {
    if (p.creds.uid !== 0 && t.creds.uid !== p.creds.uid) throw new KernelError(1);
  }
  for (const t of targets) if (!protectedInit(p, t)) k.signal(t, sig);
  return 0;
}

/**
 * A pid namespace's init gets only the signals it has a handler for from inside its own
 * namespace, not even SIGKILL (pid_namespaces(7)); we model no handlers, so every signal
 * from inside is dropped and kill() still succeeds. From an ancestor namespace (the host)
 * it can be killed. The kernel's own kills (OOM, faults) do not come through here.
 */
export function protectedInit(sender: Process, target: Process): boolean {
  return sender.ns.pid === target.ns.pid && target.ns.pid.pidOf(target) === 1;
}

function sysSchedYield(k: Kernel, p: Process): number {
  // Go to the back of the run queue: end the slice by sleeping until now.
  k.sleepUntil(p, k.now);
  return 0;
}

export const processSyscalls: SyscallTable = {
  [nr.SYS_exit]: { name: 'exit', handler: sysExit },
  [nr.SYS_exit_group]: { name: 'exit_group', handler: sysExit },
  [nr.SYS_getpid]: { name: 'getpid', handler: (_k, p) => p.pid },
  [nr.SYS_gettid]: { name: 'gettid', handler: (_k, p) => p.pid },
  [nr.SYS_getppid]: { name: 'getppid', handler: (_k, p) => (p.parent ? p.ns.pid.pidOf(p.parent) : 0) },
  [nr.SYS_getuid]: { name: 'getuid', handler: (_k, p) => p.creds.uid },
  [nr.SYS_geteuid]: { name: 'geteuid', handler: (_k, p) => p.creds.uid },
  [nr.SYS_getgid]: { name: 'getgid', handler: (_k, p) => p.creds.gid },
  [nr.SYS_getegid]: { name: 'getegid', handler: (_k, p) => p.creds.gid },
  [nr.SYS_set_tid_address]: { name: 'set_tid_address', handler: (_k, p) => p.pid },
  [nr.SYS_clone]: { name: 'clone', handler: sysClone },
  [nr.SYS_execve]: { name: 'execve', handler: sysExecve },
  [nr.SYS_wait4]: { name: 'wait4', handler: sysWait4 },
  [nr.SYS_kill]: { name: 'kill', handler: sysKill },
  [nr.SYS_sched_yield]: { name: 'sched_yield', handler: sysSchedYield },
};
