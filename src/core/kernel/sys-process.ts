// Process system calls: identity, clone (fork, vfork, threads), execve (ELF and #!
// scripts), exit and exit_group, wait4 and waitid, kill, process groups and sessions,
// sched_yield.

import {
  EACCES, EAGAIN, ECHILD, EINVAL, ELOOP, ENOEXEC, ENOMEM, EPERM, ESRCH, KernelError,
} from './errno.ts';
import { Block } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { canonicalPath, lookupPath } from './fs/path.ts';
import { CLD_CONTINUED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, NSIG, SIGCHLD, userInfo, validSignal } from './signal.ts';
import { sendSignal } from './signal-delivery.ts';
import { NO_RETURN, type SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyOut, readString, readStringArray, writeU32 } from './user-memory.ts';
import { execImage } from './exec.ts';
import { latin1 } from './bytes.ts';

const CLONE_VM = 0x100;
const CLONE_SIGHAND = 0x800;
const CLONE_VFORK = 0x4000;
const CLONE_PARENT = 0x8000;
const CLONE_THREAD = 0x10000;
const CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_CHILD_SETTID = 0x01000000;
/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: the container runtime's job. */
const CLONE_NEW_ANY = 0x7e020000;

const WNOHANG = 1;
const WUNTRACED = 2;
const WSTOPPED = 2;
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x01000000;
const WALL = 0x40000000;
const WCLONE = 0x80000000;
const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;

function sysExit(k: KernelServices, p: Process, [code]: readonly number[]): typeof NO_RETURN {
  if (p.leader.threads.size > 1) {
    p.leader.waitStatus = (code! & 0xff) << 8;
    k.exitThread(p);
  } else {
    k.exit(p, code!);
  }
  return NO_RETURN;
}

function sysExitGroup(k: KernelServices, p: Process, [code]: readonly number[]): typeof NO_RETURN {
  k.exit(p, code!);
  return NO_RETURN;
}

/**
 * clone(flags, stack, ptid, tls, ctid) — RISC-V passes tls before ctid (CLONE_BACKWARDS).
 * A new thread shares everything (CLONE_VM|CLONE_THREAD|CLONE_SIGHAND); without
 * CLONE_THREAD it is a process: vfork's CLONE_VM is honoured by a copy-on-write copy,
 * which a program cannot tell apart while the parent waits for exec or exit.
 */
function sysClone(k: KernelServices, p: Process, [flags, newsp, ptid, tls, ctid]: readonly number[]): number {
  const f = flags! >>> 0;
  const thread = (f & CLONE_THREAD) !== 0;
  if (thread && (!(f & CLONE_SIGHAND) || !(f & CLONE_VM))) throw new KernelError(EINVAL);
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) throw new KernelError(EINVAL);
  if (f & CLONE_NEW_ANY) throw new KernelError(EPERM);
  // The exit signal (the low byte) must be a signal, as clone3 requires: else EINVAL.
  if ((f & 0xff) > NSIG) throw new KernelError(EINVAL);
  const child = k.fork(p, thread);
  if (!child) {
    k.log(`fork rejected: pids.max of cgroup ${p.cgroup.path()} reached`);
    throw new KernelError(EAGAIN);
  }
  if (!thread) child.exitSignal = f & 0xff;
  if ((f & CLONE_PARENT) && !thread && p.leader.parent) {
    p.leader.children.delete(child);
    child.parent = p.leader.parent;
    p.leader.parent.children.add(child);
  }
  if (newsp) child.regs[2] = newsp;
  if (f & CLONE_SETTLS) child.regs[4] = tls!;
  const tid = p.ns.pid.pidOf(child);
  if (f & CLONE_PARENT_SETTID) writeU32(p, ptid!, tid);
  if (f & CLONE_CHILD_SETTID) child.space.copyOut(ctid! >>> 0, new StructWriter(4).u32(0, tid).bytes);
  if (f & CLONE_CHILD_CLEARTID) child.clearTid = ctid! >>> 0;
  if ((f & CLONE_VFORK) && !thread) {
    // The parent sleeps until the child execs or exits (it wakes the parent then).
    // Uninterruptible (no sleepKind): only a fatal signal ends the wait.
    child.vforkParent = p;
    k.sleepOn(p, child);
  }
  return tid;
}

/** Longest #! line Linux reads (BINPRM_BUF_SIZE). */
const SHEBANG_MAX = 256;

/**
 * execve: an ELF file replaces the image; a file starting with "#!" runs its interpreter
 * with the script's path as an argument (binfmt_script), up to 4 levels deep.
 */
function sysExecve(k: KernelServices, p: Process, [pathPtr, argvPtr, envpPtr]: readonly number[]): typeof NO_RETURN {
  const path = readString(p, pathPtr!);
  const argv = readStringArray(p, argvPtr!);
  const envp = readStringArray(p, envpPtr!);
  execPath(k, p, path, argv.length ? argv : [path], envp, 0);
  return NO_RETURN;
}

function executable(p: Process, path: string): Inode {
  const node = lookupPath({ root: p.root, cwd: p.cwd }, path);
  if (node.type === 'dir' || node.type !== 'file') throw new KernelError(EACCES);
  if (!(node.perm & 0o111)) throw new KernelError(EACCES);
  if (p.creds.uid !== 0 && !(node.perm & (node.uid === p.creds.uid ? 0o100 : 0o001))) throw new KernelError(EACCES);
  return node;
}

export function execPath(k: KernelServices, p: Process, path: string, argv: string[], envp: string[], depth: number): void {
  if (depth > 4) throw new KernelError(ELOOP);
  const node = executable(p, path);
  const head = node.contents().subarray(0, SHEBANG_MAX);
  if (head[0] === 0x23 && head[1] === 0x21) {
    const line = latin1(head.subarray(2, head.indexOf(10) < 0 ? head.length : head.indexOf(10))).trim();
    if (line === '') throw new KernelError(ENOEXEC);
    const space = line.search(/[ \t]/);
    const interp = space < 0 ? line : line.slice(0, space);
    const arg = space < 0 ? '' : line.slice(space).trim();
    const next = [interp, ...(arg ? [arg] : []), path, ...argv.slice(1)];
    execPath(k, p, interp, next, envp, depth + 1);
    return;
  }
  let image;
  try {
    image = k.loadProgramFile(node, path);
  } catch {
    throw new KernelError(ENOEXEC);
  }
  // Other threads end first (de_thread); then the image is replaced.
  for (const t of [...p.leader.threads]) if (t !== p) k.exitThread(t, true);
  if (!execImage(k, p, image, argv, envp)) throw new KernelError(ENOMEM);
  try {
    p.exePath = canonicalPath({ root: p.root, cwd: p.cwd }, path);
  } catch {
    p.exePath = path;
  }
  k.releaseVfork(p);
}

/** Which children a wait's id selects: -1/P_ALL any, >0 a pid, 0 or <-1 a process group. */
function selects(parent: Process, child: Process, idtype: number, id: number, options: number): boolean {
  // __WALL takes every child; otherwise a child whose exit signal is not SIGCHLD needs __WCLONE.
  if (!(options & WALL) && ((child.exitSignal !== SIGCHLD) !== ((options & WCLONE) !== 0))) return false;
  if (idtype === P_ALL) return true;
  if (idtype === P_PID) return parent.ns.pid.pidOf(child) === id;
  return child.pgid === id && child.ns.pid === parent.ns.pid;
}

interface WaitResult {
  pid: number;
  code: number;
  status: number;
  /** The wait4 status word. */
  word: number;
}

/** One pass over the children: a result, 0 for "none ready", or throws ECHILD. */
function waitOnce(k: KernelServices, p: Process, idtype: number, id: number, options: number): WaitResult | null {
  let any = false;
  for (const c of p.leader.children) {
    if (!selects(p, c, idtype, id, options)) continue;
    any = true;
    const pid = p.ns.pid.pidOf(c);
    if (c.state === 'zombie' && (options & WEXITED) && c.threads.size === 0) {
      const r = c.killedBy
        ? { pid, code: CLD_KILLED, status: c.killedBy, word: c.waitStatus }
        : { pid, code: CLD_EXITED, status: (c.waitStatus >> 8) & 0xff, word: c.waitStatus };
      if (!(options & WNOWAIT)) {
        p.leader.childCpuCycles += c.cpuCycles + c.childCpuCycles;
        k.reap(c);
      }
      return r;
    }
    const report = c.waitReport;
    if (report?.kind === 'stopped' && (options & WSTOPPED) && c.stopped) {
      if (!(options & WNOWAIT)) c.waitReport = null;
      return { pid, code: CLD_STOPPED, status: report.signal, word: (report.signal << 8) | 0x7f };
    }
    if (report?.kind === 'continued' && (options & WCONTINUED)) {
      if (!(options & WNOWAIT)) c.waitReport = null;
      return { pid, code: CLD_CONTINUED, status: 18, word: 0xffff };
    }
  }
  if (!any) throw new KernelError(ECHILD);
  return null;
}

/** wait4(pid, status, options, rusage): not on RV32 Linux, kept for hand-written programs. */
function sysWait4(k: KernelServices, p: Process, [pid, statusPtr, options, rusage]: readonly number[]): number | Block {
  const opts = (options! >>> 0);
  if (opts & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE)) throw new KernelError(EINVAL);
  const idtype = pid! < -1 ? P_PGID : pid === -1 ? P_ALL : pid === 0 ? P_PGID : P_PID;
  const id = pid! < -1 ? -pid! : pid === 0 ? p.leader.pgid : pid!;
  const r = waitOnce(k, p, idtype, id, opts | WEXITED);
  if (r) {
    if (statusPtr) writeU32(p, statusPtr, r.word);
    if (rusage) copyOut(p, rusage, new Uint8Array(72));
    return r.pid;
  }
  if (opts & WNOHANG) return 0;
  return new Block(p.leader);
}

/** waitid(idtype, id, infop, options, rusage): what musl's waitpid uses on RV32. */
function sysWaitid(k: KernelServices, p: Process, [idtype, id, infop, options, rusage]: readonly number[]): number | Block {
  const opts = options! >>> 0;
  if (opts & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WALL | WCLONE)) throw new KernelError(EINVAL);
  if (!(opts & (WEXITED | WSTOPPED | WCONTINUED))) throw new KernelError(EINVAL);
  if (idtype !== P_ALL && idtype !== P_PID && idtype !== P_PGID) throw new KernelError(EINVAL);
  if (idtype !== P_ALL && id! < 0) throw new KernelError(EINVAL);
  const pgid = idtype === P_PGID && id === 0 ? p.leader.pgid : id!;
  const r = waitOnce(k, p, idtype!, pgid, opts);
  if (!r && !(opts & WNOHANG)) return new Block(p.leader);
  if (infop) {
    const w = new StructWriter(128);
    if (r) w.u32(0, SIGCHLD).u32(8, r.code).u32(12, r.pid).u32(16, 0).u32(20, r.status);
    copyOut(p, infop, w.bytes);
  }
  if (rusage) copyOut(p, rusage, new Uint8Array(72));
  return 0;
}

function sysKill(k: KernelServices, p: Process, [pid, sig]: readonly number[]): number {
  return killPid(k, p, pid!, sig!);
}

/**
 * kill(2) from p: pid > 0 one process, 0 p's process group, -1 everything p may signal
 * (but init and p), < -1 the group -pid. Pids are p's namespace's: nothing outside it can
 * be named.
 */
export function killPid(k: KernelServices, p: Process, pid: number, sig: number): number {
  if (!validSignal(sig)) throw new KernelError(EINVAL);
  const targets: Process[] = [];
  if (pid > 0) {
    const t = p.ns.pid.task(pid) as Process | undefined;
    if (!t || t.state === 'zombie') throw new KernelError(ESRCH);
    targets.push(t.leader);
  } else {
    const group = pid === 0 ? p.leader.pgid : -pid;
    for (const task of p.ns.pid.tasks()) {
      const q = task as Process;
      if (q !== q.leader || q.state === 'zombie') continue;
      if (pid === -1) {
        if (p.ns.pid.pidOf(q) !== 1 && q !== p.leader) targets.push(q);
      } else if (q.pgid === group && q.ns.pid === p.ns.pid) {
        targets.push(q);
      }
    }
    if (targets.length === 0) throw new KernelError(ESRCH);
  }
  const allowed = targets.filter((t) => p.creds.uid === 0 || t.creds.uid === p.creds.uid);
  if (allowed.length === 0) throw new KernelError(EPERM);
  const info = userInfo(sig, p.pid, p.creds.uid);
  for (const t of allowed) if (!protectedInit(p, t, sig)) sendSignal(k, t, sig, info);
  return 0;
}

/**
 * A pid namespace's init gets from inside its own namespace only the signals it has a
 * handler for — not even SIGKILL (pid_namespaces(7)); kill() still succeeds. From an
 * ancestor namespace (the host) it can be killed. The kernel's own kills (OOM, faults)
 * do not come through here.
 */
export function protectedInit(sender: Process, target: Process, sig = 0): boolean {
  if (sender.ns.pid !== target.ns.pid || target.ns.pid.pidOf(target) !== 1) return false;
  const handler = target.leader.handlers.get(sig).handler;
  return sig === 9 || sig === 19 || handler <= 1;
}

function sysSchedYield(k: KernelServices, p: Process): number {
  // Go to the back of the run queue: end the slice by sleeping until now.
  k.sleepUntil(p, k.now);
  return 0;
}

/** The process a pid argument names (0: the caller), in the caller's namespace. */
function processArg(p: Process, pid: number): Process {
  if (pid === 0) return p.leader;
  if (pid < 0) throw new KernelError(EINVAL);
  const t = p.ns.pid.task(pid) as Process | undefined;
  if (!t || t.state === 'zombie') throw new KernelError(ESRCH);
  return t.leader;
}

/** setpgid(pid, pgid): job control moves a process into a group of its own session. */
function sysSetpgid(_k: KernelServices, p: Process, [pid, pgid]: readonly number[]): number {
  if (pgid! < 0) throw new KernelError(EINVAL);
  const t = processArg(p, pid!);
  if (t !== p.leader && t.parent !== p.leader) throw new KernelError(ESRCH);
  if (t.sid !== p.leader.sid) throw new KernelError(EPERM);
  if (t.sid === t.ns.pid.pidOf(t)) throw new KernelError(EPERM); // a session leader
  const group = pgid === 0 ? t.ns.pid.pidOf(t) : pgid!;
  if (group !== t.ns.pid.pidOf(t)) {
    let exists = false;
    for (const task of p.ns.pid.tasks()) {
      const q = task as Process;
      if (q.pgid === group && q.sid === p.leader.sid && q.state !== 'zombie') exists = true;
    }
    if (!exists) throw new KernelError(EPERM);
  }
  t.pgid = group;
  return 0;
}

function sysGetpgid(_k: KernelServices, p: Process, [pid]: readonly number[]): number {
  return processArg(p, pid!).pgid;
}

function sysGetsid(_k: KernelServices, p: Process, [pid]: readonly number[]): number {
  return processArg(p, pid!).sid;
}

/** setsid: a new session and group led by the caller, with no controlling terminal. */
function sysSetsid(k: KernelServices, p: Process): number {
  const me = p.leader;
  const pid = me.pid;
  for (const task of p.ns.pid.tasks()) {
    const q = task as Process;
    if (q.pgid === pid && q.state !== 'zombie') throw new KernelError(EPERM);
  }
  me.pgid = me.sid = pid;
  k.detachTerminal(me);
  return pid;
}

function sysSetTidAddress(_k: KernelServices, p: Process, [addr]: readonly number[]): number {
  p.clearTid = addr! >>> 0;
  return p.tid;
}

export const processSyscalls: SyscallTable = {
  [nr.SYS_exit]: { name: 'exit', handler: sysExit },
  [nr.SYS_exit_group]: { name: 'exit_group', handler: sysExitGroup },
  [nr.SYS_getpid]: { name: 'getpid', handler: (_k, p) => p.pid },
  [nr.SYS_gettid]: { name: 'gettid', handler: (_k, p) => p.tid },
  [nr.SYS_getppid]: { name: 'getppid', handler: (_k, p) => (p.leader.parent ? p.ns.pid.pidOf(p.leader.parent) : 0) },
  [nr.SYS_set_tid_address]: { name: 'set_tid_address', handler: sysSetTidAddress },
  [nr.SYS_clone]: { name: 'clone', handler: sysClone },
  [nr.SYS_execve]: { name: 'execve', handler: sysExecve },
  [nr.SYS_wait4]: { name: 'wait4', handler: sysWait4 },
  [nr.SYS_waitid]: { name: 'waitid', handler: sysWaitid },
  [nr.SYS_kill]: { name: 'kill', handler: sysKill },
  [nr.SYS_sched_yield]: { name: 'sched_yield', handler: sysSchedYield },
  [nr.SYS_setpgid]: { name: 'setpgid', handler: sysSetpgid },
  [nr.SYS_getpgid]: { name: 'getpgid', handler: sysGetpgid },
  [nr.SYS_getsid]: { name: 'getsid', handler: sysGetsid },
  [nr.SYS_setsid]: { name: 'setsid', handler: sysSetsid },
};
