// The container runtime: a container is a process tree in fresh pid, uts, mount and user
// namespaces, under its own cgroup, rooted in an overlay over an image's read-only layers.
// This is everything `docker run` does, on the one kernel; the shell's `container`
// command drives it through ContainerRuntimePort.

import type {
  ContainerCommand, ContainerInfo, ContainerLimits, ContainerProcess, ContainerRuntimePort, CopyEnd, TerminalRequest, VolumeRequest,
  ContainerStats, ContainerStatus, ImageInfo, RunRequest,
} from './container-port.ts';
import type { ExitStatus, ProcessInfo } from './kernel-port.ts';
import { utf8Encode, latin1 } from './bytes.ts';
import type { Cgroup } from './cgroup.ts';
import { KernelError, errnoName } from './errno.ts';
import { LogFile, TeeFile, type OpenFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import { bindMount, lookupParent, lookupPath } from './fs/path.ts';
import { TtyFile } from './tty-file.ts';
import { ENOENT, ENOTDIR } from './errno.ts';
import { cgroupfs } from './cgroupfs.ts';
import { HOST_MEMORY_BYTES, HostProcessPort, exitStatusOf, processList } from './host-process-port.ts';
import { ImageStore, shortId, type Image } from './image.ts';
import { DEFAULT_ENV, type Kernel } from './kernel.ts';
import type { NamespaceSet, PidNamespace } from './namespace.ts';
import type { Process } from './process.ts';
import { procfs } from './procfs.ts';
import { SIGKILL, SIGTERM } from './signal.ts';
import { fileOf } from './sys-file.ts';
import { CORE_HZ } from '../isa/clock.ts';
import type { CheckpointPart, RestoreContext, SaveContext } from './checkpoint-context.ts';
import { KernelStateError } from './checkpoint-state.ts';

export interface Container {
  id: string;
  name: string;
  imageRef: string;
  image: Image;
  command: string;
  status: ContainerStatus;
  exitCode: number | null;
  createdNs: number;
  startedNs: number;
  finishedNs: number | null;
  init: Process | null;
  limits: ContainerLimits;
  cgroup: Cgroup;
  ns: NamespaceSet;
  root: Inode;
  log: LogFile;
  sample: { usage: number; at: number };
  /** Volumes (`-v`): what was placed where in the container's root. */
  mounts: MountRecord[];
}

interface MountRecord {
  parent: Inode;
  name: string;
  node: Inode;
}

/**
 * A copy of a file or directory tree (container cp, read-only volumes); symbolic links
 * are copied as links. `readOnly` marks every node of the copy read-only.
 */
function copyTree(k: Kernel, node: Inode, readOnly: boolean, bytes = { n: 0 }): Inode {
  const copy = k.fs.create(node.type, node.perm);
  Object.assign(copy, { uid: node.uid, gid: node.gid, mtimeNs: node.mtimeNs, target: node.target, device: node.device });
  if (node.type === 'file') {
    const data = node.contents();
    bytes.n += data.length;
    copy.writeAt(0, data);
  } else if (node.type === 'dir') {
    for (const [name, child] of node.entries!) {
      if (name === '..' || child.synthetic || child.dynamicEntries) continue;
      k.fs.link(copy, name, copyTree(k, child, readOnly, bytes));
    }
  }
  copy.readOnly = readOnly;
  return copy;
}

const ADJECTIVES = ['brave', 'calm', 'eager', 'gentle', 'happy', 'jolly', 'keen', 'lucid', 'merry', 'nifty'];
const NAMES = ['turing', 'hopper', 'lovelace', 'ritchie', 'thompson', 'liskov', 'knuth', 'lamport', 'dijkstra', 'torvalds'];
/** Subordinate ids: container n's root is uid 100000 + n * 65536 outside (as /etc/subuid). */
const SUBUID_BASE = 100000;
const SUBUID_RANGE = 65536;

export class ContainerRuntime implements ContainerRuntimePort {
  readonly terminals = true;
  readonly store: ImageStore;
  /** By id, in creation order. */
  private readonly containers = new Map<string, Container>();
  private readonly byName = new Map<string, Container>();
  private readonly byPidNs = new Map<PidNamespace, Container>();
  private readonly waiters = new Map<Process, ((s: ExitStatus) => void)[]>();
  private seq = 0;
  private cgroupParentGroup: Cgroup;
  private readonly devDir: Inode;
  private readonly firstCaller: Process;

  constructor(
    readonly k: Kernel,
    /** The process whose descriptors `stdio` numbers refer to (the host shell). */
    caller: Process,
    private readonly kick: () => void = () => {},
    store?: ImageStore,
  ) {
    this.firstCaller = caller;
    this.store = store ?? new ImageStore(k);
    this.cgroupParentGroup = k.rootCgroup.child('docker');
    this.devDir = this.makeDevDir();
    k.exitListeners.add((p) => this.onExit(p));
    k.checkpointParts.set('containers', containerCheckpoint(this, {
      get: () => ({ containers: this.containers, seq: this.seq, devDir: this.devDir }),
      set: (containers, seq) => {
        this.containers.clear();
        this.byName.clear();
        this.byPidNs.clear();
        this.waiters.clear();
        for (const c of containers) {
          this.containers.set(c.id, c);
          this.byName.set(c.name, c);
          this.byPidNs.set(c.ns.pid, c);
        }
        this.seq = seq;
        this.cgroupParentGroup = k.rootCgroup.children.get('docker') ?? k.rootCgroup.child('docker');
      },
    }));
  }

  /** The cgroup every container's group is created under (/docker). */
  get cgroupParent(): Cgroup {
    return this.cgroupParentGroup;
  }

  /** The host shell, found by id so the runtime follows a restored checkpoint. */
  get caller(): Process {
    return this.k.processes.get(this.firstCaller.id) ?? this.firstCaller;
  }

  images(): ImageInfo[] {
    return this.store.images().map((i) => ({
      repository: i.repository, tag: i.tag, id: i.id, sizeBytes: i.sizeBytes, layers: i.layers.length, os: i.os,
    }));
  }

  run(request: RunRequest): { container: ContainerInfo; process: ContainerProcess } {
    const image = this.store.find(request.image);
    if (!image) throw new Error(`Unable to find image '${request.image}' locally`);
    const n = this.seq++;
    const name = request.name ?? defaultName(n);
    if (this.byName.has(name)) {
      throw new Error(`Conflict. The container name "/${name}" is already in use`);
    }
    const id = shortId(`container-${n}`);
    const cgroup = this.cgroupParent.child(id);
    applyLimits(cgroup, request.limits);
    const root = this.k.fs.overlay(image.layers);
    const ns = this.k.newNamespaces(request.hostname ?? id, root, SUBUID_BASE + (n + 1) * SUBUID_RANGE);
    this.populateRoot(root, ns, cgroup);
    const mounts = (request.volumes ?? []).map((v) => this.mountVolume(root, v));
    const c: Container = {
      id, name, imageRef: request.image, image, command: commandLine(request.command), status: 'created',
      exitCode: null, createdNs: this.k.nowNs(), startedNs: 0, finishedNs: null, init: null,
      limits: { ...request.limits }, cgroup, ns, root, log: new LogFile(), sample: { usage: 0, at: this.k.now },
      mounts,
    };
    this.containers.set(c.id, c);
    this.byName.set(name, c);
    this.byPidNs.set(ns.pid, c);
    try {
      c.status = 'running';
      c.startedNs = this.k.nowNs();
      const process = this.start(c, request.command, request.env, request.stdio, request.tty);
      return { container: this.info(c), process };
    } catch (e) {
      this.discard(c);
      throw e;
    }
  }

  /** What every container root has besides the image: /proc, /sys/fs/cgroup, /dev, /etc/hostname. */
  private populateRoot(root: Inode, ns: NamespaceSet, cgroup: Cgroup): void {
    const fs = this.k.fs;
    fs.writeFile('/etc/hostname', utf8Encode(`${ns.uts.hostname}\n`), 0o644, root);
    root.entries!.set('proc', procfs(this.k, ns.pid, root));
    const sysFs = fs.mkdirs('/sys/fs', root);
    sysFs.entries!.set('cgroup', cgroupfs(this.k, cgroup, false, sysFs, ns.pid));
    root.entries!.set('dev', this.devDir);
  }

  /**
   * `-v SRC:DST`: the caller's directory appears at DST — the same directory (a bind
   * mount: changes on either side are seen on the other), or with `:ro` a read-only copy
   * of it. A file SRC is bound as a file.
   */
  private mountVolume(root: Inode, v: VolumeRequest): MountRecord {
    if (!v.target.startsWith('/') || v.target === '/') throw new Error(`invalid volume specification: '${v.source}:${v.target}': the target must be an absolute path other than /`);
    const caller = this.caller;
    let source: Inode;
    try {
      source = lookupPath({ root: caller.root, cwd: caller.cwd }, v.source);
    } catch (e) {
      throw new Error(`invalid volume specification: '${v.source}': ${e instanceof KernelError ? errnoName(e.errno) : String(e)}`);
    }
    const slash = v.target.lastIndexOf('/');
    const parent = this.k.fs.mkdirs(v.target.slice(0, slash) || '/', root);
    const name = v.target.slice(slash + 1);
    const node = v.readOnly ? copyTree(this.k, source, true) : source;
    if (node.type === 'dir' && !v.readOnly) bindMount(root, parent, name, node);
    else {
      if (parent.entries!.has(name)) this.k.fs.unlink(parent, name);
      this.k.fs.link(parent, name, node);
    }
    return { parent, name, node };
  }

  copy(from: CopyEnd, to: CopyEnd): number {
    const rootOf = (end: CopyEnd): { root: Inode; cwd: Inode } => {
      if (end.container === undefined) return { root: this.caller.root, cwd: this.caller.cwd };
      const c = this.find(end.container);
      return { root: c.root, cwd: c.root };
    };
    const src = rootOf(from);
    const dst = rootOf(to);
    let node: Inode;
    try {
      node = lookupPath(src, from.path);
    } catch (e) {
      throw new Error(`Could not find the file ${from.path}${from.container ? ` in container ${from.container}` : ''}`);
    }
    const bytes = { n: 0 };
    const copy = copyTree(this.k, node, false, bytes);
    // Into an existing directory it goes under its own name; otherwise it takes the new name.
    let parent: Inode;
    let name: string;
    try {
      const target = lookupPath(dst, to.path);
      if (target.type !== 'dir') throw new KernelError(ENOTDIR);
      parent = target;
      name = from.path.replace(/\/+$/, '').split('/').pop() || 'root';
    } catch (e) {
      if (e instanceof KernelError && e.errno !== ENOENT) throw new Error(`cannot copy to ${to.path}: ${errnoName(e.errno)}`);
      const r = lookupParent(dst, to.path);
      parent = r.dir;
      name = r.name;
    }
    if (parent.readOnly) throw new Error(`cannot copy to ${to.path}: read-only file system`);
    const old = parent.entries!.get(name);
    if (old?.type === 'dir' && copy.type !== 'dir') throw new Error(`cannot overwrite directory ${to.path} with a file`);
    if (old) this.k.fs.unlink(parent, name);
    this.k.fs.link(parent, name, copy);
    return bytes.n;
  }

  /** One read-only /dev shared by every container: the console and null devices. */
  private makeDevDir(): Inode {
    const dev = this.k.fs.create('dir', 0o755);
    dev.entries!.set('console', this.k.consoleNode);
    dev.entries!.set('null', this.k.nullNode);
    for (const name of ['zero', 'random', 'urandom', 'tty']) {
      const node = this.k.fs.lookup(`/dev/${name}`);
      if (node) dev.entries!.set(name, node);
    }
    dev.readOnly = true;
    return dev;
  }

  exec(idOrName: string, command: ContainerCommand, env: string[], stdio?: [number, number, number], tty?: TerminalRequest): ContainerProcess {
    const c = this.find(idOrName);
    if (c.status !== 'running') throw new Error(`Container ${c.id} is not running`);
    return this.start(c, command, env, stdio, tty);
  }

  private start(c: Container, command: ContainerCommand, env: string[], stdio?: [number, number, number], tty?: TerminalRequest): ContainerProcess {
    if (tty && command.kind === 'program') return this.startOnTerminal(c, command.argv, env, tty);
    const files = this.stdioFor(c, stdio);
    const common = { ns: c.ns, cgroup: c.cgroup, cwd: c.root, creds: { uid: 0, gid: 0 }, stdio: files, parent: null };
    let p: Process;
    let port: HostProcessPort | undefined;
    try {
      if (command.kind === 'shell') {
        p = this.k.spawnHost({ ...common, argv: ['sh'] });
        port = new HostProcessPort(this.k, p, this.kick);
      } else {
        const [path, node] = this.resolveProgram(c, command.argv[0] ?? '');
        const image = this.k.loadProgramFile(node, path);
        p = this.k.spawn({ ...common, image, argv: command.argv, envp: env.length ? env : DEFAULT_ENV });
      }
    } catch (e) {
      for (const f of files) if (--f.refs === 0) f.release();
      if (e instanceof KernelError) throw new Error(`failed to start process in container ${c.name}: ${e.message} (${errnoName(e.errno)})`);
      throw e;
    }
    if (!c.init) c.init = p;
    this.kick();
    return { hostPid: p.id, port, wait: () => this.waitFor(p) };
  }

  /**
   * `-it` with a program: a new terminal, whose session the program leads (its process
   * group in the foreground), so ^C reaches it as SIGINT through the line discipline.
   */
  private startOnTerminal(c: Container, argv: string[], env: string[], req: TerminalRequest): ContainerProcess {
    const t = this.k.openTerminal((b) => req.output(b));
    if (req.columns && req.rows) {
      t.cols = req.columns;
      t.rows = req.rows;
    }
    let p: Process;
    try {
      const [path, node] = this.resolveProgram(c, argv[0] ?? '');
      const image = this.k.loadProgramFile(node, path);
      const stdio = [new TtyFile(t), new TtyFile(t), new TtyFile(t)] as [OpenFile, OpenFile, OpenFile];
      p = this.k.spawn({ ns: c.ns, cgroup: c.cgroup, cwd: c.root, creds: { uid: 0, gid: 0 }, stdio, parent: null, image, argv, envp: env.length ? env : DEFAULT_ENV });
      p.exePath = path;
    } catch (e) {
      this.k.closeTerminal(t);
      if (e instanceof KernelError) throw new Error(`failed to start process in container ${c.name}: ${e.message} (${errnoName(e.errno)})`);
      throw e;
    }
    // A process started from outside leads a session of its own (docker exec -it does setsid).
    p.pgid = p.sid = p.tid;
    t.attach(p);
    if (!c.init) c.init = p;
    this.kick();
    const kick = this.kick;
    const k = this.k;
    return {
      hostPid: p.id,
      wait: () => this.waitFor(p),
      terminal: {
        input: (bytes) => { t.input(bytes); kick(); },
        resize: (columns, rows) => { t.resize(columns, rows); kick(); },
        close: () => { k.closeTerminal(t); kick(); },
      },
    };
  }

  private stdioFor(c: Container, stdio?: [number, number, number]): [OpenFile, OpenFile, OpenFile] {
    if (!stdio) {
      c.log.refs += 2;
      return [this.k.nullFile(), c.log, c.log];
    }
    const [i, o, e] = stdio.map((fd) => fileOf(this.caller, fd)) as [OpenFile, OpenFile, OpenFile];
    for (const f of [i, o, e]) f.refs++;
    // Attached output is shown and kept: `logs` works afterwards, as with docker.
    return [i, new TeeFile(o, c.log), new TeeFile(e, c.log)];
  }

  /** argv[0] as a path, or searched in /bin and /usr/bin of the container's root. */
  private resolveProgram(c: Container, name: string): [string, Inode] {
    const candidates = name.includes('/') ? [name] : [`/bin/${name}`, `/usr/bin/${name}`];
    for (const path of candidates) {
      try {
        const node = lookupPath({ root: c.root, cwd: c.root }, path);
        if (node.type === 'file') return [path, node];
      } catch {
        // try the next directory
      }
    }
    throw new Error(`exec: "${name}": executable file not found in $PATH`);
  }

  private waitFor(p: Process): Promise<ExitStatus> {
    if (p.state === 'zombie') return Promise.resolve(exitStatusOf(p));
    // A host caller waiting for a container's process lets idle time skip (driver.ts).
    const release = this.k.scheduler.holdHost();
    return new Promise((resolve) => {
      const list = this.waiters.get(p) ?? [];
      list.push((s) => {
        release();
        resolve(s);
      });
      this.waiters.set(p, list);
    });
  }

  private onExit(p: Process): void {
    const c = this.byPidNs.get(p.ns.pid);
    if (!c) return;
    const status = exitStatusOf(p);
    for (const resolve of this.waiters.get(p) ?? []) resolve(status);
    this.waiters.delete(p);
    if (p === c.init) {
      c.status = 'exited';
      c.exitCode = status.kind === 'exited' ? status.code : 128 + status.signal;
      c.finishedNs = this.k.nowNs();
      // When a pid namespace's init dies, the kernel kills everything else in it.
      for (const t of [...c.ns.pid.tasks()]) if (t !== p) this.k.signal(t as Process, SIGKILL);
    }
    if (!p.parent) this.k.reap(p);
  }

  list(all: boolean): ContainerInfo[] {
    const newest = [...this.containers.values()].reverse();
    const running = newest.filter((c) => c.status === 'running');
    const rest = all ? newest.filter((c) => c.status !== 'running') : [];
    return [...running, ...rest].map((c) => this.info(c));
  }

  inspect(idOrName: string): ContainerInfo & Record<string, unknown> {
    const c = this.find(idOrName);
    return {
      ...this.info(c),
      os: c.image.os,
      cgroupPath: c.cgroup.path(),
      rootUidOutside: c.ns.user.outsideUid,
      layers: c.image.layers.length,
    };
  }

  async stop(idOrName: string, graceNs: number): Promise<void> {
    const c = this.find(idOrName);
    const init = c.init;
    if (c.status !== 'running' || !init) return;
    const done = this.waitFor(init);
    this.k.signal(init, SIGTERM);
    this.kick();
    if (c.status === 'running') {
      await Promise.race([done, new Promise<void>((r) => this.k.scheduler.timerHost(this.k.now + graceNs * (CORE_HZ / 1e9), r))]);
      if (c.status === 'running') this.k.signal(init, SIGKILL);
    }
    await done;
  }

  kill(idOrName: string, signal: number): void {
    const c = this.find(idOrName);
    if (c.status !== 'running' || !c.init) throw new Error(`Container ${c.id} is not running`);
    this.k.signal(c.init, signal);
    this.kick();
  }

  remove(idOrName: string, force: boolean): void {
    const c = this.find(idOrName);
    if (c.status === 'running') {
      if (!force) {
        throw new Error(`You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
      }
      this.k.signal(c.init!, SIGKILL);
    }
    this.discard(c);
  }

  private discard(c: Container): void {
    this.containers.delete(c.id);
    this.byName.delete(c.name);
    this.byPidNs.delete(c.ns.pid);
    this.cgroupParent.children.delete(c.id);
  }

  logs(idOrName: string): string {
    return this.find(idOrName).log.chunks.map(latin1).join('');
  }

  stats(): ContainerStats[] {
    return [...this.containers.values()].filter((c) => c.status === 'running').map((c) => {
      const now = this.k.now;
      const elapsed = now - c.sample.at;
      const cpuPercent = elapsed > 0 ? ((c.cgroup.cpuUsage - c.sample.usage) / elapsed) * 100 : 0;
      c.sample = { usage: c.cgroup.cpuUsage, at: now };
      return {
        id: c.id, name: c.name, cpuPercent, memoryBytes: c.cgroup.memoryCurrent,
        memoryLimitBytes: c.cgroup.memoryMax === Infinity ? HOST_MEMORY_BYTES : c.cgroup.memoryMax,
        pids: c.cgroup.pidsCurrent,
      };
    });
  }

  top(idOrName: string): ProcessInfo[] {
    const c = this.find(idOrName);
    const host = this.k.initNs;
    return processList(host.pid, host.user).filter((info) => {
      const p = host.pid.task(info.pid) as Process | undefined;
      return p?.ns.pid === c.ns.pid;
    });
  }

  private find(ref: string): Container {
    const c = this.byName.get(ref)
      ?? this.containers.get(ref) ?? this.byPrefix(ref);
    if (!c) throw new Error(`No such container: ${ref}`);
    return c;
  }

  private byPrefix(ref: string): Container | undefined {
    if (ref.length < 3) return undefined;
    for (const c of this.containers.values()) if (c.id.startsWith(ref)) return c;
    return undefined;
  }

  private info(c: Container): ContainerInfo {
    return {
      id: c.id, name: c.name, image: c.imageRef, command: c.command, status: c.status, exitCode: c.exitCode,
      createdNs: c.createdNs, startedNs: c.startedNs, finishedNs: c.finishedNs,
      hostPid: c.status === 'running' && c.init ? c.init.id : 0,
      hostname: c.ns.uts.hostname, limits: { ...c.limits },
    };
  }
}

interface RuntimeAccess {
  get(): { containers: Map<string, Container>; seq: number; devDir: Inode };
  set(containers: Container[], seq: number): void;
}

interface ContainerSave {
  id: string; name: string; imageRef: string; image: string; command: string; status: ContainerStatus;
  exitCode: number | null; createdNs: number; startedNs: number; finishedNs: number | null;
  init: number | null; limits: ContainerLimits; cgroup: string; ns: number; root: number; log: number;
  sample: { usage: number; at: number };
  /** Volumes: [parent directory, name, mounted inode]. */
  mounts?: [number, string, number][];
}

/** The runtime's share of a kernel checkpoint: its containers, by reference to kernel objects. */
function containerCheckpoint(runtime: ContainerRuntime, access: RuntimeAccess): CheckpointPart {
  return {
    wellKnownInodes: () => ({ dev: access.get().devDir }),
    save(ctx: SaveContext) {
      const { containers, seq } = access.get();
      return {
        seq,
        containers: [...containers.values()].map((c): ContainerSave => ({
          id: c.id, name: c.name, imageRef: c.imageRef, image: c.image.id, command: c.command, status: c.status,
          exitCode: c.exitCode, createdNs: c.createdNs, startedNs: c.startedNs, finishedNs: c.finishedNs,
          init: c.init && runtime.k.processes.has(c.init.id) ? c.init.id : null, limits: { ...c.limits }, cgroup: c.cgroup.path(), ns: ctx.nsSet(c.ns),
          root: ctx.inode(c.root), log: ctx.file(c.log), sample: { ...c.sample },
          mounts: c.mounts.map((m) => [ctx.inode(m.parent), m.name, ctx.inode(m.node)]),
        })),
      };
    },
    restore(ctx: RestoreContext, data: unknown) {
      const saved = (data ?? { seq: 0, containers: [] }) as { seq: number; containers: ContainerSave[] };
      const containers = saved.containers.map((s): Container => {
        const image = runtime.store.find(s.image);
        if (!image) throw new KernelStateError(`container ${s.name} uses image ${s.image}, which this kernel does not have`);
        const log = ctx.file(s.log);
        if (!(log instanceof LogFile)) throw new KernelStateError(`corrupt kernel state: container ${s.name} has no log`);
        return {
          id: s.id, name: s.name, imageRef: s.imageRef, image, command: s.command, status: s.status,
          exitCode: s.exitCode, createdNs: s.createdNs, startedNs: s.startedNs, finishedNs: s.finishedNs,
          init: s.init === null ? null : ctx.process(s.init), limits: { ...s.limits }, cgroup: ctx.cgroup(s.cgroup),
          ns: ctx.nsSet(s.ns), root: ctx.inode(s.root), log, sample: { ...s.sample },
          mounts: (s.mounts ?? []).map(([parent, name, node]) => ({ parent: ctx.inode(parent), name, node: ctx.inode(node) })),
        };
      });
      return () => {
        access.set(containers, saved.seq);
        for (const c of containers) {
          for (const m of c.mounts) if (m.node.type === 'dir' && !m.node.readOnly) bindMount(c.root, m.parent, m.name, m.node);
        }
      };
    },
  };
}

function defaultName(n: number): string {
  const base = `${ADJECTIVES[n % 10]}_${NAMES[Math.floor(n / 10) % 10]}`;
  return n < 100 ? base : `${base}${Math.floor(n / 100)}`;
}

function commandLine(command: ContainerCommand): string {
  return command.kind === 'shell' ? 'sh' : command.argv.join(' ');
}

/** cgroup v2 limits from docker's flags: --memory, --cpus (of one CPU), --pids-limit. */
function applyLimits(g: Cgroup, limits: ContainerLimits): void {
  if (limits.memoryBytes !== undefined) g.memoryMax = limits.memoryBytes;
  if (limits.pidsLimit !== undefined) g.pidsMax = limits.pidsLimit;
  if (limits.cpus !== undefined) g.cpuQuota = Math.round(limits.cpus * g.cpuPeriod);
}
