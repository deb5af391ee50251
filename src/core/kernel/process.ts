// A process (xv6 struct proc): saved user registers, an address space, open files, a
// working directory, a parent, and the namespace set and cgroup that confine it.

import type { AddressSpace } from './address-space.ts';
import type { Cgroup } from './cgroup.ts';
import type { OpenFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { NamespaceSet } from './namespace.ts';

export type ProcessState = 'runnable' | 'sleeping' | 'zombie';

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
  /** nanosleep: virtual cycle at which to wake. */
  wakeAt = 0;
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

  /** The pid as the process itself sees it (getpid). */
  get pid(): number {
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
    return fd;
  }
}
