// Restoring a kernel checkpoint (see checkpoint.ts): first every saved object is rebuilt
// and every reference checked, touching nothing the kernel already has; changes to the
// kernel's own objects are queued with later() and applied in one go at the end.

import { checkCpuStateHeader } from '../isa/cpu.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { plainDataProblem } from '../isa/state-data.ts';
import { cpuStateProblem } from '../vmm/vm-state-schema.ts';
import { AddressSpace } from './address-space.ts';
import { Cgroup } from './cgroup.ts';
import { parseEventCounts } from './cgroup-events.ts';
import { cgroupfs } from './cgroupfs.ts';
import { wellKnownInodes } from './checkpoint.ts';
import { RestoreContext, pick } from './checkpoint-context.ts';
import {
  CGROUP_FIELDS, KERNEL_STATE_VERSION, KernelStateError,
  type CgroupState, type FileState, type JobSave, type KernelState, type ProcessSave,
} from './checkpoint-state.ts';
import { ConsoleFile, InodeFile, LogFile, NullFile, type OpenFile, Pipe, PipeEnd, RandomFile, TeeFile, ZeroFile } from './file.ts';
import { Frame, UNLIMITED_MEMORY } from './frame.ts';
import { SIGRETURN_FRAME } from './exec.ts';
import { ALL_SIGNALS, NSIG, SignalHandlers } from './signal.ts';
import { Inode } from './fs/inode.ts';
import { IMAGE_LAYERS_DIR } from './fs/mem-fs.ts';
import type { KernelServices } from './kernel-services.ts';
import { MountNamespace, PidNamespace, UserNamespace, UtsNamespace, type NamespaceSet } from './namespace.ts';
import { Process } from './process.ts';
import { procfs } from './procfs.ts';

function hartsProblem(s: KernelState): string | null {
  const kernelCpu = cpuStateProblem(s.cpu);
  if (kernelCpu !== null) return `cpu: ${kernelCpu}`;
  if (!Array.isArray(s.processes)) return 'processes: expected a list';
  return null;
}

/** Replaces the kernel's state with `state`, or throws (changing nothing). */
export function restoreKernel(k: KernelServices, state: unknown): void {
  checkStateHeader(state, 'kernel', KERNEL_STATE_VERSION);
  // Plain data first (no __proto__ keys, no Infinity), and every hart against its schema.
  const problem = plainDataProblem(state, { inMemory: true }) ?? hartsProblem(state as KernelState);
  if (problem !== null) throw new KernelStateError(`corrupt kernel state: ${problem}`);
  const s = state as KernelState;
  const ctx = new RestoreContext(k);
  try {
    build(ctx, k, s);
  } catch (e) {
    if (e instanceof KernelStateError) throw e;
    throw new KernelStateError(`corrupt kernel state: ${e instanceof Error ? e.message : String(e)}`);
  }
  ctx.commit();
}

function build(ctx: RestoreContext, k: KernelServices, s: KernelState): void {
  checkCpuStateHeader(s.cpu);
  buildCgroups(ctx, k, s.cgroups);
  buildInodeShells(ctx, k, s);
  for (const p of s.pipes) {
    const pipe = new Pipe();
    pipe.setContents(p.bytes);
    pipe.readers = p.readers;
    pipe.writers = p.writers;
    ctx.pipes.push(pipe);
  }
  for (const f of s.frames) {
    if (f.system) {
      ctx.frames.push(SIGRETURN_FRAME);
      continue;
    }
    const frame = new Frame(f.shared);
    if (f.bytes) frame.bytes.set(f.bytes);
    frame.refs = f.refs;
    ctx.frames.push(frame);
  }
  buildNamespaces(ctx, k, s);
  buildInodeContents(ctx, k, s);
  buildFiles(ctx, k, s.files);
  buildProcesses(ctx, s.processes);
  const pidNsCommits = s.pidNamespaces.map((ns, i) => {
    const tasks = ns.tasks.map(([pid, id]) => [pid, ctx.process(id)] as [number, object]);
    return () => ctx.pidNs[i]!.setState(ns.nextPid, tasks);
  });
  const programs = s.programs.map((pr) => {
    const node = ctx.inode(pr.inode);
    const frames = new Map(pr.frames.map(([vpn, id]) => [vpn, pick(ctx.frames, id, 'frame')] as [number, Frame]));
    return { node, frames, image: k.programFor(node) };
  });
  const scheduler = k.scheduler.prepareState(ctx, s.scheduler);
  const parts = [...k.checkpointParts].map(([name, part]) => part.restore(ctx, s.parts?.[name] ?? null));
  for (const name of Object.keys(s.parts ?? {})) {
    if (!k.checkpointParts.has(name)) {
      throw new KernelStateError(`the state has ${name} but this kernel has none: create it before restoring`);
    }
  }
  ctx.later(() => {
    for (const c of pidNsCommits) c();
    k.cpu.setState(s.cpu);
    k.fs.nextIno = s.nextIno;
    k.restoreCounters(s.nextId, s.config, s.log, s.sharedPages);
    k.processes.clear();
    for (const [id, p] of ctx.processes) k.processes.set(id, p);
    k.console.setState(s.console);
    for (const pr of programs) {
      k.textCache.setFrames(pr.image, pr.frames);
      k.cacheProgram(pr.node, pr.image);
    }
    scheduler();
    for (const commit of parts) commit();
  });
}

function buildCgroups(ctx: RestoreContext, k: KernelServices, root: CgroupState): void {
  const walk = (g: Cgroup, st: CgroupState, existing: boolean): void => {
    ctx.cgroups.set(g.path(), g);
    const children = st.children.map((c) => {
      const child = new Cgroup(c.name, g);
      walk(child, c, false);
      return child;
    });
    const events = parseEventCounts(st.events);
    const eventsLocal = parseEventCounts(st.eventsLocal);
    if (!events || !eventsLocal) throw new KernelStateError(`corrupt kernel state: event counters of cgroup ${g.path()}`);
    const apply = (): void => {
      for (const f of CGROUP_FIELDS) g[f] = Number(st.limits[f]);
      // Checkpoints from before memory.peak existed: the peak is at least what is in use.
      if (st.limits.memoryPeak === undefined) g.memoryPeak = g.memoryCurrent;
      g.setEvents(events, eventsLocal);
      g.children.clear();
      for (const c of children) g.children.set(c.name, c);
    };
    if (existing) ctx.later(apply);
    else apply();
  };
  walk(k.rootCgroup, root, true);
}

function buildInodeShells(ctx: RestoreContext, k: KernelServices, s: KernelState): void {
  const known = wellKnownInodes(k);
  const byId = new Map<number, Inode>();
  for (const [name, id] of Object.entries(s.wellKnown)) {
    const node = known[name];
    if (!node) throw new KernelStateError(`the state needs ${name}, which this kernel does not have`);
    byId.set(id, node);
  }
  const layers = k.fs.lookup(IMAGE_LAYERS_DIR);
  s.inodes.forEach((st, id) => {
    if (st.k === 'ref') {
      const node = layers && lookupBelow(layers, st.path);
      if (!node || node.ino !== st.ino) {
        throw new KernelStateError(`image layer file '${st.path || IMAGE_LAYERS_DIR}' is missing or different here: build the same images (create the ContainerRuntime) before restoring`);
      }
      ctx.inodes.push(node);
    } else if (st.k === 'node') {
      ctx.inodes.push(byId.get(id) ?? new Inode(st.ino, st.type, st.perm));
    } else {
      ctx.inodes.push(new Inode(0, 'dir', 0)); // placeholder, remade once namespaces exist
    }
  });
}

/** An inode reference that older states may lack. */
function optionalInode(ctx: RestoreContext, id: number | null | undefined): Inode | null {
  return id === undefined || id === null ? null : ctx.inode(id);
}

function lookupBelow(dir: Inode, path: string): Inode | undefined {
  let node: Inode | undefined = dir;
  for (const name of path.split('/').filter((n) => n !== '')) node = node?.rawDir().entries?.get(name);
  return node;
}

function buildInodeContents(ctx: RestoreContext, k: KernelServices, s: KernelState): void {
  const known = new Set(Object.values(s.wellKnown));
  // Synthetic directories first (their factories need namespaces and cgroups).
  s.inodes.forEach((st, id) => {
    if (st.k === 'proc') ctx.inodes[id] = procfs(k, pick(ctx.pidNs, st.ns, 'pid namespace'), optionalInode(ctx, st.parent));
  });
  const cgroupDir = (id: number): Inode => {
    const st = s.inodes[id]!;
    if (st.k !== 'cgroup') return ctx.inode(id);
    if (ctx.inodes[id]!.synthetic) return ctx.inodes[id]!;
    const parent = st.parent === null ? null : cgroupDir(st.parent);
    const viewer = st.viewer === undefined || st.viewer === null ? null : pick(ctx.pidNs, st.viewer, 'pid namespace');
    return (ctx.inodes[id] = cgroupfs(k, ctx.cgroup(st.cgroup), st.writable, parent, viewer));
  };
  s.inodes.forEach((st, id) => {
    if (st.k === 'cgroup') cgroupDir(id);
  });
  s.inodes.forEach((st, id) => {
    if (st.k !== 'node') return;
    // Checked now, not in apply: apply runs at commit, when a failure would leave half a kernel.
    if (st.data !== null && st.data !== undefined && !(st.data instanceof Uint8Array)) {
      throw new KernelStateError(`corrupt kernel state: inodes.${id}.data: expected bytes or null`);
    }
    const node = ctx.inodes[id]!;
    const entries = st.entries && new Map(st.entries.map(([name, c]) => [name, ctx.inode(c)] as [string, Inode]));
    const lower = st.lower && st.lower.map((c) => ctx.inode(c));
    const overlay = st.parentOverlay === null ? null : ctx.inode(st.parentOverlay);
    const apply = (): void => {
      node.perm = st.perm;
      node.data = st.data ? st.data.slice() : new Uint8Array(0);
      node.size = st.data?.length ?? 0;
      Object.assign(node, {
        target: st.target, nlink: st.nlink, uid: st.uid, gid: st.gid, mtimeNs: st.mtimeNs,
        readOnly: st.readOnly, version: st.version, device: st.device,
      });
      node.restoreDir(entries, lower, overlay);
    };
    // The image store's directory hangs under this one: point its ".." back here.
    for (const [name, childId] of st.entries ?? []) {
      const child = s.inodes[childId];
      if (name !== '..' && child?.k === 'ref' && child.path === '') {
        const layers = ctx.inode(childId);
        ctx.later(() => layers.rawDir().entries?.set('..', node));
      }
    }
    if (node.type !== st.type || node.ino !== st.ino) throw new KernelStateError(`corrupt kernel state: inode ${id} changed type`);
    if (known.has(id)) ctx.later(apply);
    else apply();
  });
}

function buildNamespaces(ctx: RestoreContext, k: KernelServices, s: KernelState): void {
  s.pidNamespaces.forEach((ns, i) => {
    if (i === 0) ctx.pidNs.push(k.initNs.pid);
    else ctx.pidNs.push(new PidNamespace(ns.parent === null ? null : pick(ctx.pidNs, ns.parent, 'pid namespace')));
  });
  const uts = s.utsNamespaces.map((u, i) => {
    if (i > 0) return new UtsNamespace(u.hostname, u.domainname);
    ctx.later(() => Object.assign(k.initNs.uts, u));
    return k.initNs.uts;
  });
  const user = s.userNamespaces.map((u, i) => (i === 0 ? k.initNs.user : new UserNamespace(u.outsideUid, u.outsideGid)));
  const mnt = s.mountNamespaces.map((m, i) => {
    const root = ctx.inode(m.root);
    if (i > 0) return new MountNamespace(root);
    ctx.later(() => { k.initNs.mnt.root = root; });
    return k.initNs.mnt;
  });
  s.namespaceSets.forEach((set, i) => {
    ctx.nsSets.push(i === 0 ? k.initNs : {
      pid: pick(ctx.pidNs, set.pid, 'pid namespace'), uts: pick(uts, set.uts, 'uts namespace'),
      mnt: pick(mnt, set.mnt, 'mount namespace'), user: pick(user, set.user, 'user namespace'),
    });
  });
}

function buildFiles(ctx: RestoreContext, k: KernelServices, files: FileState[]): void {
  const wake = (c: object): void => k.wakeup(c);
  const make = (f: FileState): OpenFile | null => {
    switch (f.k) {
      case 'inode': {
        const file = new InodeFile(ctx.inode(f.node), f.readable, f.writable, f.append);
        file.offset = f.offset;
        return file;
      }
      case 'pipe': return new PipeEnd(pick(ctx.pipes, f.pipe, 'pipe'), f.write, wake, false);
      case 'zero': return new ZeroFile(ctx.inode(f.node));
      case 'random': return new RandomFile(ctx.inode(f.node), k);
      case 'console': return new ConsoleFile(k.console, f.node === null ? null : ctx.inode(f.node), f.toError === true);
      case 'null': return new NullFile(ctx.inode(f.node));
      case 'log': {
        const log = new LogFile();
        log.chunks.push(...f.chunks.map((c) => c.slice()));
        log.bytes = f.bytes;
        return log;
      }
      case 'tee': return null; // after its target and log exist
      default: throw new KernelStateError('corrupt kernel state: unknown open file kind');
    }
  };
  const built = files.map(make);
  files.forEach((f, i) => {
    if (f.k === 'tee') built[i] = new TeeFile(pick(built, f.target, 'open file')!, pick(built, f.log, 'open file') as LogFile);
  });
  files.forEach((f, i) => {
    built[i]!.refs = f.refs;
    ctx.files.push(built[i]!);
  });
}

function buildProcesses(ctx: RestoreContext, list: ProcessSave[]): void {
  for (const st of list) {
    const space = new AddressSpace(st.space.charge === null ? UNLIMITED_MEMORY : ctx.cgroup(st.space.charge));
    const p = new Process(st.id, space, null, ctx.nsSet(st.ns), ctx.cgroup(st.cgroup), ctx.inode(st.cwd), { uid: st.uid, gid: st.gid });
    ctx.processes.set(st.id, p);
  }
  for (const st of list) {
    const p = ctx.processes.get(st.id)!;
    p.regs.set(st.regs);
    Object.assign(p, {
      pc: st.pc, state: st.state, wakeAt: st.wakeAt, brkStart: st.brkStart, brk: st.brk, mmapNext: st.mmapNext,
      waitStatus: st.waitStatus, killedBy: st.killedBy, killReason: st.killReason, name: st.name,
      argv: [...st.argv], instructions: st.instructions, cpuCycles: st.cpuCycles, syscalls: st.syscalls,
      startCycle: st.startCycle, host: st.host,
    });
    p.channel = st.channel ? ctx.channel(st.channel) : null;
    p.files = st.files.map((f) => (f === null ? null : ctx.file(f)));
    p.parent = st.parent === null ? null : ctx.process(st.parent);
    for (const c of st.children) p.children.add(ctx.process(c));
    p.space.regions = st.space.regions.map((r) => ({ ...r }));
    for (const [vpn, frame, prot, cow] of st.space.pages) p.space.restorePage(vpn, pick(ctx.frames, frame, 'frame'), prot, cow);
    p.space.oomAt = st.space.oomAt;
    restoreJob(ctx, p, st.job);
  }
}

function restoreJob(ctx: RestoreContext, p: Process, j: JobSave): void {
  if (typeof j !== 'object' || j === null) throw new KernelStateError('corrupt kernel state: a process has no job state');
  const big = (v: string): bigint => {
    if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new KernelStateError('corrupt kernel state: a signal set');
    return BigInt(v) & ALL_SIGNALS;
  };
  Object.assign(p, {
    pgid: j.pgid, sid: j.sid, exitSignal: j.exitSignal, umask: j.umask, fdFlags: [...j.fdFlags],
    sigMask: big(j.sigMask), sigPending: big(j.sigPending), savedMask: j.savedMask === null ? null : big(j.savedMask),
    altStack: { ...j.altStack }, stopped: j.stopped, waitReport: j.waitReport && { ...j.waitReport },
    sleepKind: j.sleepKind, deadline: j.deadline, timeoutResult: j.timeoutResult, clearTid: j.clearTid,
    exePath: j.exePath, childCpuCycles: j.childCpuCycles,
    vforkParent: j.vforkParent === null ? null : ctx.process(j.vforkParent),
  });
  if (!Array.isArray(j.handlers) || j.handlers.length !== NSIG + 1) throw new KernelStateError('corrupt kernel state: signal handlers');
  if (j.handlers.some(([handler, flags, mask]) => handler !== 0 || flags !== 0 || mask !== '0')) {
    const own = new SignalHandlers();
    j.handlers.forEach(([handler, flags, mask], i) => own.set(i, { handler, flags, mask: big(mask) }));
    p.handlers = own;
  }
  for (const [sig, info] of j.sigInfo) (p.sigInfo ??= new Map()).set(sig, { ...info });
}
