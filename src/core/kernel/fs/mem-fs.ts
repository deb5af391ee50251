// The in-memory filesystem: a tree of inodes with an inode-number allocator. A process
// sees it through its root and working directory (see path.ts), so a container whose
// root is a subtree cannot name anything above it. Overlay roots for container images
// will implement the same operations over read-only lower layers.

import { Inode, type InodeType } from './inode.ts';

/** Where the image store keeps its read-only layers (a checkpoint refers to them by path). */
export const IMAGE_LAYERS_DIR = '/var/lib/trapdoor/layers';

export class MemFs {
  /** The next inode number (saved and restored with the kernel). */
  nextIno = 1;
  readonly root: Inode;

  constructor() {
    this.root = this.create('dir', 0o755);
    this.root.nlink = 2;
  }

  create(type: InodeType, perm: number): Inode {
    return new Inode(this.allocIno(), type, perm);
  }

  allocIno(): number {
    return this.nextIno++;
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
    // In an overlay this removal is the whiteout: the lower entry is never consulted again.
    dir.entries!.delete(name);
    if (child.readOnly) return; // a shared lower-layer inode: its link count is the layer's
    child.nlink--;
    if (child.type === 'dir') {
      dir.nlink--;
      child.nlink--;
    }
    dir.version++;
  }

  /** Creates every missing directory along an absolute path; returns the last one. */
  mkdirs(path: string, from: Inode = this.root): Inode {
    let dir = from;
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
  writeFile(path: string, bytes: Uint8Array, perm = 0o644, from: Inode = this.root): Inode {
    const slash = path.lastIndexOf('/');
    const dir = this.mkdirs(path.slice(0, slash), from);
    const name = path.slice(slash + 1);
    let file = dir.entries!.get(name);
    if (file?.readOnly) {
      // A lower-layer file under an overlay: replace it in the upper layer, never modify it.
      this.unlink(dir, name);
      file = undefined;
    }
    if (!file) {
      file = this.create('file', perm);
      this.link(dir, name, file);
    }
    file.truncate(0);
    file.writeAt(0, bytes);
    return file;
  }

  /** A new overlay root: reads fall through to the layers (topmost first), writes copy up. */
  overlay(layers: Inode[]): Inode {
    const root = this.create('dir', 0o755);
    root.nlink = 2;
    root.lowerDirs = layers;
    return root;
  }

  /** Marks a whole tree read-only: an image layer once built. */
  seal(node: Inode): void {
    node.readOnly = true;
    if (node.type !== 'dir') return;
    for (const [name, child] of node.entries!) if (name !== '..') this.seal(child);
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
