// Volumes: a directory of the real machine made visible in the lab's filesystem
// (`trapdoor run --volume HOSTDIR:PATH[:ro]`, docker's -v). Core has no file-system API
// of its own, so the host reads its directory through a port (HostDirectory; the CLI
// implements it with node:fs) and the kernel copies what it lists into the in-memory
// filesystem once, at mount time. Changes made in the lab stay in the lab.

import { EINVAL, ENOTDIR, KernelError } from './errno.ts';
import type { Inode } from './fs/inode.ts';
import { lookupPath } from './fs/path.ts';
import type { Kernel } from './kernel.ts';

export interface HostEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (0o755...). */
  mode: number;
}

/** The host's side of a volume: paths are relative to its root ('' is the root). */
export interface HostDirectory {
  list(path: string): HostEntry[];
  read(path: string): Uint8Array;
  readlink(path: string): string;
}

export interface VolumeSpec {
  source: HostDirectory;
  /** Where it appears, absolute. */
  target: string;
  readOnly: boolean;
}

/** A volume may not make the lab copy more than this (the page runs in a browser tab too). */
export const VOLUME_MAX_BYTES = 512 << 20;

/** Parses "HOSTDIR:PATH[:ro|:rw]" into its parts (PATH must be absolute). */
export function parseVolumeFlag(flag: string): { host: string; target: string; readOnly: boolean } {
  const parts = flag.split(':');
  let readOnly = false;
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) {
    readOnly = parts.pop() === 'ro';
  }
  if (parts.length !== 2 || parts[0] === '' || !parts[1]!.startsWith('/')) {
    throw new KernelError(EINVAL, `a volume is HOSTDIR:PATH[:ro] with an absolute PATH, got '${flag}'`);
  }
  return { host: parts[0]!, target: parts[1]!, readOnly };
}

/** Copies the host directory into the kernel's filesystem at spec.target (created if missing). */
export function mountVolume(k: Kernel, spec: VolumeSpec, root: Inode = k.fs.root): void {
  let dir: Inode;
  try {
    dir = lookupPath({ root, cwd: root }, spec.target);
  } catch {
    dir = k.fs.mkdirs(spec.target);
  }
  if (dir.type !== 'dir') throw new KernelError(ENOTDIR, `${spec.target} is not a directory`);
  const budget = { bytes: 0 };
  copyDir(k, spec, '', dir, budget);
  if (spec.readOnly) dir.readOnly = true;
}

function copyDir(k: Kernel, spec: VolumeSpec, path: string, dir: Inode, budget: { bytes: number }): void {
  for (const e of spec.source.list(path)) {
    if (e.name === '.' || e.name === '..' || e.name.includes('/')) continue;
    const sub = path ? `${path}/${e.name}` : e.name;
    const existing = dir.entries!.get(e.name);
    if (existing) k.fs.unlink(dir, e.name);
    let node: Inode;
    if (e.type === 'dir') {
      node = k.fs.create('dir', e.mode & 0o7777);
      k.fs.link(dir, e.name, node);
      copyDir(k, spec, sub, node, budget);
    } else if (e.type === 'symlink') {
      node = k.fs.create('symlink', 0o777);
      node.target = spec.source.readlink(sub);
      k.fs.link(dir, e.name, node);
    } else {
      const data = spec.source.read(sub);
      budget.bytes += data.length;
      if (budget.bytes > VOLUME_MAX_BYTES) {
        throw new KernelError(EINVAL, `volume ${spec.target} is larger than ${VOLUME_MAX_BYTES >> 20} MiB`);
      }
      node = k.fs.create('file', e.mode & 0o7777);
      node.writeAt(0, data);
      k.fs.link(dir, e.name, node);
    }
    if (spec.readOnly) node.readOnly = true;
  }
}
