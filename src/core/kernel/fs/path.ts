// Path name lookup (xv6 namei): walks a path from the process's root or working directory.
// Two rules make a root a jail: ".." at the root stays at the root, and an absolute
// symbolic link restarts at the process's root, never at the host's.

import { EEXIST, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, KernelError } from '../errno.ts';
import type { Inode } from './inode.ts';

export interface PathContext {
  root: Inode;
  cwd: Inode;
}

const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;

/** The inode a path names; follows a final symlink unless `noFollow`. */
export function lookupPath(ctx: PathContext, path: string, noFollow = false): Inode {
  return resolve(ctx, path, !noFollow, { links: 0 });
}

function resolve(ctx: PathContext, path: string, follow: boolean, budget: { links: number }): Inode {
  const { dir, name } = parentOf(ctx, path, budget);
  if (name === '') return dir;
  return step(ctx, dir, name, follow, budget);
}

/** The directory that holds the last component, and that component ("" for "/" or "."). */
export function lookupParent(ctx: PathContext, path: string): { dir: Inode; name: string } {
  return parentOf(ctx, path, { links: 0 });
}

function parentOf(ctx: PathContext, path: string, budget: { links: number }): { dir: Inode; name: string } {
  if (path === '') throw new KernelError(ENOENT);
  if (path.length >= PATH_MAX) throw new KernelError(ENAMETOOLONG);
  const names = path.split('/').filter((n) => n !== '');
  let dir = path.startsWith('/') ? ctx.root : ctx.cwd;
  const last = names.pop() ?? '';
  for (const name of names) dir = step(ctx, dir, name, true, budget);
  if (dir.type !== 'dir') throw new KernelError(ENOTDIR);
  if (last === '.') return { dir, name: '' };
  if (last === '..') return { dir: up(ctx, dir), name: '' };
  return { dir, name: last };
}

/** Like lookupParent, but fails with EEXIST when the name is already taken. */
export function lookupNew(ctx: PathContext, path: string): { dir: Inode; name: string } {
  const r = lookupParent(ctx, path);
  if (r.name === '' || r.dir.entries!.has(r.name)) throw new KernelError(EEXIST);
  return r;
}

/**
 * Bind mounts, per root directory (one root per mount namespace): a directory mounted
 * elsewhere keeps its own "..", so ".." from the top of a mount goes to the directory that
 * holds the mount point instead — never out of the root it was mounted under.
 */
const mountTables = new WeakMap<Inode, Map<Inode, { parent: Inode; name: string }>>();

/** Makes `dir` appear as `name` in `parent`, under `root` (docker's -v SRC:DST). */
export function bindMount(root: Inode, parent: Inode, name: string, dir: Inode): void {
  let table = mountTables.get(root);
  if (!table) mountTables.set(root, (table = new Map()));
  table.set(dir, { parent, name });
  parent.entries!.set(name, dir);
}

/** Where a directory is mounted under `root`, if it is a mount's top. */
export function mountPoint(root: Inode, dir: Inode): { parent: Inode; name: string } | undefined {
  return mountTables.get(root)?.get(dir);
}

function up(ctx: PathContext, dir: Inode): Inode {
  if (dir === ctx.root) return dir;
  const mount = mountPoint(ctx.root, dir);
  if (mount) return mount.parent;
  return dir.entries!.get('..') ?? dir;
}

function step(ctx: PathContext, dir: Inode, name: string, follow: boolean, budget: { links: number }): Inode {
  if (dir.type !== 'dir') throw new KernelError(ENOTDIR);
  if (name === '.') return dir;
  if (name === '..') return up(ctx, dir);
  const child = dir.entries!.get(name);
  if (!child) throw new KernelError(ENOENT);
  if (child.type !== 'symlink' || !follow) return child;
  if (++budget.links > MAX_SYMLINKS) throw new KernelError(ELOOP);
  return resolve({ root: ctx.root, cwd: dir }, child.dynamicTarget?.() ?? child.target, true, budget);
}

/** Deepest directory nesting pathOf follows (a bound, should ".." links ever form a cycle). */
const MAX_DEPTH = PATH_MAX / 2;

/** The absolute path of a directory as seen from `root` (getcwd). */
export function pathOf(root: Inode, dir: Inode): string {
  const parts: string[] = [];
  let node = dir;
  for (let depth = 0; node !== root && depth < MAX_DEPTH; depth++) {
    const mount = mountPoint(root, node);
    if (mount) {
      parts.unshift(mount.name);
      node = mount.parent;
      continue;
    }
    const parent = node.entries?.get('..');
    if (!parent || parent === node) break;
    // A synthetic directory (/proc, /sys/fs/cgroup) makes its entries afresh on every
    // lookup: its children are known by inode number, not by object.
    const fresh = parent.dynamicEntries !== null;
    let found = '';
    for (const [name, child] of parent.entries!) {
      if (name !== '..' && (child === node || (fresh && child.ino === node.ino && child.type === node.type))) found = name;
    }
    parts.unshift(found);
    node = parent;
  }
  return '/' + parts.join('/');
}

/** The absolute path of a file with every symbolic link resolved (/proc/PID/exe, realpath). */
export function canonicalPath(ctx: PathContext, path: string, depth = 0): string {
  if (depth > MAX_SYMLINKS) throw new KernelError(ELOOP);
  const { dir, name } = lookupParent(ctx, path);
  const base = pathOf(ctx.root, dir);
  if (name === '') return base;
  const node = dir.entries!.get(name);
  if (node?.type === 'symlink') {
    const target = node.dynamicTarget?.() ?? node.target;
    return canonicalPath({ root: ctx.root, cwd: dir }, target, depth + 1);
  }
  return base === '/' ? `/${name}` : `${base}/${name}`;
}
