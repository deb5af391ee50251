// A small in-memory kernel behind the shell's ports, for tests only: a tree filesystem per
// mount namespace, processes that run JavaScript "programs", pipes with blocking reads,
// pid and uts namespaces for containers, and a virtual clock. It follows the KernelPort
// contract (errno throws, EOF when all writers close, ESRCH outside the namespace) so the
// shell can be tested before the real kernel lands.

import type { ContainerCommand, ContainerInfo, ContainerProcess, ContainerRuntimePort, ImageInfo, RunRequest } from '../../../src/core/kernel/container-port.ts';
import type { CgroupInfo, DirEntry, ExitStatus, FileStat, KernelPort, MemoryInfo, NamespaceInfo, ProcessInfo, SpawnRequest, Utsname } from '../../../src/core/kernel/kernel-port.ts';
import { O_APPEND, O_CREAT, O_TRUNC, O_WRONLY, O_RDWR } from '../../../src/core/kernel/kernel-port.ts';
import { decodeAll, encodeUtf8 } from '../../../src/core/shell/text-codec.ts';

export const E = { EPERM: 1, ENOENT: 2, ESRCH: 3, EBADF: 9, EACCES: 13, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EPIPE: 32, ENOTEMPTY: 39 };

export class Errno extends Error {
  constructor(readonly errno: number) { super(`errno ${errno}`); }
}

/** What a fake program sees: its argv, env and three fds, as text. */
export interface ProgramApi {
  argv: string[];
  env: string[];
  pid: number;
  read(fd: number): Promise<string | null>;
  write(fd: number, text: string): Promise<void>;
  sleep(ns: number): Promise<void>;
  /** Settles when a signal kills the process (never for a process that exits). */
  killed: Promise<void>;
  hostname(): string;
}
export type Program = (api: ProgramApi) => Promise<number>;

type Node =
  | { type: 'dir'; perm: number; children: Map<string, Node>; ino: number }
  | { type: 'file'; perm: number; data: Uint8Array; ino: number; program?: Program };

let inoCounter = 1;
export const dir = (entries: Record<string, Node> = {}, perm = 0o755): Node => ({ type: 'dir', perm, children: new Map(Object.entries(entries)), ino: inoCounter++ });
export const file = (text: string, perm = 0o644): Node => ({ type: 'file', perm, data: encodeUtf8(text), ino: inoCounter++ });
export const prog = (program: Program): Node => ({ type: 'file', perm: 0o755, data: encodeUtf8('\x7fELF'), ino: inoCounter++, program });

function cloneTree(n: Node): Node {
  if (n.type === 'file') return { ...n, ino: inoCounter++ };
  return { ...n, ino: inoCounter++, children: new Map([...n.children].map(([k, v]) => [k, cloneTree(v)])) };
}

class Pipe {
  chunks: Uint8Array[] = [];
  readers = 0;
  writers = 0;
  waiters: (() => void)[] = [];
  wake(): void { for (const w of this.waiters.splice(0)) w(); }
}

type Open =
  | { kind: 'file'; node: Extract<Node, { type: 'file' }>; pos: number; append: boolean; refs: number }
  | { kind: 'dir'; node: Node; refs: number }
  | { kind: 'pipe-r' | 'pipe-w'; pipe: Pipe; refs: number }
  | { kind: 'log'; sink: (t: string) => void; refs: number };

interface Namespace {
  id: number;
  hostname: string;
  root: Node;
  parent: Namespace | null;
  nextPid: number;
  memoryLimit?: number;
}

export interface Proc {
  gpid: number;
  pids: Map<Namespace, number>;
  ns: Namespace;
  ppid: number;
  cwd: string;
  fds: Map<number, Open>;
  command: string;
  status?: ExitStatus;
  done: Promise<ExitStatus>;
  finish: (s: ExitStatus) => void;
  startNs: number;
  cpuNs: number;
}

export class FakeKernel {
  now = 0;
  readonly hostNs: Namespace;
  readonly procs = new Map<number, Proc>();
  private nextGpid = 1;
  private nsIds = 4026531836;

  constructor(root: Node) {
    this.hostNs = { id: this.nsIds++, hostname: 'trapdoor', root, parent: null, nextPid: 1 };
  }

  newNamespace(root: Node, hostname: string, memoryLimit?: number): Namespace {
    return { id: this.nsIds++, hostname, root, parent: this.hostNs, nextPid: 1, memoryLimit };
  }

  /** A process with no program: the shell's own, reached through its port. */
  shellProcess(ns = this.hostNs, parent = 0, cwd = '/'): FakePort {
    return new FakePort(this, this.newProc(ns, parent, cwd, 'sh'));
  }

  newProc(ns: Namespace, ppid: number, cwd: string, command: string): Proc {
    let finish!: (s: ExitStatus) => void;
    const done = new Promise<ExitStatus>((r) => { finish = r; });
    const p: Proc = { gpid: this.nextGpid++, pids: new Map(), ns, ppid, cwd, fds: new Map(), command, done, finish, startNs: this.now, cpuNs: 0 };
    for (let n: Namespace | null = ns; n; n = n.parent) p.pids.set(n, n.nextPid++);
    this.procs.set(p.gpid, p);
    return p;
  }

  end(p: Proc, status: ExitStatus): void {
    if (p.status) return;
    p.status = status;
    for (const fd of [...p.fds.keys()]) this.closeFd(p, fd);
    p.finish(status);
  }

  closeFd(p: Proc, fd: number): void {
    const o = p.fds.get(fd);
    if (!o) throw new Errno(E.EBADF);
    p.fds.delete(fd);
    this.release(o);
  }

  release(o: Open): void {
    if (--o.refs > 0) return;
    if (o.kind === 'pipe-r') { o.pipe.readers--; o.pipe.wake(); }
    if (o.kind === 'pipe-w') { o.pipe.writers--; o.pipe.wake(); }
  }

  install(p: Proc, o: Open): number {
    let fd = 0;
    while (p.fds.has(fd)) fd++;
    p.fds.set(fd, o);
    return fd;
  }

  /** Resolves a path in the caller's root; `..` at the root stays at the root. */
  resolve(p: Proc, path: string, parent = false): { node: Node | undefined; dir: Node; name: string; full: string } {
    const parts: string[] = [];
    for (const seg of (path.startsWith('/') ? path : `${p.cwd}/${path}`).split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') parts.pop();
      else parts.push(seg);
    }
    let node: Node = p.ns.root;
    const walk = parent ? parts.slice(0, -1) : parts;
    for (const seg of walk) {
      if (node.type !== 'dir') throw new Errno(E.ENOTDIR);
      const next = node.children.get(seg);
      if (!next) throw new Errno(E.ENOENT);
      node = next;
    }
    const name = parts[parts.length - 1] ?? '';
    if (!parent) return { node, dir: node, name, full: `/${parts.join('/')}` };
    if (node.type !== 'dir') throw new Errno(E.ENOTDIR);
    return { node: node.children.get(name), dir: node, name, full: `/${parts.join('/')}` };
  }

  visiblePid(viewer: Namespace, p: Proc): number | undefined {
    return p.pids.get(viewer);
  }

  findVisible(viewer: Namespace, pid: number): Proc | undefined {
    for (const p of this.procs.values()) if (!p.status && p.pids.get(viewer) === pid) return p;
    return undefined;
  }

  async read(p: Proc, fd: number, count: number): Promise<Uint8Array> {
    const o = p.fds.get(fd);
    if (!o) throw new Errno(E.EBADF);
    if (o.kind === 'dir') throw new Errno(E.EISDIR);
    if (o.kind === 'file') {
      const out = o.node.data.slice(o.pos, o.pos + count);
      o.pos += out.length;
      return out;
    }
    if (o.kind !== 'pipe-r') throw new Errno(E.EBADF);
    while (o.pipe.chunks.length === 0 && o.pipe.writers > 0) await new Promise<void>((r) => o.pipe.waiters.push(r));
    const chunk = o.pipe.chunks.shift();
    if (!chunk) return new Uint8Array(0);
    if (chunk.length > count) o.pipe.chunks.unshift(chunk.slice(count));
    return chunk.slice(0, count);
  }

  async write(p: Proc, fd: number, data: Uint8Array): Promise<number> {
    const o = p.fds.get(fd);
    if (!o) throw new Errno(E.EBADF);
    if (o.kind === 'log') { o.sink(decodeAll(data)); return data.length; }
    if (o.kind === 'file') {
      if (o.append) o.pos = o.node.data.length;
      const grown = new Uint8Array(Math.max(o.node.data.length, o.pos + data.length));
      grown.set(o.node.data);
      grown.set(data, o.pos);
      o.node.data = grown;
      o.pos += data.length;
      return data.length;
    }
    if (o.kind !== 'pipe-w') throw new Errno(E.EBADF);
    if (o.pipe.readers === 0) throw new Errno(E.EPIPE);
    o.pipe.chunks.push(data.slice());
    o.pipe.wake();
    await Promise.resolve();
    return data.length;
  }

  spawnProgram(parent: Proc, ns: Namespace, path: string, argv: string[], env: string[], stdio: Open[]): Proc {
    const { node } = this.resolve(parent, path);
    if (!node) throw new Errno(E.ENOENT);
    if (node.type !== 'file' || !node.program) throw new Errno(E.EACCES);
    const child = this.newProc(ns, parent.pids.get(ns) ?? 0, parent.cwd, argv.join(' ') || path);
    stdio.forEach((o, i) => { o.refs++; child.fds.set(i, o); });
    this.runProgram(child, node.program, argv, env);
    return child;
  }

  private runProgram(p: Proc, program: Program, argv: string[], env: string[]): void {
    let onKill!: () => void;
    const killed = new Promise<void>((r) => { onKill = r; });
    void p.done.then((s) => { if (s.kind === 'signaled') onKill(); });
    const alive = () => { if (p.status) throw new Errno(E.EBADF); };
    const api: ProgramApi = {
      argv, env, pid: p.pids.get(p.ns)!, killed,
      hostname: () => p.ns.hostname,
      read: async (fd) => { alive(); const b = await this.read(p, fd, 4096); return b.length ? decodeAll(b) : null; },
      write: async (fd, text) => { alive(); await this.write(p, fd, encodeUtf8(text)); },
      sleep: (ns) => Promise.race([this.sleep(ns), killed]),
    };
    void program(api).then(
      (code) => this.end(p, { kind: 'exited', code }),
      (e: unknown) => { if (!p.status) this.end(p, e instanceof Errno && e.errno === E.EPIPE ? { kind: 'signaled', signal: 13 } : { kind: 'exited', code: 1 }); },
    );
  }

  private sleepers: { at: number; wake: () => void }[] = [];
  private ticking = false;

  /** A virtual timer: once everything else has settled, the earliest sleeper wakes and the
   * clock jumps to its time (the idle kernel skipping ahead). */
  sleep(ns: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.now + ns, wake });
      this.sleepers.sort((a, b) => a.at - b.at);
      if (!this.ticking) this.tick();
    });
  }

  private tick(): void {
    this.ticking = true;
    setTimeout(() => {
      const next = this.sleepers.shift();
      if (next) {
        this.now = Math.max(this.now, next.at);
        next.wake();
      }
      if (this.sleepers.length) this.tick();
      else this.ticking = false;
    }, 0);
  }

  signal(p: Proc, signal: number): void {
    if (signal === 0 || signal === 18) return;
    this.end(p, { kind: 'signaled', signal });
  }
}

export class FakePort implements KernelPort {
  constructor(readonly kernel: FakeKernel, readonly proc: Proc) {}

  get pid(): number { return this.proc.pids.get(this.proc.ns)!; }

  open(path: string, flags: number, mode = 0o644): number {
    const k = this.kernel;
    const r = k.resolve(this.proc, path, true);
    let node = r.full === '/' ? this.proc.ns.root : r.node;
    if (!node) {
      if (!(flags & O_CREAT)) throw new Errno(E.ENOENT);
      if (r.dir.type !== 'dir' || (r.dir.perm & 0o200) === 0) throw new Errno(E.EACCES);
      node = { type: 'file', perm: mode, data: new Uint8Array(0), ino: inoCounter++ };
      r.dir.children.set(r.name, node);
    }
    const writing = (flags & 3) === O_WRONLY || (flags & 3) === O_RDWR;
    if (node.type === 'dir') {
      if (writing) throw new Errno(E.EISDIR);
      return k.install(this.proc, { kind: 'dir', node, refs: 1 });
    }
    if (writing && (node.perm & 0o200) === 0) throw new Errno(E.EACCES);
    if (flags & O_TRUNC) node.data = new Uint8Array(0);
    return k.install(this.proc, { kind: 'file', node, pos: 0, append: (flags & O_APPEND) !== 0, refs: 1 });
  }

  close(fd: number): void { this.kernel.closeFd(this.proc, fd); }
  read(fd: number, count: number): Promise<Uint8Array> { return this.kernel.read(this.proc, fd, count); }
  write(fd: number, data: Uint8Array): Promise<number> { return this.kernel.write(this.proc, fd, data); }

  pipe(): [number, number] {
    const pipe = new Pipe();
    pipe.readers = 1;
    pipe.writers = 1;
    return [this.kernel.install(this.proc, { kind: 'pipe-r', pipe, refs: 1 }), this.kernel.install(this.proc, { kind: 'pipe-w', pipe, refs: 1 })];
  }

  stat(path: string): FileStat {
    const { node } = this.kernel.resolve(this.proc, path);
    if (!node) throw new Errno(E.ENOENT);
    const size = node.type === 'file' ? node.data.length : 4096;
    return { type: node.type, perm: node.perm, size, nlink: node.type === 'dir' ? 2 : 1, uid: 0, gid: 0, ino: node.ino, mtimeNs: 0 };
  }

  readdir(path: string): DirEntry[] {
    const { node } = this.kernel.resolve(this.proc, path);
    if (!node) throw new Errno(E.ENOENT);
    if (node.type !== 'dir') throw new Errno(E.ENOTDIR);
    return [...node.children].map(([name, n]) => ({ name, type: n.type }));
  }

  mkdir(path: string, mode: number): void {
    const r = this.kernel.resolve(this.proc, path, true);
    if (r.node || r.full === '/') throw new Errno(E.EEXIST);
    if (r.dir.type !== 'dir' || (r.dir.perm & 0o200) === 0) throw new Errno(E.EACCES);
    r.dir.children.set(r.name, dir({}, mode));
  }

  unlink(path: string): void {
    const r = this.kernel.resolve(this.proc, path, true);
    if (!r.node) throw new Errno(E.ENOENT);
    if (r.node.type === 'dir') throw new Errno(E.EISDIR);
    if (r.dir.type === 'dir' && (r.dir.perm & 0o200) === 0) throw new Errno(E.EACCES);
    if (r.dir.type === 'dir') r.dir.children.delete(r.name);
  }

  rmdir(path: string): void {
    const r = this.kernel.resolve(this.proc, path, true);
    if (!r.node) throw new Errno(E.ENOENT);
    if (r.node.type !== 'dir') throw new Errno(E.ENOTDIR);
    if (r.node.children.size) throw new Errno(E.ENOTEMPTY);
    if (r.dir.type === 'dir') r.dir.children.delete(r.name);
  }

  chdir(path: string): void {
    const r = this.kernel.resolve(this.proc, path);
    if (!r.node) throw new Errno(E.ENOENT);
    if (r.node.type !== 'dir') throw new Errno(E.ENOTDIR);
    this.proc.cwd = r.full;
  }

  getcwd(): string { return this.proc.cwd; }
  getuid(): number { return 0; }

  uname(): Utsname {
    return { sysname: 'Linux', nodename: this.proc.ns.hostname, release: '6.1.0-trapdoor', version: '#1 SMP', machine: 'riscv32' };
  }

  sethostname(name: string): void {
    if (name.length > 64) throw new Errno(E.EINVAL);
    this.proc.ns.hostname = name;
  }

  memoryInfo(): MemoryInfo {
    const total = this.proc.ns.memoryLimit ?? 128 * 1048576;
    return { totalBytes: total, usedBytes: 4 * 1048576, freeBytes: total - 4 * 1048576, sharedBytes: 1048576 };
  }

  now(): number { return this.kernel.now; }
  sleep(ns: number): Promise<void> { return this.kernel.sleep(ns); }

  spawn(req: SpawnRequest): number {
    const stdio = req.stdio.map((fd) => {
      const o = this.proc.fds.get(fd);
      if (!o) throw new Errno(E.EBADF);
      return o;
    });
    const child = this.kernel.spawnProgram(this.proc, this.proc.ns, req.path, req.argv, req.env, stdio);
    return child.pids.get(this.proc.ns)!;
  }

  wait(pid: number): Promise<ExitStatus> {
    const p = [...this.kernel.procs.values()].find((q) => q.pids.get(this.proc.ns) === pid);
    if (!p) return Promise.reject(new Errno(10));
    return p.done.then((s) => { this.kernel.procs.delete(p.gpid); return s; });
  }

  kill(pid: number, signal: number): void {
    const p = this.kernel.findVisible(this.proc.ns, pid);
    if (!p) throw new Errno(E.ESRCH);
    this.kernel.signal(p, signal);
  }

  processes(): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    for (const p of this.kernel.procs.values()) {
      const pid = p.pids.get(this.proc.ns);
      if (pid === undefined || p.status) continue;
      out.push({ pid, ppid: p.ppid, uid: 0, state: 'S', command: p.command, cpuNs: p.cpuNs, rssBytes: 8192, sharedBytes: 4096, startNs: p.startNs });
    }
    return out;
  }

  exit(code: number): void { this.kernel.end(this.proc, { kind: 'exited', code }); }

  namespaces(): NamespaceInfo {
    const id = this.proc.ns.id;
    return { pid: `pid:[${id}]`, uts: `uts:[${id}]`, mnt: `mnt:[${id}]`, user: `user:[${id}]` };
  }

  cgroup(): CgroupInfo {
    const lim = this.proc.ns.memoryLimit;
    return { path: this.proc.ns.parent ? `/containers/${this.proc.ns.hostname}` : '/', cpuMax: 'max 100000', cpuWeight: 100, memoryMax: lim ? String(lim) : 'max', memoryCurrent: 4 * 1048576, pidsMax: 'max', pidsCurrent: 1 };
  }
}

interface FakeContainer {
  info: ContainerInfo;
  ns: Namespace;
  init: Proc;
  log: string;
}

/** Images are trees of programs; a container's root is a copy (the real kernel overlays). */
export class FakeRuntime implements ContainerRuntimePort {
  private readonly containers: FakeContainer[] = [];
  private seq = 0;

  constructor(private readonly kernel: FakeKernel, private readonly host: FakePort, private readonly imageTrees: Record<string, Node>) {}

  images(): ImageInfo[] {
    return Object.keys(this.imageTrees).map((name, i) => ({ repository: name, tag: 'latest', id: `${i + 1}`.padStart(12, 'a'), sizeBytes: 1048576 * (i + 1), layers: 1, os: `${name} Linux` }));
  }

  private find(idOrName: string): FakeContainer {
    const c = this.containers.find((x) => x.info.name === idOrName || x.info.id.startsWith(idOrName));
    if (!c) throw new Error(`No such container: ${idOrName}`);
    return c;
  }

  run(req: RunRequest): { container: ContainerInfo; process: ContainerProcess } {
    const tree = this.imageTrees[req.image];
    if (!tree) throw new Error(`Unable to find image '${req.image}:latest' locally`);
    const n = ++this.seq;
    const name = req.name ?? `container_${n}`;
    if (this.containers.some((c) => c.info.name === name)) throw new Error(`Conflict. The container name "/${name}" is already in use`);
    const id = n.toString(16).padStart(64, 'c');
    const ns = this.kernel.newNamespace(cloneTree(tree), req.hostname ?? id.slice(0, 12), req.limits.memoryBytes);
    const info: ContainerInfo = {
      id, name, image: req.image, command: req.command.kind === 'shell' ? 'sh' : req.command.argv.join(' '), status: 'running', exitCode: null,
      createdNs: this.kernel.now, startedNs: this.kernel.now, finishedNs: null, hostPid: 0, hostname: ns.hostname, limits: req.limits,
    };
    const c: FakeContainer = { info, ns, init: undefined as unknown as Proc, log: '' };
    const process = this.start(c, req.command, req.env, req.stdio);
    c.init = this.kernel.procs.get(process.hostPid)!;
    info.hostPid = process.hostPid;
    void process.wait().then((s) => {
      info.status = 'exited';
      info.exitCode = s.kind === 'exited' ? s.code : 128 + s.signal;
      info.finishedNs = this.kernel.now;
      for (const p of this.kernel.procs.values()) if (p.ns === ns) this.kernel.end(p, { kind: 'signaled', signal: 9 });
    });
    this.containers.push(c);
    return { container: { ...info }, process };
  }

  private start(c: FakeContainer, command: ContainerCommand, env: string[], stdio?: [number, number, number]): ContainerProcess {
    if (command.kind === 'shell') {
      const port = this.kernel.shellProcess(c.ns, 0, '/');
      return { hostPid: port.proc.gpid, port, wait: () => port.proc.done };
    }
    const opens = stdio
      ? stdio.map((fd) => this.host.proc.fds.get(fd)!)
      : [0, 1, 2].map((): { kind: 'log'; sink: (t: string) => void; refs: number } => ({ kind: 'log', sink: (t) => { c.log += t; }, refs: 0 }));
    const argv0 = command.argv[0] ?? 'sh';
    const path = argv0.includes('/') ? argv0 : `/bin/${argv0}`;
    // The runtime starts the process from outside: it has no pid in the container.
    const parent: Proc = { ...this.host.proc, ns: c.ns, cwd: '/', pids: new Map() };
    const child = this.kernel.spawnProgram(parent, c.ns, path, command.argv, env, opens);
    return { hostPid: child.gpid, wait: () => child.done };
  }

  exec(idOrName: string, command: ContainerCommand, env: string[], stdio?: [number, number, number]): ContainerProcess {
    const c = this.find(idOrName);
    if (c.info.status !== 'running') throw new Error(`Container ${c.info.id.slice(0, 12)} is not running`);
    return this.start(c, command, env, stdio);
  }

  list(all: boolean): ContainerInfo[] {
    return this.containers.filter((c) => all || c.info.status === 'running').map((c) => ({ ...c.info })).reverse();
  }

  inspect(idOrName: string): ContainerInfo & Record<string, unknown> {
    return { ...this.find(idOrName).info };
  }

  async stop(idOrName: string): Promise<void> {
    const c = this.find(idOrName);
    if (c.info.status === 'running') this.kernel.signal(c.init, 15);
    await c.init.done;
    await Promise.resolve();
  }

  kill(idOrName: string, signal: number): void {
    const c = this.find(idOrName);
    if (c.info.status !== 'running') throw new Error(`Cannot kill container: ${idOrName}: container is not running`);
    this.kernel.signal(c.init, signal);
  }

  remove(idOrName: string, force: boolean): void {
    const c = this.find(idOrName);
    if (c.info.status === 'running' && !force) throw new Error(`You cannot remove a running container ${c.info.id}. Stop the container before attempting removal or force remove`);
    if (c.info.status === 'running') this.kernel.signal(c.init, 9);
    this.containers.splice(this.containers.indexOf(c), 1);
  }

  copy(): number {
    throw new Error('container cp is not faked');
  }

  logs(idOrName: string): string {
    return this.find(idOrName).log;
  }

  stats() {
    return this.containers.filter((c) => c.info.status === 'running').map((c) => ({
      id: c.info.id, name: c.info.name, cpuPercent: 0, memoryBytes: 8192,
      memoryLimitBytes: c.ns.memoryLimit ?? 128 * 1048576,
      pids: [...this.kernel.procs.values()].filter((p) => p.ns === c.ns && !p.status).length,
    }));
  }

  top(idOrName: string): ProcessInfo[] {
    const c = this.find(idOrName);
    return this.host.processes().filter((p) => this.kernel.procs.get(p.pid)?.ns === c.ns);
  }
}
