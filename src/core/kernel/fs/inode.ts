// An inode: one file, directory, symbolic link or character device of the in-memory
// filesystem. Names live in directories, not in inodes (as in Unix), so one inode can
// have several links. Mode bits follow <sys/stat.h> so fstat returns them unchanged.

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

export type InodeType = 'file' | 'dir' | 'symlink' | 'chardev';

const TYPE_BITS: Record<InodeType, number> = {
  file: S_IFREG, dir: S_IFDIR, symlink: S_IFLNK, chardev: S_IFCHR,
};

export class Inode {
  /** File contents (the first `size` bytes are valid); grows by doubling. */
  data = new Uint8Array(0);
  size = 0;
  /** Directory entries, for directories. */
  readonly entries: Map<string, Inode> | null;
  /** Link target, for symbolic links. */
  target = '';
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

  constructor(
    readonly ino: number,
    readonly type: InodeType,
    public perm: number,
  ) {
    this.entries = type === 'dir' ? new Map() : null;
  }

  get mode(): number {
    return TYPE_BITS[this.type] | (this.perm & 0o7777);
  }

  /** The valid bytes of a regular file. */
  contents(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  /** Writes bytes at an offset, growing the file (with zeros in any hole). */
  writeAt(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2, 64));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    this.data.set(bytes, offset);
    this.size = Math.max(this.size, end);
    this.version++;
  }

  truncate(size: number): void {
    if (size < this.size) this.data.fill(0, size, this.size);
    else if (size > this.data.length) this.writeAt(size, new Uint8Array(0));
    this.size = size;
    this.version++;
  }
}
