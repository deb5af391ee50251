// The narrow interface the shell needs from the host kernel: a view of the kernel from ONE
// process (the shell's), offering what that process could do through system calls. Because
// every built-in utility goes through this port, inside a container `ps` lists only that
// pid namespace, `hostname` is the container's, and `/` is its overlay root.
//
// Conventions: paths are resolved against the calling process's cwd and root; a failing
// call throws an object with a numeric `errno` (the kernel's KernelError fits); I/O and
// waiting return promises the kernel settles as virtual time advances, so the shell never
// drives the scheduler. The shell runs next to the kernel (in the worker), so the
// metadata calls may be synchronous.

/** Linux asm-generic open(2) flags (RISC-V uses the generic values). */
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;

export type FileType = 'file' | 'dir' | 'symlink' | 'pipe' | 'char';

export interface FileStat {
  type: FileType;
  /** Permission bits only (0o755), without the S_IFMT type bits. */
  perm: number;
  size: number;
  nlink: number;
  uid: number;
  gid: number;
  ino: number;
  /** Virtual time of the last modification, in nanoseconds since boot. */
  mtimeNs: number;
}

export interface DirEntry {
  name: string;
  type: FileType;
}

export interface SpawnRequest {
  /** Resolved executable path (the shell searches PATH itself with stat). */
  path: string;
  argv: string[];
  /** "NAME=value" strings, as execve takes them. */
  env: string[];
  /** The caller's fds that become the child's 0, 1 and 2 (dup'd; the caller keeps its own). */
  stdio: [number, number, number];
}

export type ExitStatus =
  | { kind: 'exited'; code: number }
  /** `message` is the kernel's reason when it chose the signal, e.g. "Out of memory: Killed process 12 (hog)". */
  | { kind: 'signaled'; signal: number; message?: string };

export type ProcessState = 'R' | 'S' | 'D' | 'T' | 'Z';

export interface ProcessInfo {
  /** As seen from the caller's pid namespace. */
  pid: number;
  ppid: number;
  uid: number;
  state: ProcessState;
  /** argv joined by spaces, or the program name when argv is empty. */
  command: string;
  /** CPU time consumed, virtual nanoseconds. */
  cpuNs: number;
  /** Resident private bytes (shared code counted once, in sharedBytes). */
  rssBytes: number;
  sharedBytes: number;
  /** Virtual time it started, nanoseconds since boot. */
  startNs: number;
}

export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
}

/** Memory as `free` shows it from the caller's view (a container sees its cgroup limit). */
export interface MemoryInfo {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  sharedBytes: number;
}

/** Namespace identities of the caller, as /proc/self/ns shows them: "pid:[4026531836]". */
export interface NamespaceInfo {
  pid: string;
  uts: string;
  mnt: string;
  user: string;
}

/** The caller's cgroup (v2), values as the /sys/fs/cgroup files spell them ("max" = none). */
export interface CgroupInfo {
  path: string;
  cpuMax: string;
  cpuWeight: number;
  memoryMax: string;
  memoryCurrent: number;
  pidsMax: string;
  pidsCurrent: number;
}

export interface KernelPort {
  /** The shell's own pid, in its own pid namespace. */
  readonly pid: number;

  // Files: openat/close/read/write/pipe2/newfstatat/getdents64/mkdirat/unlinkat/chdir/getcwd.
  open(path: string, flags: number, mode?: number): number;
  close(fd: number): void;
  /** Up to `count` bytes; an empty array is end of file. Blocks (pending) on an empty pipe. */
  read(fd: number, count: number): Promise<Uint8Array>;
  /** Throws EPIPE when no reader is left. */
  write(fd: number, data: Uint8Array): Promise<number>;
  /** [read end, write end]. */
  pipe(): [number, number];
  /** Follows symlinks, like stat(2). */
  stat(path: string): FileStat;
  readdir(path: string): DirEntry[];
  mkdir(path: string, mode: number): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  chdir(path: string): void;
  getcwd(): string;

  // Identity and the system.
  getuid(): number;
  uname(): Utsname;
  sethostname(name: string): void;
  memoryInfo(): MemoryInfo;
  /** Virtual time since boot, nanoseconds (clock_gettime(CLOCK_MONOTONIC)). */
  now(): number;
  /** nanosleep in virtual time. */
  sleep(ns: number): Promise<void>;

  // Processes: clone+execve, wait4, kill.
  /** Starts a program as a child of the shell; returns its pid. Throws ENOENT/EACCES/ENOEXEC/EAGAIN. */
  spawn(request: SpawnRequest): number;
  /** Settles when the child ends (reaping it). */
  wait(pid: number): Promise<ExitStatus>;
  /** Throws ESRCH for a pid outside the caller's pid namespace, EPERM when not allowed. */
  kill(pid: number, signal: number): void;
  /** Every process in the caller's pid namespace (and its descendants' namespaces). */
  processes(): ProcessInfo[];
  /** The shell's own process ends (the `exit` built-in): closes its fds, wakes its parent. */
  exit(code: number): void;
  /**
   * Calls `listener` once if the shell's own process ends other than by exit(): killed
   * (`kill -9 $$`, its container stopped). The shell then stops running commands.
   */
  onKilled?(listener: (status: ExitStatus) => void): void;

  // Namespaces and cgroups.
  namespaces(): NamespaceInfo;
  cgroup(): CgroupInfo;
}

/** What the kernel throws for a failed call. */
export interface ErrnoError {
  errno: number;
  message?: string;
}

export function isErrnoError(e: unknown): e is ErrnoError {
  return typeof e === 'object' && e !== null && typeof (e as { errno?: unknown }).errno === 'number';
}
