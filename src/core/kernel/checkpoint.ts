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

import type { AddressSpace } from './address-space.ts';
import { Cgroup } from './cgroup.ts';
import { SaveContext } from './checkpoint-context.ts';
import {
  CGROUP_FIELDS, KERNEL_STATE_VERSION, KernelStateError,
  type CgroupState, type FileState, type InodeState, type JobSave, type KernelState, type ProcessSave, type SpaceState,
} from './checkpoint-state.ts';
import { ConsoleFile, InodeFile, LogFile, NullFile, Pipe, PipeEnd, RandomFile, TeeFile, ZeroFile, type OpenFile } from './file.ts';
import type { Frame } from './frame.ts';
import type { Inode, InodeType } from './fs/inode.ts';
import { IMAGE_LAYERS_DIR } from './fs/mem-fs.ts';
import type { KernelServices } from './kernel-services.ts';
import type { MountNamespace, NamespaceSet, PidNamespace, UserNamespace, UtsNamespace } from './namespace.ts';
import type { Process } from './process.ts';

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
export function saveKernel(k: KernelServices): KernelState {
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

function cachedFrames(k: KernelServices, node: Inode): Map<number, Frame> | undefined {
  const image = k.cachedProgram(node);
  return image ? k.textCache.peek(image) : undefined;
}

export function wellKnownInodes(k: KernelServices): Record<string, Inode> {
  const out: Record<string, Inode> = { root: k.fs.root, console: k.consoleNode, null: k.nullNode };
  for (const [name, part] of k.checkpointParts) {
    for (const [key, node] of Object.entries(part.wellKnownInodes())) out[`${name}.${key}`] = node;
  }
  return out;
}
