// The in-memory filesystem: a tree of inodes with an inode-number allocator. A process
// sees it through its root and working directory (see path.ts), so a container whose
// root is a subtree cannot name anything above it. Overlay roots for container images
// will implement the same operations over read-only lower layers.

import { Inode, type InodeType } from './inode.ts';

export class MemFs {
  private nextIno = 1;
  readonly root: Inode;

  constructor() {
    this.root = this.create('dir', 0o755);
    this.root.nlink = 2;
  }

  create(type: InodeType, perm: number): Inode {
    return new Inode(this.nextIno++, type, perm);
  }

  /** Adds `name` -> `child` in `dir` (the caller checked the name is free). */
  link(dir: Inode, name: string, child: Inode): void {
    dir.entries!.set(name, child);
    child.nlink++;
    if (child.type === 'dir') {
      dir.nlink++;
      child.nlink++;
      child.entries!.set('..', dir);
    }
    dir.version++;
  }

  unlink(dir: Inode, name: string): void {
    const child = dir.entries!.get(name);
    if (!child) return;
    dir.entries!.delete(name);
    child.nlink--;
    if (child.type === 'dir') {
      dir.nlink--;
      child.nlink--;
    }
    dir.version++;
  }

  /** Creates every missing directory along an absolute path; returns the last one. */
  mkdirs(path: string): Inode {
    let dir = this.root;
    for (const name of path.split('/').filter((n) => n !== '')) {
      let next = dir.entries!.get(name);
      if (!next) {
        next = this.create('dir', 0o755);
        this.link(dir, name, next);
      }
      dir = next;
    }
    return dir;
  }

  /** Writes a whole file at an absolute path, creating directories as needed. */
  writeFile(path: string, bytes: Uint8Array, perm = 0o644): Inode {
    const slash = path.lastIndexOf('/');
    const dir = this.mkdirs(path.slice(0, slash));
    const name = path.slice(slash + 1);
    let file = dir.entries!.get(name);
    if (!file) {
      file = this.create('file', perm);
      this.link(dir, name, file);
    }
    file.truncate(0);
    file.writeAt(0, bytes);
    return file;
  }

  /** Follows an absolute path without symlinks (host-side setup); undefined if absent. */
  lookup(path: string): Inode | undefined {
    let node: Inode | undefined = this.root;
    for (const name of path.split('/').filter((n) => n !== '')) {
      node = node?.entries?.get(name);
    }
    return node;
  }
}
