// A process (xv6 struct proc): saved user registers, an address space, open files, a
// working directory, a parent, and the namespace set and cgroup that confine it.

import type { AddressSpace } from './address-space.ts';
import type { Cgroup } from './cgroup.ts';
import type { OpenFile, SleepKind } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { NamespaceSet } from './namespace.ts';
import { SIGCHLD, SignalHandlers, type SigInfo } from './signal.ts';

/** No alternate signal stack (shared: altStack objects are replaced, never changed). */
export const NO_ALT_STACK = Object.freeze({ sp: 0, size: 0 });

export type ProcessState = 'runnable' | 'sleeping' | 'zombie';

/** What the parent's wait can report besides an exit (WUNTRACED, WCONTINUED). */
export type WaitReport = { kind: 'stopped'; signal: number } | { kind: 'continued' } | null;

export interface Credentials {
  uid: number;
  gid: number;
}

export class Process {
  /** x0..x31 while the process is not on the hart. */
  readonly regs = new Int32Array(32);
  pc = 0;
  state: ProcessState = 'runnable';
  /** The channel a sleeping process waits on (xv6 p->chan); null for a timed sleep. */
  channel: object | null = null;
  /** poll: every channel whose wakeup ends this sleep (channel is the first of them). */
  waitChannels: object[] | null = null;
  /** A timed sleep's wake-up cycle (nanosleep, a wait with a timeout); -1 when untimed. */
  wakeAt = -1;
  files: (OpenFile | null)[] = [];
  /** Program break: heap is [brkStart, brk). */
  brkStart = 0;
  brk = 0;
  /** Next address for an anonymous mmap without a hint. */
  mmapNext = 0x40000000;
  readonly children = new Set<Process>();
  /** wait4 status word once a zombie: (code << 8) for exit, the signal number if killed. */
  waitStatus = 0;
  /** Set when killed by a signal (for the wait status and the runner's report). */
  killedBy = 0;
  /** Why the kernel killed it, in words ("Segmentation fault at 0x0"). */
  killReason = '';
  /** The command name (comm), from the last execve'd path. */
  name = '';
  argv: string[] = [];
  /** Accounting. */
  instructions = 0;
  cpuCycles = 0;
  syscalls = 0;
  startCycle = 0;
  /** A host-side process (the shell, written in TypeScript): it has no user code and is
   * never scheduled on the hart; its system calls come through a KernelPort. */
  host = false;
  /** In the scheduler's run queue (not running, not asleep). */
  queued = false;

  // ---- threads (CLONE_THREAD): a thread group shares memory, descriptors and handlers --
  /** The thread group's leader, whose pid is the group's (getpid); itself when alone. */
  leader: Process = this;
  /** On the leader: every live thread of the group, the leader included. */
  readonly threads = new Set<Process>([this]);
  /** CLONE_CHILD_CLEARTID / set_tid_address: zeroed and futex-woken at exit. */
  clearTid = 0;
  /** The signal the parent gets when this process ends (clone's low byte; SIGCHLD for fork). */
  exitSignal = SIGCHLD;

  // ---- job control: process group and session, as pids in the process's own namespace --
  pgid = 0;
  sid = 0;

  // ---- signals -------------------------------------------------------------------------
  handlers = SignalHandlers.DEFAULT;
  /** Blocked signals (rt_sigprocmask), bit n-1 for signal n. */
  sigMask = 0n;
  /** Generated but not yet delivered, and what each carries. */
  sigPending = 0n;
  /** What each pending signal carries (created on the first signal: most processes get none). */
  sigInfo: Map<number, SigInfo> | null = null;
  /** sigaltstack: the alternate stack's base and size (0 = none). */
  altStack: { readonly sp: number; readonly size: number } = NO_ALT_STACK;
  /** Stopped by SIGSTOP/SIGTSTP/...: never scheduled until SIGCONT. */
  stopped = false;
  waitReport: WaitReport = null;
  /** Set while asleep inside a system call: how a signal handler ends that call. */
  sleepKind: SleepKind | null = null;
  /** rt_sigsuspend / ppoll: the mask to put back once a handler has run. */
  savedMask: bigint | null = null;
  /** A poll's or futex wait's deadline across restarts (virtual cycle), or null. */
  deadline: number | null = null;
  /** What a 'complete' sleep returns if its deadline passes first (futex: -ETIMEDOUT). */
  timeoutResult = 0;
  /** vfork: the parent asleep until this child execs or exits. */
  vforkParent: Process | null = null;
  /** The program file's path (/proc/PID/exe). */
  exePath = '';
  /** CPU time of reaped children (times, /proc/PID/stat cutime). */
  childCpuCycles = 0;
  /** setitimer(ITIMER_REAL): the virtual cycle of the next SIGALRM (0: none) and the period. */
  alarmAt = 0;
  alarmInterval = 0;
  /** File-mode creation mask (umask). */
  umask = 0o022;
  /** Descriptor flags (FD_CLOEXEC), by descriptor: shared with `files` by threads. */
  fdFlags: number[] = [];

  constructor(
    /** Globally unique id, the pid in the host's (initial) pid namespace. */
    readonly id: number,
    public space: AddressSpace,
    public parent: Process | null,
    public ns: NamespaceSet,
    public cgroup: Cgroup,
    public cwd: Inode,
    public creds: Credentials,
  ) {}

  /** The thread group's id as the process itself sees it (getpid). */
  get pid(): number {
    return this.ns.pid.pidOf(this.leader);
  }

  /** This thread's own id (gettid); the pid for a single-threaded process. */
  get tid(): number {
    return this.ns.pid.pidOf(this);
  }

  get root(): Inode {
    return this.ns.mnt.root;
  }

  /** Lowest free descriptor at or above `min`, as POSIX requires for open and dup. */
  allocFd(file: OpenFile, min = 0): number {
    let fd = min;
    while (this.files[fd]) fd++;
    this.files[fd] = file;
    this.fdFlags[fd] = 0;
    return fd;
  }
}
