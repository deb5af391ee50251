// Checkpoint and restore of the whole host kernel (what CRIU does for Linux processes,
// done here from inside the kernel). The kernel is a graph of objects that point at each
// other — processes at address spaces, frames, open files, namespaces and cgroups; open
// files at inodes and pipes; directories at inodes — so a checkpoint numbers every object
// once (a frame shared by 10,000 processes is saved once) and stores references as those
// numbers. A few objects belong to the host that owns the kernel and are restored in
// place rather than replaced ("well-known": the root directory, /dev/console, /dev/null,
// the initial namespaces, the root cgroup, the console), so its ports keep working.
// The image store's read-only layers are referred to by path, not copied: the restoring
// kernel must have built the same images (same inode numbers), or the restore is refused.
//
// Restoring (checkpoint-restore.ts) happens in two phases: every object is built and every
// reference checked first, without touching the kernel; only then are the kernel's fields
// replaced. A corrupt or mismatched state is refused with a message and changes nothing.
//
// Not part of a checkpoint: the host's pending calls (promises of a KernelPort, the
// runtime's waits), exit listeners and the console's sink — they belong to the host.
// Dynamic files (/proc/N/status...) held open are saved as a snapshot of their contents.

import type { CpuState } from '../isa/cpu.ts';
import type { ExitEvent } from '../run-result.ts';
import type { AddressSpace, Region } from './address-space.ts';
import { Cgroup } from './cgroup.ts';
import type { EventCounts } from './cgroup-events.ts';
import type { RestoreContext } from './checkpoint-restore.ts';
import type { KernelCosts } from './cost.ts';
import { ConsoleFile, InodeFile, LogFile, NullFile, Pipe, PipeEnd, RandomFile, TeeFile, ZeroFile, type OpenFile } from './file.ts';
import type { Frame } from './frame.ts';
import type { Inode, InodeType } from './fs/inode.ts';
import { IMAGE_LAYERS_DIR } from './fs/mem-fs.ts';
import type { Kernel } from './kernel.ts';
import type { MountNamespace, NamespaceSet, PidNamespace, UserNamespace, UtsNamespace } from './namespace.ts';
import { Process, type ProcessState, type SleepKind, type WaitReport } from './process.ts';
import type { SigInfo } from './signal.ts';

/**
 * 2: cgroups carry their event counters (events, eventsLocal) and cpu.stat's bandwidth figures.
 * 3: processes carry their signal state, process group and session (ProcessSave.job).
 */
export const KERNEL_STATE_VERSION = 3;

/** A refused restore: the message says why; the kernel was not changed. */
export class KernelStateError extends Error {
  override name = 'KernelStateError';
}

/** Something besides the kernel that keeps state in it (the container runtime). */
export interface CheckpointPart {
  /** Inodes the part owns and keeps pointers to: restored in place, by name. */
  wellKnownInodes(): Record<string, Inode>;
  save(ctx: SaveContext): unknown;
  /** Builds from `data` (null: the state has none of this part); returns the commit step. */
  restore(ctx: RestoreContext, data: unknown): () => void;
}

export type ChannelRef = { k: 'pipe'; id: number } | { k: 'console' } | { k: 'process'; id: number };

export type InodeState =
  | { k: 'ref'; path: string; ino: number }
  /** parent and viewer are optional: states saved before they existed restore without them. */
  | { k: 'proc'; ns: number; parent?: number | null }
  | { k: 'cgroup'; cgroup: string; writable: boolean; parent: number | null; viewer?: number | null }
  | {
    k: 'node'; ino: number; type: InodeType; perm: number; data: Uint8Array | null; target: string;
    nlink: number; uid: number; gid: number; mtimeNs: number; readOnly: boolean; version: number;
    device: string; entries: [string, number][] | null; lower: number[] | null; parentOverlay: number | null;
  };

export type FileState =
  | { k: 'inode'; refs: number; node: number; readable: boolean; writable: boolean; append: boolean; offset: number }
  | { k: 'pipe'; refs: number; pipe: number; write: boolean }
  | { k: 'console'; refs: number; node: number | null; toError?: boolean }
  | { k: 'null'; refs: number; node: number }
  | { k: 'zero' | 'random'; refs: number; node: number }
  | { k: 'log'; refs: number; chunks: Uint8Array[]; bytes: number }
  | { k: 'tee'; refs: number; target: number; log: number };

export interface CgroupState {
  name: string;
  limits: Record<(typeof CGROUP_FIELDS)[number], number>;
  events: EventCounts;
  eventsLocal: EventCounts;
  children: CgroupState[];
}

interface SpaceState {
  charge: string | null;
  regions: Region[];
  pages: [number, number, number, boolean][];
  oomAt: number | null;
}

export interface ProcessSave {
  id: number; regs: number[]; pc: number; state: ProcessState; channel: ChannelRef | null; wakeAt: number;
  files: (number | null)[]; brkStart: number; brk: number; mmapNext: number; children: number[];
  parent: number | null; waitStatus: number; killedBy: number; killReason: string; name: string;
  argv: string[]; instructions: number; cpuCycles: number; syscalls: number; startCycle: number;
  host: boolean; space: SpaceState; ns: number; cgroup: string; cwd: number; uid: number; gid: number;
  job: JobSave;
}

/** A process's signals, job control and descriptor flags (sets as decimal strings: 64 bits). */
export interface JobSave {
  pgid: number; sid: number; exitSignal: number; umask: number; fdFlags: number[];
  sigMask: string; sigPending: string; savedMask: string | null;
  handlers: [number, number, string][]; sigInfo: [number, SigInfo][];
  altStack: { sp: number; size: number }; stopped: boolean; waitReport: WaitReport;
  sleepKind: SleepKind | null; deadline: number | null; timeoutResult: number; clearTid: number;
  exePath: string; childCpuCycles: number; vforkParent: number | null;
}

export interface SchedulerState {
  quantum: number;
  queue: number[];
  sleepers: [ChannelRef, number[]][];
  timers: [number, number][];
  last: number | null;
}

export interface KernelState {
  kind: 'kernel';
  version: number;
  config: { quantum: number; costs: KernelCosts; eventLogLength: number };
  cpu: CpuState;
  nextId: number;
  nextIno: number;
  wellKnown: Record<string, number>;
  inodes: InodeState[];
  frames: { shared: boolean; refs: number; bytes: Uint8Array | null; system?: boolean }[];
  pipes: { bytes: Uint8Array; readers: number; writers: number }[];
  files: FileState[];
  pidNamespaces: { parent: number | null; nextPid: number; tasks: [number, number][] }[];
  utsNamespaces: { hostname: string; domainname: string }[];
  mountNamespaces: { root: number }[];
  userNamespaces: { outsideUid: number; outsideGid: number }[];
  namespaceSets: { pid: number; uts: number; mnt: number; user: number }[];
  cgroups: CgroupState;
  processes: ProcessSave[];
  scheduler: SchedulerState;
  console: { input: Uint8Array[]; closed: boolean };
  programs: { inode: number; frames: [number, number][] }[];
  sharedPages: number;
  log: {
    messages: string[]; events: ExitEvent[]; eventCounts: Record<string, number>;
    overheadByCause: Record<string, number>; eventTotal: number; instructions: number;
  };
  parts: Record<string, unknown>;
}

export const CGROUP_FIELDS = [
  'memoryMax', 'memoryCurrent', 'pidsMax', 'pidsCurrent', 'cpuQuota', 'cpuPeriod', 'cpuWeight',
  'cpuUsage', 'cpuUsedInPeriod', 'periodStart', 'vruntime', 'tasksVruntime', 'floor',
  'nrPeriods', 'nrThrottled', 'throttledCycles', 'throttledAt', 'memoryPeak',
] as const;

/** Numbers objects of one kind in the order they are first met; each is saved once. */
class Table<T extends object> {
  readonly items: T[] = [];
  private readonly ids = new Map<T, number>();
  id(obj: T): number {
    let id = this.ids.get(obj);
    if (id === undefined) {
      id = this.items.length;
      this.ids.set(obj, id);
      this.items.push(obj);
    }
    return id;
  }
}

// ---- saving ---------------------------------------------------------------------------

export class SaveContext {
  readonly inodes = new Table<Inode>();
  readonly frames = new Table<Frame>();
  readonly pipes = new Table<Pipe>();
  readonly files = new Table<OpenFile>();
  readonly pidNs = new Table<PidNamespace>();
  readonly uts = new Table<UtsNamespace>();
  readonly mnt = new Table<MountNamespace>();
  readonly user = new Table<UserNamespace>();
  readonly nsSets = new Table<NamespaceSet>();
  /** Inodes of the image store's layers, by path below IMAGE_LAYERS_DIR. */
  readonly layerPaths = new Map<Inode, string>();

  constructor(readonly k: Kernel) {
    const layers = k.fs.lookup(IMAGE_LAYERS_DIR);
    if (layers) walkLayers(layers, '', this.layerPaths);
  }

  inode(node: Inode): number {
    return this.inodes.id(node);
  }

  file(f: OpenFile): number {
    return this.files.id(f);
  }

  pidNamespace(ns: PidNamespace): number {
    if (ns.parent) this.pidNamespace(ns.parent); // parents first: restore builds in order
    return this.pidNs.id(ns);
  }

  nsSet(set: NamespaceSet): number {
    this.pidNamespace(set.pid);
    this.inode(set.mnt.root);
    this.uts.id(set.uts);
    this.mnt.id(set.mnt);
    this.user.id(set.user);
    return this.nsSets.id(set);
  }

  channel(c: object): ChannelRef {
    if (c === this.k.console) return { k: 'console' };
    if (c instanceof Pipe) return { k: 'pipe', id: this.pipes.id(c) };
    if (c instanceof Process) return { k: 'process', id: c.id };
    throw new KernelStateError('cannot checkpoint a process asleep on an unknown channel');
  }
}

function walkLayers(dir: Inode, path: string, out: Map<Inode, string>): void {
  out.set(dir, path);
  if (dir.type !== 'dir') return;
  for (const [name, child] of dir.rawDir().entries ?? []) {
    if (name !== '..' && !out.has(child)) walkLayers(child, path ? `${path}/${name}` : name, out);
  }
}

function saveInode(ctx: SaveContext, n: Inode): InodeState {
  const layer = ctx.layerPaths.get(n);
  if (layer !== undefined) return { k: 'ref', path: layer, ino: n.ino };
  const origin = n.synthetic;
  if (origin?.kind === 'proc') {
    return { k: 'proc', ns: ctx.pidNamespace(origin.ns as PidNamespace), parent: origin.parent ? ctx.inode(origin.parent) : null };
  }
  if (origin?.kind === 'cgroup') {
    return {
      k: 'cgroup', cgroup: (origin.cgroup as Cgroup).path(), writable: origin.writable,
      parent: origin.parent ? ctx.inode(origin.parent) : null,
      viewer: origin.viewer ? ctx.pidNamespace(origin.viewer as PidNamespace) : null,
    };
  }
  const dynamic = n.dynamicEntries !== null || n.dynamicContents !== null || n.onWrite !== null;
  const raw = n.rawDir();
  const contents = n.contents();
  return {
    k: 'node', ino: n.ino, type: n.type, perm: n.perm, data: contents.length > 0 ? contents.slice() : null,
    target: n.target, nlink: n.nlink, uid: n.uid, gid: n.gid, mtimeNs: n.mtimeNs,
    readOnly: n.readOnly || dynamic, version: n.version, device: n.device,
    entries: dynamic ? (n.type === 'dir' ? [] : null)
      : raw.entries && [...raw.entries].map(([name, c]) => [name, ctx.inode(c)] as [string, number]),
    lower: dynamic ? null : raw.lowerDirs && raw.lowerDirs.map((d) => ctx.inode(d)),
    parentOverlay: !dynamic && raw.parentOverlay ? ctx.inode(raw.parentOverlay) : null,
  };
}

function saveFile(ctx: SaveContext, f: OpenFile): FileState {
  const refs = f.refs;
  if (f instanceof InodeFile) {
    return { k: 'inode', refs, node: ctx.inode(f.node), readable: f.readable, writable: f.writable, append: f.append, offset: f.offset };
  }
  if (f instanceof PipeEnd) return { k: 'pipe', refs, pipe: ctx.pipes.id(f.pipe), write: f.writable };
  if (f instanceof ConsoleFile) return { k: 'console', refs, node: f.node ? ctx.inode(f.node) : null, toError: f.toError };
  if (f instanceof NullFile) return { k: 'null', refs, node: ctx.inode(f.node) };
  if (f instanceof ZeroFile) return { k: 'zero', refs, node: ctx.inode(f.node) };
  if (f instanceof RandomFile) return { k: 'random', refs, node: ctx.inode(f.node) };
  if (f instanceof LogFile) return { k: 'log', refs, chunks: f.chunks.map((c) => c.slice()), bytes: f.bytes };
  if (f instanceof TeeFile) return { k: 'tee', refs, target: ctx.file(f.target), log: ctx.file(f.log) };
  throw new KernelStateError(`cannot checkpoint an open file of kind ${f.constructor.name}`);
}

function saveSpace(ctx: SaveContext, s: AddressSpace): SpaceState {
  const pages: [number, number, number, boolean][] = [];
  for (const [vpn, e] of s.pageTable()) pages.push([vpn, ctx.frames.id(e.frame), e.prot, e.cow]);
  return {
    charge: s.charge instanceof Cgroup ? s.charge.path() : null,
    regions: s.regions.map((r) => ({ ...r })), pages, oomAt: s.oomAt,
  };
}

function saveJob(p: Process): JobSave {
  if (p.leader !== p || p.threads.size > 1) throw new KernelStateError(`cannot checkpoint ${p.name}[${p.id}]: it has several threads`);
  return {
    pgid: p.pgid, sid: p.sid, exitSignal: p.exitSignal, umask: p.umask, fdFlags: [...p.fdFlags],
    sigMask: String(p.sigMask), sigPending: String(p.sigPending), savedMask: p.savedMask === null ? null : String(p.savedMask),
    handlers: p.leader.handlers.actions.map((a) => [a.handler, a.flags, String(a.mask)]),
    sigInfo: [...(p.sigInfo ?? [])].map(([sig, info]) => [sig, { ...info }]),
    altStack: { ...p.altStack }, stopped: p.stopped, waitReport: p.waitReport && { ...p.waitReport },
    sleepKind: p.sleepKind, deadline: p.deadline, timeoutResult: p.timeoutResult, clearTid: p.clearTid,
    exePath: p.exePath, childCpuCycles: p.childCpuCycles, vforkParent: p.vforkParent?.id ?? null,
  };
}

function saveProcess(ctx: SaveContext, p: Process): ProcessSave {
  return {
    job: saveJob(p),
    id: p.id, regs: Array.from(p.regs), pc: p.pc, state: p.state,
    channel: p.channel && p.state === 'sleeping' ? ctx.channel(p.channel) : null, wakeAt: p.wakeAt,
    files: p.files.map((f) => (f ? ctx.file(f) : null)), brkStart: p.brkStart, brk: p.brk,
    mmapNext: p.mmapNext, children: [...p.children].map((c) => c.id), parent: p.parent?.id ?? null,
    waitStatus: p.waitStatus, killedBy: p.killedBy, killReason: p.killReason, name: p.name,
    argv: [...p.argv], instructions: p.instructions, cpuCycles: p.cpuCycles, syscalls: p.syscalls,
    startCycle: p.startCycle, host: p.host, space: saveSpace(ctx, p.space), ns: ctx.nsSet(p.ns),
    cgroup: p.cgroup.path(), cwd: ctx.inode(p.cwd), uid: p.creds.uid, gid: p.creds.gid,
  };
}

function saveCgroup(g: Cgroup): CgroupState {
  const limits = {} as CgroupState['limits'];
  for (const f of CGROUP_FIELDS) limits[f] = g[f];
  return {
    name: g.name, limits, events: { ...g.events }, eventsLocal: { ...g.eventsLocal },
    children: [...g.children.values()].map(saveCgroup),
  };
}

/** Every stateful part of the kernel, as plain structured-cloneable data. */
export function saveKernel(k: Kernel): KernelState {
  const ctx = new SaveContext(k);
  ctx.nsSet(k.initNs);
  const wellKnown: Record<string, number> = {};
  for (const [name, node] of Object.entries(wellKnownInodes(k))) wellKnown[name] = ctx.inode(node);
  const processes = [...k.processes.values()].map((p) => saveProcess(ctx, p));
  const parts: Record<string, unknown> = {};
  for (const [name, part] of k.checkpointParts) parts[name] = part.save(ctx);
  const scheduler = k.scheduler.getState(ctx);
  // Saving an object may meet new ones: go on until every table is complete.
  const inodes: InodeState[] = [];
  const files: FileState[] = [];
  const programs: KernelState['programs'] = [];
  while (inodes.length < ctx.inodes.items.length || files.length < ctx.files.items.length) {
    while (files.length < ctx.files.items.length) files.push(saveFile(ctx, ctx.files.items[files.length]!));
    while (inodes.length < ctx.inodes.items.length) {
      const node = ctx.inodes.items[inodes.length]!;
      inodes.push(saveInode(ctx, node));
      const frames = cachedFrames(k, node);
      if (frames) programs.push({ inode: inodes.length - 1, frames: [...frames].map(([vpn, f]) => [vpn, ctx.frames.id(f)]) });
    }
  }
  return {
    kind: 'kernel', version: KERNEL_STATE_VERSION,
    config: { quantum: k.scheduler.quantum, costs: { ...k.costs }, eventLogLength: k.eventLogLength },
    cpu: k.cpu.getState(), nextId: k.nextProcessId, nextIno: k.fs.nextIno, wellKnown, inodes,
    frames: ctx.frames.items.map((f) => (f.system
      ? { shared: true, refs: f.refs, bytes: null, system: true }
      : { shared: f.shared, refs: f.refs, bytes: f.bytes.some((b) => b !== 0) ? f.bytes.slice() : null })),
    pipes: ctx.pipes.items.map((p) => ({ bytes: p.contents(), readers: p.readers, writers: p.writers })),
    files,
    pidNamespaces: ctx.pidNs.items.map((ns) => {
      const s = ns.getState();
      return { parent: ns.parent ? ctx.pidNamespace(ns.parent) : null, nextPid: s.nextPid, tasks: s.tasks.map(([pid, t]) => [pid, (t as Process).id] as [number, number]) };
    }),
    utsNamespaces: ctx.uts.items.map((u) => ({ hostname: u.hostname, domainname: u.domainname })),
    mountNamespaces: ctx.mnt.items.map((m) => ({ root: ctx.inode(m.root) })),
    userNamespaces: ctx.user.items.map((u) => ({ outsideUid: u.outsideUid, outsideGid: u.outsideGid })),
    namespaceSets: ctx.nsSets.items.map((s) => ({ pid: ctx.pidNs.id(s.pid), uts: ctx.uts.id(s.uts), mnt: ctx.mnt.id(s.mnt), user: ctx.user.id(s.user) })),
    cgroups: saveCgroup(k.rootCgroup), processes, scheduler, console: k.console.getState(),
    programs, sharedPages: k.textCache.sharedPages,
    log: {
      messages: [...k.messages], events: k.events.map((e) => ({ ...e })), eventCounts: { ...k.eventCounts },
      overheadByCause: { ...k.overheadByCause }, eventTotal: k.eventTotal, instructions: k.instructions,
    },
    parts,
  };
}

function cachedFrames(k: Kernel, node: Inode): Map<number, Frame> | undefined {
  const image = k.cachedProgram(node);
  return image ? k.textCache.peek(image) : undefined;
}

export function wellKnownInodes(k: Kernel): Record<string, Inode> {
  const out: Record<string, Inode> = { root: k.fs.root, console: k.consoleNode, null: k.nullNode };
  for (const [name, part] of k.checkpointParts) {
    for (const [key, node] of Object.entries(part.wellKnownInodes())) out[`${name}.${key}`] = node;
  }
  return out;
}
