// An inode: one file, directory, symbolic link or character device of the in-memory
// filesystem. Names live in directories, not in inodes (as in Unix), so one inode can
// have several links. Mode bits follow <sys/stat.h> so fstat returns them unchanged.

import { EFBIG, KernelError } from '../errno.ts';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

const NO_DATA = new Uint8Array(0);

/**
 * The largest file the in-memory filesystem holds (a file is one dense buffer): larger
 * writes and truncates fail with EFBIG, as past RLIMIT_FSIZE, instead of exhausting the host.
 */
export const MAX_FILE_SIZE = 64 * 1024 * 1024;

/** The factory call that made a synthetic directory: procfs(ns) or cgroupfs(cgroup). */
export type SyntheticOrigin =
  | { kind: 'proc'; ns: object; parent: Inode | null }
  | { kind: 'cgroup'; cgroup: object; writable: boolean; parent: Inode | null; viewer: object | null };

export type InodeType = 'file' | 'dir' | 'symlink' | 'chardev';

const TYPE_BITS: Record<InodeType, number> = {
  file: S_IFREG, dir: S_IFDIR, symlink: S_IFLNK, chardev: S_IFCHR,
};

export class Inode {
  /** File contents (the first `size` bytes are valid); grows by doubling. Shared empty until written. */
  data: Uint8Array = NO_DATA;
  size = 0;
  private entryMap: Map<string, Inode> | null;
  /**
   * Overlay: the lower directories (topmost first) this directory merges, until its
   * entries are first needed; then they are materialized into entryMap and this is null.
   */
  lowerDirs: Inode[] | null = null;
  /** An overlay directory's parent, recorded as ".." when it materializes. */
  private parentOverlay: Inode | null = null;
  /** Synthetic directories (/proc, /sys/fs/cgroup): entries computed on every lookup. */
  dynamicEntries: (() => Map<string, Inode>) | null = null;
  /** Synthetic files: contents computed when read. */
  dynamicContents: (() => Uint8Array) | null = null;
  /** Synthetic writable files (cgroup limits): receives what was written. */
  onWrite: ((bytes: Uint8Array) => void) | null = null;
  /** Link target, for symbolic links. */
  target = '';
  /** Synthetic symbolic links (/proc/self, /proc/PID/exe): the target computed when followed. */
  dynamicTarget: (() => string) | null = null;
  nlink = 0;
  uid = 0;
  gid = 0;
  /** Virtual time of the last change, in nanoseconds. */
  mtimeNs = 0;
  /** Read-only (an image layer): writes fail with EROFS. */
  readOnly = false;
  /** Bumped on every content change, so caches keyed by inode (program text) notice. */
  version = 0;
  /** A device's name ("null", "console"), for character devices. */
  device = '';
  /** How a synthetic directory was made (/proc, /sys/fs/cgroup), so a checkpoint can remake it. */
  synthetic: SyntheticOrigin | null = null;

  constructor(
    readonly ino: number,
    readonly type: InodeType,
    public perm: number,
  ) {
    this.entryMap = null;
  }

  /** Directory entries (name -> inode, with ".." for every directory but a root). */
  get entries(): Map<string, Inode> | null {
    if (this.type !== 'dir') return null;
    if (this.dynamicEntries) return this.dynamicEntries();
    // Allocated on first use: thousands of container roots stay cheap until touched.
    this.entryMap ??= new Map();
    if (this.lowerDirs) this.materialize();
    return this.entryMap;
  }

  /** Overlay copy of the lower directories' entries: files are shared, directories become overlays. */
  private materialize(): void {
    const lower = this.lowerDirs!;
    this.lowerDirs = null;
    const merged = this.entryMap!;
    if (this.parentOverlay) merged.set('..', this.parentOverlay);
    this.parentOverlay = null;
    const dirs = new Map<string, Inode[]>();
    for (const layer of lower) {
      for (const [name, child] of layer.entries!) {
        if (name === '..' || merged.has(name)) continue;
        if (child.type === 'dir') {
          const stack = dirs.get(name);
          if (stack) stack.push(child);
          else dirs.set(name, [child]);
          continue;
        }
        merged.set(name, child);
      }
    }
    for (const [name, stack] of dirs) {
      const top = stack[0]!;
      const dir = new Inode(top.ino, 'dir', top.perm);
      Object.assign(dir, { uid: top.uid, gid: top.gid, mtimeNs: top.mtimeNs, nlink: 2 });
      dir.lowerDirs = stack;
      dir.parentOverlay = this;
      merged.set(name, dir);
    }
  }

  /** The directory's own state, without materializing an overlay (checkpoints). */
  rawDir(): { entries: Map<string, Inode> | null; lowerDirs: Inode[] | null; parentOverlay: Inode | null } {
    return { entries: this.entryMap, lowerDirs: this.lowerDirs, parentOverlay: this.parentOverlay };
  }

  /** Sets what rawDir() returns (restoring a checkpoint). */
  restoreDir(entries: Map<string, Inode> | null, lowerDirs: Inode[] | null, parentOverlay: Inode | null): void {
    this.entryMap = entries;
    this.lowerDirs = lowerDirs;
    this.parentOverlay = parentOverlay;
  }

  get mode(): number {
    return TYPE_BITS[this.type] | (this.perm & 0o7777);
  }

  /** The valid bytes of a regular file. */
  contents(): Uint8Array {
    if (this.dynamicContents) return this.dynamicContents();
    return this.data.subarray(0, this.size);
  }

  /** A writable copy of a read-only (lower layer) file: overlayfs copy-up. */
  copyUp(ino: number): Inode {
    const copy = new Inode(ino, this.type, this.perm);
    Object.assign(copy, { uid: this.uid, gid: this.gid, mtimeNs: this.mtimeNs, target: this.target, device: this.device });
    copy.writeAt(0, this.contents());
    return copy;
  }

  /** Writes bytes at an offset, growing the file (with zeros in any hole). */
  writeAt(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (!(end <= MAX_FILE_SIZE)) throw new KernelError(EFBIG);
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.min(MAX_FILE_SIZE, Math.max(end, this.data.length * 2, 64)));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    this.data.set(bytes, offset);
    this.size = Math.max(this.size, end);
    this.version++;
  }

  truncate(size: number): void {
    if (!(size <= MAX_FILE_SIZE)) throw new KernelError(EFBIG);
    if (size < this.size) this.data.fill(0, size, this.size);
    else if (size > this.data.length) this.writeAt(size, new Uint8Array(0));
    this.size = size;
    this.version++;
  }
}
