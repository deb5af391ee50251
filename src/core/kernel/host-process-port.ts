// The kernel as one host-side process sees it: the KernelPort the shell runs on. Every
// call goes through the same kernel operations as the matching system call, with the
// caller's root, cwd, namespaces and cgroup — so inside a container the shell's `ps`
// lists only that pid namespace and `/` is the container's root. Blocking calls return
// promises that the kernel settles as virtual time advances (see driver.ts).

import { CORE_HZ } from '../isa/clock.ts';
import type {
  CgroupInfo, DirEntry, ExitStatus, FileStat, FileType, KernelPort, MemoryInfo, NamespaceInfo,
  ProcessInfo, SpawnRequest, Utsname,
} from './kernel-port.ts';
import { EACCES, ECHILD, ENOEXEC, ENOTDIR, ESRCH, KernelError } from './errno.ts';
import { Block, Pipe, PipeEnd, type OpenFile } from './file.ts';
import { PAGE_SIZE } from './frame.ts';
import type { Inode } from './fs/inode.ts';
import { lookupPath, pathOf } from './fs/path.ts';
import { DEFAULT_MEMORY_BYTES, type Kernel } from './kernel.ts';
import type { PidNamespace, UserNamespace } from './namespace.ts';
import type { Process } from './process.ts';
import { signalDescription } from './signal.ts';
import {
  AT_FDCWD, AT_REMOVEDIR, chdirPath, closeFd, fileOf, installFd, mkdirPath, openPath, unlinkPath,
} from './sys-file.ts';
import { unameFields } from './sys-info.ts';
import { killPid } from './sys-process.ts';

/** The RAM a host without a memory.max reports (QEMU virt's default, as DESIGN.md says). */
export const HOST_MEMORY_BYTES = DEFAULT_MEMORY_BYTES;

const namespaceIds = new WeakMap<object, number>();
let nextNamespaceId = 4026531836; // the inode number Linux gives the initial namespaces
function namespaceId(ns: object): number {
  let id = namespaceIds.get(ns);
  if (id === undefined) namespaceIds.set(ns, (id = nextNamespaceId++));
  return id;
}

const TYPE: Record<Inode['type'], FileType> = { file: 'file', dir: 'dir', symlink: 'symlink', chardev: 'char' };

export class HostProcessPort implements KernelPort {
  constructor(
    readonly kernel: Kernel,
    process: Process,
    /** Called when a call may have made a process runnable (KernelDriver.kick). */
    private readonly kick: () => void = () => {},
  ) {
    this.first = process;
  }

  private readonly first: Process;

  /** The caller's process, found by id so the port follows a restored checkpoint. */
  get process(): Process {
    return this.kernel.processes.get(this.first.id) ?? this.first;
  }

  get pid(): number {
    return this.process.pid;
  }

  private get p(): Process {
    return this.process;
  }

  // ---- files ------------------------------------------------------------------------

  open(path: string, flags: number, mode = 0o644): number {
    return openPath(this.kernel, this.live(), AT_FDCWD, path, flags, mode);
  }

  close(fd: number): void {
    closeFd(this.p, fd);
    this.kick();
  }

  read(fd: number, count: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        try {
          const r = fileOf(this.p, fd).read(count);
          if (r instanceof Block) this.kernel.scheduler.waitHost(r.channel, attempt);
          else resolve(r);
        } catch (e) {
          reject(e);
        }
      };
      attempt();
      this.kick();
    });
  }

  write(fd: number, data: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      let done = 0;
      const attempt = (): void => {
        try {
          const f = fileOf(this.p, fd);
          while (done < data.length) {
            const r = f.write(data.subarray(done));
            if (r instanceof Block) {
              this.kernel.scheduler.waitHost(r.channel, attempt);
              return;
            }
            done += r;
          }
          resolve(done);
        } catch (e) {
          reject(e);
        }
        this.kick();
      };
      attempt();
    });
  }

  pipe(): [number, number] {
    this.live();
    const pipe = new Pipe();
    const wake = (c: object): void => this.kernel.wakeup(c);
    const r = installFd(this.p, new PipeEnd(pipe, false, wake));
    const w = installFd(this.p, new PipeEnd(pipe, true, wake));
    return [r, w];
  }

  private lookup(path: string): Inode {
    return lookupPath({ root: this.p.root, cwd: this.p.cwd }, path);
  }

  stat(path: string): FileStat {
    const n = this.lookup(path);
    return {
      type: TYPE[n.type], perm: n.perm & 0o7777, size: n.type === 'dir' ? 4096 : n.size,
      nlink: n.nlink, uid: n.uid, gid: n.gid, ino: n.ino, mtimeNs: n.mtimeNs,
    };
  }

  readdir(path: string): DirEntry[] {
    const n = this.lookup(path);
    if (n.type !== 'dir') throw new KernelError(ENOTDIR);
    return [...n.entries!].filter(([name]) => name !== '..').map(([name, c]) => ({ name, type: TYPE[c.type] }));
  }

  mkdir(path: string, mode: number): void {
    mkdirPath(this.kernel, this.p, AT_FDCWD, path, mode);
  }

  unlink(path: string): void {
    unlinkPath(this.kernel, this.p, AT_FDCWD, path, 0);
  }

  rmdir(path: string): void {
    unlinkPath(this.kernel, this.p, AT_FDCWD, path, AT_REMOVEDIR);
  }

  chdir(path: string): void {
    chdirPath(this.p, path);
  }

  getcwd(): string {
    return pathOf(this.p.root, this.p.cwd);
  }

  // ---- identity and the system --------------------------------------------------------

  getuid(): number {
    return this.p.creds.uid;
  }

  uname(): Utsname {
    const [sysname, nodename, release, version, machine] = unameFields(this.p) as [string, string, string, string, string];
    return { sysname, nodename, release, version, machine };
  }

  sethostname(name: string): void {
    if (this.p.creds.uid !== 0) throw new KernelError(1);
    if (name.length > 64) throw new KernelError(22);
    this.p.ns.uts.hostname = name;
  }

  memoryInfo(): MemoryInfo {
    const cg = this.p.cgroup;
    const sharedBytes = this.kernel.textCache.sharedPages * PAGE_SIZE;
    const root = this.kernel.rootCgroup;
    const limited = cg !== root && cg.memoryMax !== Infinity;
    const total = limited ? cg.memoryMax : root.memoryMax === Infinity ? HOST_MEMORY_BYTES : root.memoryMax;
    const used = limited ? cg.memoryCurrent : root.memoryCurrent + sharedBytes;
    return { totalBytes: total, usedBytes: used, freeBytes: Math.max(0, total - used), sharedBytes };
  }

  now(): number {
    return this.kernel.nowNs();
  }

  sleep(ns: number): Promise<void> {
    return new Promise((resolve) => {
      this.kernel.scheduler.timerHost(this.kernel.now + Math.ceil(ns * (CORE_HZ / 1e9)), resolve);
      this.kick();
    });
  }

  // ---- processes ----------------------------------------------------------------------

  spawn(request: SpawnRequest): number {
    this.live();
    const node = this.lookup(request.path);
    if (node.type !== 'file') throw new KernelError(EACCES);
    if (this.p.creds.uid !== 0 && !(node.perm & 0o111)) throw new KernelError(EACCES);
    let image;
    try {
      image = this.kernel.loadProgramFile(node, request.path);
    } catch {
      throw new KernelError(ENOEXEC);
    }
    const stdio = request.stdio.map((fd) => fileOf(this.p, fd)) as [OpenFile, OpenFile, OpenFile];
    for (const f of stdio) f.refs++;
    try {
      const child = this.kernel.spawn({
        image, argv: request.argv, envp: request.env, parent: this.p, ns: this.p.ns,
        cgroup: this.p.cgroup, creds: { ...this.p.creds }, cwd: this.p.cwd, stdio,
      });
      this.kick();
      return this.p.ns.pid.pidOf(child);
    } catch (e) {
      // A failed spawn leaves the references with the caller: give them back.
      for (const f of stdio) if (--f.refs === 0) f.release();
      throw e;
    }
  }

  wait(pid: number): Promise<ExitStatus> {
    const child = this.p.ns.pid.task(pid) as Process | undefined;
    if (!child || !this.p.children.has(child)) return Promise.reject(new KernelError(ECHILD));
    return new Promise((resolve) => {
      const attempt = (): void => {
        if (child.state !== 'zombie') {
          this.kernel.scheduler.waitHost(this.p, attempt);
          return;
        }
        this.kernel.reap(child);
        resolve(exitStatusOf(child));
      };
      attempt();
      this.kick();
    });
  }

  kill(pid: number, signal: number): void {
    killPid(this.kernel, this.p, pid, signal);
    this.kick();
  }

  processes(): ProcessInfo[] {
    return processList(this.p.ns.pid, this.p.ns.user);
  }

  exit(code: number): void {
    this.exiting = true;
    this.kernel.exit(this.p, code);
    this.kick();
  }

  private exiting = false;

  onKilled(listener: (status: ExitStatus) => void): void {
    // By id, not object: the port follows its process across a restored checkpoint.
    const id = this.process.id;
    const onExit = (p: Process): void => {
      if (p.id !== id) return;
      this.kernel.exitListeners.delete(onExit);
      if (!this.exiting) listener(exitStatusOf(p));
    };
    this.kernel.exitListeners.add(onExit);
  }

  /** The caller's process, refusing to start new work for one that has ended (ESRCH). */
  private live(): Process {
    const p = this.p;
    if (p.state === 'zombie') throw new KernelError(ESRCH);
    return p;
  }

  // ---- namespaces and cgroups ---------------------------------------------------------

  namespaces(): NamespaceInfo {
    const { pid, uts, mnt, user } = this.p.ns;
    return {
      pid: `pid:[${namespaceId(pid)}]`, uts: `uts:[${namespaceId(uts)}]`,
      mnt: `mnt:[${namespaceId(mnt)}]`, user: `user:[${namespaceId(user)}]`,
    };
  }

  cgroup(): CgroupInfo {
    const cg = this.p.cgroup;
    const us = (cycles: number): number => Math.round(cycles / (CORE_HZ / 1e6));
    return {
      path: cg.path(),
      cpuMax: `${cg.cpuQuota === Infinity ? 'max' : us(cg.cpuQuota)} ${us(cg.cpuPeriod)}`,
      cpuWeight: cg.cpuWeight,
      memoryMax: cg.memoryMax === Infinity ? 'max' : String(cg.memoryMax),
      memoryCurrent: cg.memoryCurrent,
      pidsMax: cg.pidsMax === Infinity ? 'max' : String(cg.pidsMax),
      pidsCurrent: cg.pidsCurrent,
    };
  }
}

/** Every process visible in a pid namespace, as `ps` shows them from there. */
export function processList(ns: PidNamespace, viewer: UserNamespace): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const t of ns.tasks()) {
    const q = t as Process;
    out.push({
      pid: ns.pidOf(q),
      ppid: q.parent ? ns.pidOf(q.parent) : 0,
      // Root inside a container is an unprivileged id outside (user namespace).
      uid: q.ns.user === viewer ? q.creds.uid : q.ns.user.outsideUid + q.creds.uid,
      state: q.state === 'zombie' ? 'Z' : q.state === 'runnable' ? 'R' : 'S',
      command: q.argv.length ? q.argv.join(' ') : q.name,
      cpuNs: q.cpuCycles * (1e9 / CORE_HZ),
      rssBytes: q.space.privatePages() * PAGE_SIZE,
      sharedBytes: q.space.sharedPages() * PAGE_SIZE,
      startNs: q.startCycle * (1e9 / CORE_HZ),
    });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** How a zombie ended, as the shell reports it. */
export function exitStatusOf(p: Process): ExitStatus {
  if (!p.killedBy) return { kind: 'exited', code: (p.waitStatus >> 8) & 0xff };
  const plain = p.killReason === '' || p.killReason === signalDescription(p.killedBy);
  return plain ? { kind: 'signaled', signal: p.killedBy } : { kind: 'signaled', signal: p.killedBy, message: p.killReason };
}
