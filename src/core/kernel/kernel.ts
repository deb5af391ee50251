// The host kernel: one object that wires the filesystem, the console, the process table,
// the scheduler and the system-call table around a single hart (the xv6 kernel in one
// constructor). Processes run in U-mode on that hart with every trap intercepted; the
// kernel handles system calls and faults in TypeScript and switches processes on
// quantum expiry, blocking and exit. Time is the hart's virtual clock.

import type { ProgramImage } from '../asm/image.ts';
import { CORE_HZ } from '../isa/clock.ts';
import { Cpu } from '../isa/cpu.ts';
import { PRIV_U } from '../isa/privilege.ts';
import { Exception, causeName, type Trap } from '../isa/trap.ts';
import type { ExitEvent } from '../run-result.ts';
import { AddressSpace } from './address-space.ts';
import { Cgroup } from './cgroup.ts';
import { EAGAIN, ENOEXEC, ENOMEM, ENXIO, KernelError } from './errno.ts';
import { DEFAULT_KERNEL_COSTS, DEFAULT_QUANTUM, type KernelCosts } from './cost.ts';
import { Block, Console, ConsoleFile, NullFile, PipeEnd, RandomFile, ZeroFile, type OpenFile } from './file.ts';
import { Terminal } from './tty.ts';
import { TtyFile } from './tty-file.ts';
import type { Inode } from './fs/inode.ts';
import { MemFs } from './fs/mem-fs.ts';
import { MountNamespace, PidNamespace, UserNamespace, UtsNamespace, type NamespaceSet } from './namespace.ts';
import { Process, type Credentials } from './process.ts';
import { Scheduler, type IdlePolicy, type KernelStop } from './scheduler.ts';
import {
  CLD_DUMPED, CLD_EXITED, CLD_KILLED, SA_NOCLDWAIT, SEGV_ACCERR, SEGV_MAPERR, SIGBUS, SIGCHLD, SIGILL, SIGKILL,
  SIGSEGV, SIGTRAP, SIG_IGN, SI_KERNEL, defaultAction, signalDescription, userInfo, type SigInfo,
} from './signal.ts';
import { forceSignal, sendSignal } from './signal-delivery.ts';
import { wakeFutex } from './futex.ts';
import { NO_RETURN, dispatch, syscallName, type SyscallArgs } from './syscall.ts';
import { execImage, userImageProblem } from './exec.ts';
import { TextCache } from './program-loader.ts';
import { procfs } from './procfs.ts';
import { PAGE_SIZE } from './frame.ts';
import { pathOf } from './fs/path.ts';
import { cgroupfs } from './cgroupfs.ts';
import { saveKernel } from './checkpoint.ts';
import type { CheckpointPart } from './checkpoint-context.ts';
import type { KernelState } from './checkpoint-state.ts';
import type { KernelServices } from './kernel-services.ts';
import { restoreKernel } from './checkpoint-restore.ts';

export interface KernelOptions {
  /** Where console output goes, as produced. */
  consoleSink?: (bytes: Uint8Array) => void;
  /** Where a process's standard error goes when it is the console (default: consoleSink). */
  consoleErrorSink?: (bytes: Uint8Array) => void;
  /** Turns a file's bytes into a program for execve (normally the ELF reader). */
  parseProgram?: (bytes: Uint8Array, path: string) => ProgramImage;
  costs?: Partial<KernelCosts>;
  quantum?: number;
  hostname?: string;
  /** Bounded length of the trap/syscall event log. */
  eventLogLength?: number;
  /** The machine's RAM: all processes together cannot use more (global OOM). Default 128 MiB. */
  memoryBytes?: number;
  /** Most processes at once (Linux pid_max). Default 32768. */
  pidMax?: number;
}

export const DEFAULT_MEMORY_BYTES = 128 * 1024 * 1024;
/** The counter-enable bits (mcounteren/scounteren): cycle, time, instret. */
const COUNTEREN_CY = 1;
const COUNTEREN_TM = 2;
const COUNTEREN_IR = 4;
export const DEFAULT_PID_MAX = 32768;

export interface SpawnRequest {
  image: ProgramImage;
  argv: string[];
  envp?: string[];
  ns?: NamespaceSet;
  cgroup?: Cgroup;
  creds?: Credentials;
  cwd?: Inode;
  parent?: Process | null;
  /** Descriptors 0, 1, 2; defaults to the console on all three. */
  stdio?: [OpenFile, OpenFile, OpenFile];
}

export const DEFAULT_ENV = ['PATH=/bin:/usr/bin', 'HOME=/', 'TERM=xterm'];

export class Kernel implements KernelServices {
  readonly fs = new MemFs();
  readonly console: Console;
  readonly cpu: Cpu;
  readonly textCache = new TextCache();
  readonly rootCgroup = new Cgroup('', null);
  readonly initNs: NamespaceSet;
  readonly costs: KernelCosts;
  readonly scheduler: Scheduler;
  /** Every process not yet reaped, by global id. */
  readonly processes = new Map<number, Process>();
  readonly deviceId = 1;
  /** Kernel messages (dmesg): unknown system calls, OOM kills, segfaults. */
  readonly messages: string[] = [];
  readonly events: ExitEvent[] = [];
  readonly eventCounts: Record<string, number> = {};
  readonly overheadByCause: Record<string, number> = {};
  eventTotal = 0;
  instructions = 0;
  private nextId = 1;
  private eventLogLengthValue: number;
  /** Others that keep state in the kernel (the container runtime), saved with it. */
  readonly checkpointParts = new Map<string, CheckpointPart>();
  private readonly parseProgram: (bytes: Uint8Array, path: string) => ProgramImage;
  readonly consoleNode: Inode;
  readonly nullNode: Inode;
  /** Called when a process becomes a zombie (shell job control, the container runtime). */
  readonly exitListeners = new Set<(p: Process) => void>();
  /** Called when a process is stopped by a signal (job control in a host shell). */
  readonly stopListeners = new Set<(p: Process) => void>();
  /** System calls answered with ENOSYS, by number (shown in /proc/trapdoor/enosys). */
  readonly enosys = new Map<number, number>();

  constructor(opts: KernelOptions = {}) {
    this.console = new Console(opts.consoleSink ?? (() => {}));
    if (opts.consoleErrorSink) this.console.errorSink = opts.consoleErrorSink;
    this.cpu = new Cpu(new AddressSpace());
    this.cpu.interceptUserTraps = true;
    // User code may read the time CSR (rdtime: the 10 MHz virtual timebase), as Linux
    // allows; cycle and instret stay privileged, as Linux 6.6+ leaves them by default
    // (scounteren = TM only; the firmware, like OpenSBI, opens all three to S-mode).
    // Priv. spec 3.1.11 (mcounteren) and 4.1.5 (scounteren).
    this.cpu.csr.mcounteren = COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR;
    this.cpu.csr.scounteren = COUNTEREN_TM;
    this.costs = { ...DEFAULT_KERNEL_COSTS, ...opts.costs };
    // The root cgroup's limits are the machine's: a runaway process meets the OOM killer
    // or EAGAIN instead of exhausting the host.
    this.rootCgroup.memoryMax = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
    this.rootCgroup.pidsMax = opts.pidMax ?? DEFAULT_PID_MAX;
    this.scheduler = new Scheduler(this, opts.quantum ?? DEFAULT_QUANTUM);
    this.eventLogLengthValue = opts.eventLogLength ?? 256;
    this.parseProgram = opts.parseProgram ?? (() => {
      throw new Error('no program parser configured');
    });
    this.initNs = {
      pid: new PidNamespace(null),
      uts: new UtsNamespace(opts.hostname ?? 'trapdoor'),
      mnt: new MountNamespace(this.fs.root),
      user: new UserNamespace(0, 0),
    };
    this.fs.mkdirs('/tmp').perm = 0o1777;
    this.fs.mkdirs('/bin');
    this.consoleNode = this.makeDevice('console', 0o620);
    this.nullNode = this.makeDevice('null', 0o666);
    for (const name of ['zero', 'random', 'urandom', 'tty']) this.makeDevice(name, 0o666);
    this.fs.mkdirs('/dev/pts');
    // The host's view of the pseudo filesystems: all processes, the whole cgroup tree (writable).
    this.fs.root.entries!.set('proc', procfs(this, this.initNs.pid, this.fs.root));
    const sysFs = this.fs.mkdirs('/sys/fs');
    sysFs.entries!.set('cgroup', cgroupfs(this, this.rootCgroup, true, sysFs));
  }

  private makeDevice(name: string, perm: number): Inode {
    const dev = this.fs.mkdirs('/dev');
    const node = this.fs.create('chardev', perm);
    node.device = name;
    this.fs.link(dev, name, node);
    return node;
  }

  // ---- time ---------------------------------------------------------------------------

  /** Virtual cycles since boot. */
  get now(): number {
    return this.cpu.clock.cycles;
  }

  nowNs(): number {
    return Math.floor(this.now * (1e9 / CORE_HZ));
  }

  /** Moves virtual time forward with nothing running (every process asleep). */
  idleUntil(cycle: number): void {
    const skip = Math.max(0, cycle - this.now);
    this.cpu.clock.cycles += skip;
    this.cpu.clock.idleCycles += skip;
  }

  log(message: string): void {
    this.messages.push(`[${(this.nowNs() / 1e9).toFixed(6)}] ${message}`);
    if (this.messages.length > 1000) this.messages.shift();
  }

  // ---- devices ------------------------------------------------------------------------

  /**
   * An open file for a device inode, or null for ordinary files. /dev/tty is the caller's
   * controlling terminal; opening a terminal makes it the controlling terminal of a
   * session leader that has none (unless O_NOCTTY).
   */
  openDevice(node: Inode, _readable: boolean, _writable: boolean, p?: Process, noctty = false): OpenFile | null {
    if (node.type !== 'chardev') return null;
    switch (node.device) {
      case 'console': return new ConsoleFile(this.console, node);
      case 'zero': return new ZeroFile(node);
      case 'random': case 'urandom': return new RandomFile(node, this);
      case 'tty': {
        const t = p ? this.terminalOf(p) : null;
        if (!t) throw new KernelError(ENXIO);
        return new TtyFile(t);
      }
    }
    const t = [...this.terminals].find((term) => term.node === node);
    if (t) {
      if (p && !noctty && p.leader.sid === p.pid && !this.terminalOf(p) && !t.session) t.attach(p);
      return new TtyFile(t);
    }
    return new NullFile(node);
  }

  // ---- terminals ----------------------------------------------------------------------

  /** Every terminal (pseudo-terminal) the host has opened, /dev/pts/N. */
  readonly terminals = new Set<Terminal>();
  private nextPts = 0;

  /**
   * A new terminal whose output goes to `sink` (the host's screen); the host types into
   * it with input() and closes it with hangup(). It appears as /dev/pts/N.
   */
  openTerminal(sink: (bytes: Uint8Array) => void): Terminal {
    const n = this.nextPts++;
    const node = this.fs.create('chardev', 0o620);
    node.device = `pts/${n}`;
    this.fs.link(this.fs.mkdirs('/dev/pts'), String(n), node);
    const t = new Terminal(this, node, sink, (136 << 8) | n);
    this.terminals.add(t);
    return t;
  }

  closeTerminal(t: Terminal): void {
    t.hangup();
    this.terminals.delete(t);
    const pts = this.fs.lookup('/dev/pts');
    const name = t.node.device.slice(4);
    if (pts?.entries?.get(name) === t.node) this.fs.unlink(pts, name);
  }

  /** p's controlling terminal: the one whose session is p's, or null. */
  terminalOf(p: Process): Terminal | null {
    for (const t of this.terminals) {
      if (t.session && t.session.ns === p.ns.pid && t.session.sid === p.leader.sid) return t;
    }
    return null;
  }

  /** The process whose system call (or host call) is running: /proc/self names it. */
  current: Process | null = null;

  /** A stable number for a pipe (/proc/PID/fd's "pipe:[N]"). */
  pipeId(f: OpenFile): number {
    if (!(f instanceof PipeEnd)) return 0;
    let id = this.pipeIds.get(f.pipe);
    if (id === undefined) this.pipeIds.set(f.pipe, (id = ++this.pipeCount));
    return id;
  }

  private readonly pipeIds = new WeakMap<object, number>();
  private pipeCount = 0;

  consoleFile(toError = false): OpenFile {
    return new ConsoleFile(this.console, this.consoleNode, toError);
  }

  nullFile(): OpenFile {
    return new NullFile(this.nullNode);
  }

  // ---- process lifecycle --------------------------------------------------------------

  /**
   * Creates a process running `image` (the host's fork+exec). The program is loaded before
   * the process is made visible, so one that cannot load (bad image, pids.max, memory.max)
   * throws and leaves nothing behind: no pid, no charge, no zombie. The caller keeps its
   * references to `stdio` on failure; on success they become the process's.
   */
  spawn(req: SpawnRequest): Process {
    const problem = userImageProblem(req.image);
    if (problem) throw new KernelError(ENOEXEC, problem);
    const ns = req.ns ?? this.initNs;
    const cgroup = req.cgroup ?? this.rootCgroup;
    if (!cgroup.chargePid()) throw new KernelError(EAGAIN, `pids.max of cgroup ${cgroup.path()} reached`);
    const p = new Process(this.nextId++, new AddressSpace(cgroup), req.parent ?? null, ns, cgroup,
      req.cwd ?? ns.mnt.root, req.creds ?? { uid: 0, gid: 0 });
    p.files = [...(req.stdio ?? [this.consoleFile(), this.consoleFile(), this.consoleFile(true)])];
    if (!execImage(this, p, req.image, req.argv, req.envp ?? DEFAULT_ENV)) {
      p.files = [];
      cgroup.unchargePid();
      const msg = `could not load ${req.argv[0] ?? 'the program'}: out of memory (memory.max of cgroup ${cgroup.path()})`;
      this.log(msg);
      throw new KernelError(ENOMEM, msg);
    }
    ns.pid.attach(p);
    this.joinSession(p);
    p.startCycle = this.now;
    p.parent?.children.add(p);
    this.processes.set(p.id, p);
    this.scheduler.makeRunnable(p);
    return p;
  }

  /**
   * A host-side process: a pid, descriptors, a cwd and a namespace set for code that runs
   * in TypeScript (the shell), never on the hart. It counts against pids.max like any other.
   */
  spawnHost(req: Omit<SpawnRequest, 'image' | 'envp'>): Process {
    const ns = req.ns ?? this.initNs;
    const cgroup = req.cgroup ?? this.rootCgroup;
    if (!cgroup.chargePid()) throw new KernelError(EAGAIN, `pids.max of cgroup ${cgroup.path()} reached`);
    const p = new Process(this.nextId++, new AddressSpace(cgroup), req.parent ?? null, ns, cgroup,
      req.cwd ?? ns.mnt.root, req.creds ?? { uid: 0, gid: 0 });
    p.host = true;
    p.state = 'sleeping';
    p.channel = p;
    p.argv = req.argv;
    p.name = (req.argv[0] ?? 'sh').split('/').pop()!.slice(0, 15);
    ns.pid.attach(p);
    p.pgid = p.sid = p.tid;
    p.startCycle = this.now;
    p.parent?.children.add(p);
    p.files = [...(req.stdio ?? [this.consoleFile(), this.consoleFile(), this.consoleFile()])];
    this.processes.set(p.id, p);
    return p;
  }

  /**
   * A spawned process joins its parent's process group and session when it shares its
   * parent's pid namespace; one started from outside a namespace that has an init joins
   * init's (as `docker exec` does without a tty); a namespace's first process leads its own.
   */
  private joinSession(p: Process): void {
    const parent = p.parent;
    const init = p.ns.pid.task(1) as Process | undefined;
    const model = parent && parent.ns.pid === p.ns.pid ? parent.leader : init && init !== p ? init : null;
    if (model) {
      p.pgid = model.pgid;
      p.sid = model.sid;
    } else {
      p.pgid = p.sid = p.tid;
    }
  }

  /**
   * fork: a copy of p that returns 0 from the same system call. With `thread` (clone
   * with CLONE_VM|CLONE_THREAD) the copy shares p's memory, descriptors and signal
   * handlers and joins p's thread group instead.
   */
  fork(p: Process, thread = false): Process | null {
    if (!p.cgroup.chargePid()) return null;
    const space = thread ? p.space : p.space.fork(p.cgroup);
    if (thread) space.sharers++;
    const parent = thread ? p.leader.parent : p.leader;
    const child = new Process(this.nextId++, space, parent, p.ns, p.cgroup, p.cwd, { ...p.creds });
    child.regs.set(p.regs);
    child.regs[10] = 0;
    child.pc = (p.pc + 4) >>> 0;
    if (thread) {
      child.files = p.files;
      child.fdFlags = p.fdFlags;
      child.handlers = p.leader.handlers;
      child.leader = p.leader;
      p.leader.threads.add(child);
      child.exitSignal = 0;
    } else {
      child.files = p.files.map((f) => {
        if (f) f.refs++;
        return f;
      });
      child.fdFlags = [...p.fdFlags];
      child.handlers = p.leader.handlers.copy();
      child.altStack = p.altStack;
    }
    child.sigMask = p.sigMask;
    child.pgid = p.leader.pgid;
    child.sid = p.leader.sid;
    Object.assign(child, { brkStart: p.brkStart, brk: p.brk, mmapNext: p.mmapNext, name: p.name, argv: p.argv });
    child.startCycle = this.now;
    p.ns.pid.attach(child);
    if (!thread) p.leader.children.add(child);
    this.processes.set(child.id, child);
    this.scheduler.makeRunnable(child);
    return child;
  }

  /** Drops p's hold on its address space; the last thread using it frees it. */
  releaseSpace(p: Process): void {
    if (--p.space.sharers <= 0) p.space.clear();
  }

  /** execve: descriptors marked FD_CLOEXEC are closed. */
  closeOnExec(p: Process): void {
    if (p.leader.threads.size > 1 || p.files !== p.leader.files) {
      // The new image runs alone: unshare the table the threads had.
      p.files = [...p.files];
      for (const f of p.files) if (f) f.refs++;
      p.fdFlags = [...p.fdFlags];
    }
    for (let fd = 0; fd < p.files.length; fd++) {
      const f = p.files[fd];
      if (!f || !(p.fdFlags[fd]! & 1)) continue;
      p.files[fd] = null;
      p.fdFlags[fd] = 0;
      if (--f.refs === 0) f.release();
    }
  }

  /** Installs a program file whose image is already built (skips parsing on execve). */
  installProgram(path: string, elf: Uint8Array, image: ProgramImage): Inode {
    const node = this.fs.writeFile(path, elf, 0o755);
    this.images.set(node, { version: node.version, image });
    return node;
  }

  /** Runs a program file found in p's filesystem view in place of p's image (execve). */
  loadProgramFile(node: Inode, path: string): ProgramImage {
    const image = this.programCache(node, path);
    if (userImageProblem(image)) throw new KernelError(ENOEXEC);
    return image;
  }

  private readonly images = new WeakMap<Inode, { version: number; image: ProgramImage }>();

  /** The parsed program cached for a file, if still current (checkpoints). */
  cachedProgram(node: Inode): ProgramImage | undefined {
    const hit = this.images.get(node);
    return hit && hit.version === node.version ? hit.image : undefined;
  }

  /** The program a file holds, parsed once per file version. */
  programFor(node: Inode): ProgramImage {
    return this.programCache(node, '');
  }

  cacheProgram(node: Inode, image: ProgramImage): void {
    this.images.set(node, { version: node.version, image });
  }

  /** One ProgramImage per file version, so every process running it shares its text. */
  private programCache(node: Inode, path: string): ProgramImage {
    const hit = this.images.get(node);
    if (hit && hit.version === node.version) return hit.image;
    const image = this.parseProgram(node.contents(), path);
    this.images.set(node, { version: node.version, image });
    return image;
  }

  /**
   * Ends a process: closes its files, frees its memory, hands its children to the
   * namespace's init, and leaves a zombie for wait4 (xv6 exit).
   */
  exit(p: Process, code: number, signal = 0, reason = ''): void {
    // exit_group: every other thread goes first, then the leader reports for the group.
    const leader = p.leader;
    if (leader.state === 'zombie') return;
    for (const t of [...leader.threads]) if (t !== leader) this.exitThread(t, true);
    p = leader;
    p.threads.clear();
    p.waitStatus = signal ? signal & 0x7f : (code & 0xff) << 8;
    p.killedBy = signal;
    p.killReason = reason;
    this.clearChildTid(p);
    for (let fd = 0; fd < p.files.length; fd++) {
      const f = p.files[fd];
      p.files[fd] = null;
      if (f && --f.refs === 0) f.release();
    }
    if (p.channel !== p.threads) this.releaseSpace(p);
    this.scheduler.remove(p);
    p.state = 'zombie';
    p.channel = null;
    p.stopped = false;
    p.sigPending = 0n;
    // The pid stays charged to the cgroup (pids.current, pid_max) until the zombie is
    // reaped, as in Linux: unreaped children count, so a fork loop that never waits meets
    // EAGAIN instead of filling memory with zombies.
    this.reparentChildren(p);
    this.releaseVfork(p);
    if (p.sid === p.tid) this.terminalOf(p)?.sessionEnded();
    this.notifyExit(p);
    for (const listener of this.exitListeners) listener(p);
    // No parent to wait for it (a process the host started, an orphan with no init to
    // inherit it): reaped at once, as init would; the host keeps its Process to read the status.
    if (!p.parent) this.reap(p);
  }

  /**
   * exit(2) of one thread. Another thread is reaped at once; a leader whose group lives
   * on waits unscheduled (its memory still in use) and reports when the last one ends.
   */
  exitThread(t: Process, groupExit = false): void {
    const leader = t.leader;
    if (t.state === 'zombie' || (t === leader && t.channel === t.threads)) return;
    if (t === leader) {
      if (t.threads.size <= 1) {
        this.exit(t, 0);
        return;
      }
      t.threads.delete(t);
      this.clearChildTid(t);
      this.releaseSpace(t);
      this.scheduler.remove(t);
      t.state = 'sleeping';
      t.channel = t.threads;
      return;
    }
    this.clearChildTid(t);
    this.releaseSpace(t);
    this.scheduler.remove(t);
    t.state = 'zombie';
    t.cgroup.unchargePid();
    leader.threads.delete(t);
    t.ns.pid.detach(t);
    this.processes.delete(t.id);
    if (!groupExit && leader.threads.size === 0 && leader.channel === leader.threads) this.exit(leader, 0);
  }

  /** CLONE_CHILD_CLEARTID: zero the word and wake one futex waiter (pthread_join). */
  private clearChildTid(t: Process): void {
    if (!t.clearTid) return;
    const at = t.clearTid;
    t.clearTid = 0;
    if (t.space.sharers > 1 && t.space.copyOut(at, new Uint8Array(4))) wakeFutex(this, t.space, at, 1);
  }

  /**
   * The parent learns of the exit: SIGCHLD (or the clone's exit signal) and a wakeup for
   * wait; a parent that ignores SIGCHLD or set SA_NOCLDWAIT gets no zombie at all.
   */
  private notifyExit(p: Process): void {
    const parent = p.parent;
    if (!parent) return;
    this.wakeup(parent);
    if (parent.host || parent.state === 'zombie') return;
    const act = parent.handlers.get(SIGCHLD);
    if (p.exitSignal === SIGCHLD && (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT))) {
      this.reap(p);
      return;
    }
    if (!p.exitSignal) return;
    const code = p.killedBy ? (defaultAction(p.killedBy) === 'core' ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
    const info: SigInfo = {
      signo: p.exitSignal, code, pid: parent.ns.pid.pidOf(p), uid: p.creds.uid,
      status: p.killedBy || (p.waitStatus >> 8) & 0xff, addr: 0,
    };
    sendSignal(this, parent, p.exitSignal, info);
  }

  private reparentChildren(p: Process): void {
    const init = p.ns.pid.task(1) as Process | undefined;
    const heir = init && init !== p && init.state !== 'zombie' ? init : null;
    for (const c of p.children) {
      c.parent = heir;
      heir?.children.add(c);
      if (c.state === 'zombie') {
        if (heir) this.wakeup(heir);
        else this.reap(c);
      }
    }
    p.children.clear();
  }

  /** Removes a zombie for good: its pid becomes free and its cgroup's pids charge is released. */
  reap(p: Process): void {
    if (this.processes.get(p.id) !== p) return; // reaped already
    p.parent?.children.delete(p);
    p.ns.pid.detach(p);
    this.processes.delete(p.id);
    p.cgroup.unchargePid();
  }

  /**
   * Sends a signal from the kernel or the host (a container stop, SIGPIPE): the process's
   * handler runs if it has one, else the default action (signal-delivery.ts).
   */
  signal(p: Process, sig: number, reason = '', info: SigInfo = userInfo(sig, 0, 0, SI_KERNEL)): void {
    sendSignal(this, p, sig, info, reason || signalDescription(sig));
  }

  // ---- sleeping and waking ------------------------------------------------------------

  sleepOn(p: Process, channel: object, deadline?: number): void {
    this.scheduler.sleepOn(p, channel, deadline);
  }

  sleepUntil(p: Process, cycle: number): void {
    this.scheduler.sleepUntil(p, cycle);
  }

  wakeup(channel: object): void {
    this.scheduler.wakeup(channel);
  }

  // ---- checkpoint and restore (checkpoint.ts) -------------------------------------------

  /** Everything the kernel is: processes, memory, files, namespaces, cgroups, time. */
  getState(): KernelState {
    return saveKernel(this);
  }

  /**
   * Continues from a saved state (the same images must be installed: create the
   * ContainerRuntime first). Throws StateVersionError or KernelStateError, changing nothing.
   */
  setState(state: KernelState): void {
    restoreKernel(this, state);
  }

  get eventLogLength(): number {
    return this.eventLogLengthValue;
  }

  get nextProcessId(): number {
    return this.nextId;
  }

  /** The kernel's own counters and configuration, from a checkpoint. */
  restoreCounters(nextId: number, config: KernelState['config'], log: KernelState['log'], sharedPages: number): void {
    this.nextId = nextId;
    this.scheduler.quantum = config.quantum;
    Object.assign(this.costs, config.costs);
    this.eventLogLengthValue = config.eventLogLength;
    this.messages.splice(0, this.messages.length, ...log.messages);
    this.events.splice(0, this.events.length, ...log.events.map((e) => ({ ...e })));
    for (const key of Object.keys(this.eventCounts)) delete this.eventCounts[key];
    Object.assign(this.eventCounts, log.eventCounts);
    for (const key of Object.keys(this.overheadByCause)) delete this.overheadByCause[key];
    Object.assign(this.overheadByCause, log.overheadByCause);
    this.eventTotal = log.eventTotal;
    this.instructions = log.instructions;
    this.textCache.sharedPages = sharedPages;
  }

  // ---- running ------------------------------------------------------------------------

  /**
   * Runs processes for at most `budget` instructions (steps). When every process sleeps,
   * virtual time skips to the next wakeup, unless skipIdle is false (a host pacing the
   * kernel to real time), which returns 'idle' instead.
   */
  run(budget: number, skipIdle: IdlePolicy = true): KernelStop {
    return this.scheduler.run(budget, skipIdle);
  }

  /** What the scheduler calls when a process's slice ended in a trap. */
  handleTrap(p: Process, trap: Trap): void {
    if (trap.interrupt) return;
    try {
      if (trap.cause === Exception.EcallFromU) this.systemCall(p, trap);
      else this.fault(p, trap);
    } catch (e) {
      this.oops(p, e);
    }
  }

  /** Kernel bugs met so far (an exception escaped a system call or a fault handler). */
  oopses = 0;

  /**
   * A bug in the kernel's own code while it served p: as a Linux oops, it is logged and
   * the process it happened in is killed, so one guest cannot take the lab down with it.
   * Tests and the fuzz suite assert that this never happens.
   */
  private oops(p: Process, e: unknown): void {
    this.oopses++;
    const msg = `kernel BUG while serving ${p.name}[${p.id}]: ${e instanceof Error ? e.message : String(e)}`;
    this.log(msg);
    if (p.state !== 'zombie') this.exit(p, 0, SIGKILL, msg);
  }

  private systemCall(p: Process, trap: Trap): void {
    const num = p.regs[17]!;
    const r = p.regs;
    const args: SyscallArgs = [r[10]!, r[11]!, r[12]!, r[13]!, r[14]!, r[15]!];
    p.syscalls++;
    this.cpu.charge(this.costs.syscall);
    const name = syscallName(num);
    this.record(`syscall:${name}`, trap, `${name}(${args.slice(0, 3).map((v) => v | 0).join(', ')})`, this.costs.syscall);
    p.sleepKind = null;
    this.current = p;
    const result = dispatch(this, p, num, args);
    // A copy to or from user memory met memory.max: the OOM killer, as for a user store.
    if (p.space.oomAt !== null && p.state !== 'zombie') this.oomKill(p);
    if (result === NO_RETURN || p.state === 'zombie') return;
    if (result instanceof Block) {
      this.scheduler.sleepOnAny(p, [result.channel, ...result.others], result.deadline ?? undefined);
      p.sleepKind = result.kind;
      return;
    }
    p.regs[10] = result;
    p.pc = (p.pc + 4) >>> 0;
  }

  private fault(p: Process, trap: Trap): void {
    const where = `at pc 0x${hex(trap.pc)}`;
    if (p.space.oomAt !== null) {
      this.oomKill(p);
      return;
    }
    const sig = faultSignal(trap.cause);
    const msg = `${p.name}[${p.id}]: ${signalDescription(sig)}: ${causeName(trap.cause, false)} ${where}, address 0x${hex(trap.tval)}`;
    this.log(msg);
    this.record(`fault:${causeName(trap.cause, false)}`, trap, msg, 0);
    const mapped = p.space.findRegion(trap.tval >>> 0) !== undefined;
    const info: SigInfo = {
      signo: sig, code: sig === SIGSEGV ? (mapped ? SEGV_ACCERR : SEGV_MAPERR) : 1, pid: 0, uid: 0, status: 0,
      addr: sig === SIGILL ? trap.pc : trap.tval >>> 0,
    };
    forceSignal(this, p, sig, info, msg);
  }

  /**
   * A page p needed could not be paid for (memory.max, or the machine's RAM for the root
   * group): the OOM killer ends p. No reclaim in this model, so the faulting task is the victim.
   */
  oomKill(p: Process): void {
    p.space.oomAt = null;
    p.cgroup.recordOomKill();
    const msg = `Out of memory: Killed process ${p.id} (${p.name}) (memory.max of cgroup ${p.cgroup.path()})`;
    this.log(msg);
    this.signal(p, SIGKILL, msg);
  }

  /** Adds one kernel entry to the event log and the per-cause counts. */
  record(cause: string, trap: Pick<Trap, 'pc' | 'insn'>, action: string, cost: number): void {
    this.eventCounts[cause] = (this.eventCounts[cause] ?? 0) + 1;
    if (cost > 0) this.overheadByCause[cause] = (this.overheadByCause[cause] ?? 0) + cost;
    const event: ExitEvent = { seq: this.eventTotal++, cause, cycle: this.now, pc: trap.pc, insn: trap.insn, action, cost };
    this.events.push(event);
    if (this.events.length > this.eventLogLengthValue) this.events.shift();
  }

  /** Loads p's registers onto the hart and its address space into the MMU. */
  switchTo(p: Process): void {
    const cpu = this.cpu;
    cpu.memory = p.space;
    cpu.x.set(p.regs);
    cpu.x[0] = 0;
    cpu.pc = p.pc;
    cpu.priv = PRIV_U;
    cpu.reservation = -1;
  }

  saveFrom(p: Process): void {
    p.regs.set(this.cpu.x);
    p.pc = this.cpu.pc >>> 0;
  }

  /** getrandom's generator state (deterministic, like everything in the lab). */
  entropy = 0x2545f491;
  private load = [0, 0, 0];
  private loadAt = 0;

  /** The 1, 5 and 15 minute load averages: runnable processes, decayed in virtual time. */
  loadAverage(): [number, number, number] {
    const dt = (this.now - this.loadAt) / CORE_HZ;
    if (dt > 0) {
      const n = this.scheduler.runnableCount + 1; // the caller is running
      this.load = this.load.map((l, i) => {
        const decay = Math.exp(-dt / [60, 300, 900][i]!);
        return l * decay + n * (1 - decay);
      });
      this.loadAt = this.now;
    }
    return [this.load[0]!, this.load[1]!, this.load[2]!];
  }

  /** Memory as p may see it: its cgroup's memory.max inside a container, else the machine's. */
  memoryView(p: Process | null): { total: number; used: number; free: number; shared: number } {
    const cg = p?.cgroup ?? this.rootCgroup;
    const root = this.rootCgroup;
    const shared = this.textCache.sharedPages * PAGE_SIZE;
    const limited = cg !== root && cg.memoryMax !== Infinity;
    const total = limited ? cg.memoryMax : root.memoryMax === Infinity ? DEFAULT_MEMORY_BYTES : root.memoryMax;
    const used = limited ? cg.memoryCurrent : root.memoryCurrent + shared;
    return { total, used, free: Math.max(0, total - used), shared };
  }

  /** The path of p's working directory as p sees it. */
  cwdPath(p: Process): string {
    return pathOf(p.root, p.cwd);
  }

  /** A vfork child execs or exits: its parent may run again. */
  releaseVfork(child: Process): void {
    if (!child.vforkParent) return;
    child.vforkParent = null;
    this.wakeup(child);
  }

  /** setsid: the process no longer has a controlling terminal. */
  detachTerminal(p: Process): void {
    for (const hook of this.sessionHooks) hook(p);
  }

  /** Called when a process starts a new session (terminals drop it as their session). */
  readonly sessionHooks = new Set<(p: Process) => void>();

  /** A fresh uts/pid/mount/user namespace set (a container's). */
  newNamespaces(hostname: string, root: Inode, outsideUid: number): NamespaceSet {
    return {
      pid: new PidNamespace(this.initNs.pid),
      uts: new UtsNamespace(hostname),
      mnt: new MountNamespace(root),
      user: new UserNamespace(outsideUid, outsideUid),
    };
  }
}

function faultSignal(cause: number): number {
  switch (cause) {
    case Exception.IllegalInstruction: return SIGILL;
    case Exception.Breakpoint: return SIGTRAP;
    case Exception.InstructionAddressMisaligned:
    case Exception.LoadAddressMisaligned:
    case Exception.StoreAddressMisaligned: return SIGBUS;
    default: return SIGSEGV;
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16);
}
