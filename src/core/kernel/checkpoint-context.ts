// The tables a kernel checkpoint is written and read through (see checkpoint.ts): saving
// numbers every object once in the order it is met; restoring looks each number up again
// and queues changes to the kernel's own objects until every reference has checked out.

import type { Cgroup } from './cgroup.ts';
import { KernelStateError, type ChannelRef } from './checkpoint-state.ts';
import { Pipe, type OpenFile } from './file.ts';
import type { Frame } from './frame.ts';
import type { Inode } from './fs/inode.ts';
import { IMAGE_LAYERS_DIR, type MemFs } from './fs/mem-fs.ts';
import type { MountNamespace, NamespaceSet, PidNamespace, UserNamespace, UtsNamespace } from './namespace.ts';
import { Process } from './process.ts';

/** Something besides the kernel that keeps state in it (the container runtime). */
export interface CheckpointPart {
  /** Inodes the part owns and keeps pointers to: restored in place, by name. */
  wellKnownInodes(): Record<string, Inode>;
  save(ctx: SaveContext): unknown;
  /** Builds from `data` (null: the state has none of this part); returns the commit step. */
  restore(ctx: RestoreContext, data: unknown): () => void;
}

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

  constructor(readonly k: { readonly fs: MemFs; readonly console: object }) {
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

// ---- restoring ------------------------------------------------------------------------

export class RestoreContext {
  readonly inodes: Inode[] = [];
  readonly frames: Frame[] = [];
  readonly pipes: Pipe[] = [];
  readonly files: OpenFile[] = [];
  readonly pidNs: PidNamespace[] = [];
  readonly nsSets: NamespaceSet[] = [];
  readonly processes = new Map<number, Process>();
  readonly cgroups = new Map<string, Cgroup>();
  private readonly commits: (() => void)[] = [];

  constructor(readonly k: { readonly console: object }) {}

  /** A change to an object the kernel already has: applied only once everything checked out. */
  later(fn: () => void): void {
    this.commits.push(fn);
  }

  commit(): void {
    for (const fn of this.commits) fn();
  }

  inode(id: unknown): Inode {
    return pick(this.inodes, id, 'inode');
  }

  file(id: unknown): OpenFile {
    return pick(this.files, id, 'open file');
  }

  process(id: unknown): Process {
    const p = this.processes.get(id as number);
    if (!p) throw new KernelStateError(`corrupt kernel state: no process ${String(id)}`);
    return p;
  }

  cgroup(path: unknown): Cgroup {
    const g = this.cgroups.get(path as string);
    if (!g) throw new KernelStateError(`corrupt kernel state: no cgroup ${String(path)}`);
    return g;
  }

  nsSet(id: unknown): NamespaceSet {
    return pick(this.nsSets, id, 'namespace set');
  }

  channel(ref: ChannelRef): object {
    if (ref.k === 'console') return this.k.console;
    if (ref.k === 'pipe') return pick(this.pipes, ref.id, 'pipe');
    if (ref.k === 'process') return this.process(ref.id);
    throw new KernelStateError('corrupt kernel state: unknown channel');
  }
}

export function pick<T>(list: T[], id: unknown, what: string): T {
  const v = typeof id === 'number' ? list[id] : undefined;
  if (v === undefined) throw new KernelStateError(`corrupt kernel state: no ${what} ${String(id)}`);
  return v;
}
