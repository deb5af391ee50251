// File-system system calls beyond open/read/write: statx (what RV32 libcs use for stat),
// readlinkat, faccessat, fchdir, symlinks and hard links, rename, chmod/chown, timestamps,
// truncate, positional reads and writes, statfs, sync.

import { utf8Encode } from './bytes.ts';
import {
  EACCES, EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EOPNOTSUPP, EPERM, EROFS, ESPIPE, EXDEV,
  KernelError,
} from './errno.ts';
import { Block, InodeFile, PipeEnd } from './file.ts';
import type { Inode } from './fs/inode.ts';
import { lookupNew, lookupParent, lookupPath } from './fs/path.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, fileOf, mayAccess, pathContext } from './sys-file.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut, readString } from './user-memory.ts';

const S_IFIFO = 0o010000;
const STATX_BASIC_STATS = 0x7ff;
const AT_EACCESS = 0x200;

/** Major/minor numbers of the character devices, as on Linux (devices.txt). */
const DEVICE_NUMBERS: Record<string, [number, number]> = {
  null: [1, 3], zero: [1, 5], random: [1, 8], urandom: [1, 9], tty: [5, 0], console: [5, 1], ptmx: [5, 2],
};

export function deviceNumber(node: Inode): [number, number] {
  return node.type === 'chardev' ? (DEVICE_NUMBERS[node.device] ?? (node.device.startsWith('pts/') ? [136, Number(node.device.slice(4))] : [1, 3])) : [0, 0];
}

/** The inode a *at() call with AT_EMPTY_PATH or a path names. */
function nodeAt(p: Process, dirfd: number, path: string, flags: number): { node: Inode | null; fifo: boolean } {
  if (path === '' && flags & AT_EMPTY_PATH) {
    const f = fileOf(p, dirfd);
    return { node: f.inode(), fifo: f instanceof PipeEnd };
  }
  return { node: lookupPath(pathContext(p, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) !== 0), fifo: false };
}

/** struct statx (256 bytes). */
function statxBytes(k: KernelServices, node: Inode | null, fifo: boolean): Uint8Array {
  const w = new StructWriter(256).u32(0, STATX_BASIC_STATS).u32(4, 4096);
  if (!node) return w.u32(16, 1).u16(28, S_IFIFO | 0o600).u64(32, 0).bytes;
  const sec = Math.floor(node.mtimeNs / 1e9);
  const nsec = node.mtimeNs % 1e9;
  const size = node.type === 'dir' ? 4096 : node.type === 'symlink' ? utf8Encode(node.target).length : node.size;
  const [major, minor] = deviceNumber(node);
  w.u32(16, node.nlink).u32(20, node.uid).u32(24, node.gid).u16(28, fifo ? S_IFIFO | 0o600 : node.mode)
    .u64(32, node.ino).u64(40, size).u64(48, Math.ceil(size / 512));
  for (const at of [64, 80, 96, 112]) w.u64(at, sec).u32(at + 8, nsec);
  return w.u32(128, major).u32(132, minor).u32(136, 0).u32(140, k.deviceId).bytes;
}

function sysStatx(k: KernelServices, p: Process, [dirfd, pathPtr, flags, , buf]: readonly number[]): number {
  const path = readString(p, pathPtr!);
  const { node, fifo } = nodeAt(p, dirfd!, path, flags!);
  copyOut(p, buf!, statxBytes(k, node, fifo));
  return 0;
}

/** readlinkat: the target, not NUL-terminated, truncated to the buffer. */
function sysReadlinkat(_k: KernelServices, p: Process, [dirfd, pathPtr, buf, size]: readonly number[]): number {
  if (size! <= 0) throw new KernelError(EINVAL);
  const path = readString(p, pathPtr!);
  const node = lookupPath(pathContext(p, dirfd!, path), path, true);
  if (node.type !== 'symlink') throw new KernelError(EINVAL);
  const target = utf8Encode(node.dynamicTarget ? node.dynamicTarget() : node.target).subarray(0, size! >>> 0);
  copyOut(p, buf!, target);
  return target.length;
}

/** faccessat(2): F_OK, or R/W/X against the mode bits (root passes but X needs some x bit). */
function sysFaccessat(_k: KernelServices, p: Process, [dirfd, pathPtr, mode, flags]: readonly number[]): number {
  if (mode! & ~7) throw new KernelError(EINVAL);
  if ((flags ?? 0) & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new KernelError(EINVAL);
  const path = readString(p, pathPtr!);
  const { node } = nodeAt(p, dirfd!, path, flags ?? 0);
  if (!node) return 0;
  if ((mode! & 2) && node.readOnly && node.type !== 'chardev') throw new KernelError(EROFS);
  if (p.creds.uid === 0) {
    if ((mode! & 1) && node.type !== 'dir' && !(node.perm & 0o111)) throw new KernelError(EACCES);
    return 0;
  }
  if (!mayAccess(p, node, mode!)) throw new KernelError(EACCES);
  return 0;
}

function sysFchdir(_k: KernelServices, p: Process, [fd]: readonly number[]): number {
  const node = fileOf(p, fd!).inode();
  if (!node || node.type !== 'dir') throw new KernelError(ENOTDIR);
  if (!mayAccess(p, node, 1)) throw new KernelError(EACCES);
  p.cwd = node;
  return 0;
}

function writableDir(p: Process, dir: Inode): void {
  if (dir.readOnly) throw new KernelError(EROFS);
  if (!mayAccess(p, dir, 2)) throw new KernelError(EACCES);
}

function sysSymlinkat(k: KernelServices, p: Process, [targetPtr, dirfd, pathPtr]: readonly number[]): number {
  const target = readString(p, targetPtr!);
  const path = readString(p, pathPtr!);
  if (target === '') throw new KernelError(ENOENT);
  const { dir, name } = lookupNew(pathContext(p, dirfd!, path), path);
  writableDir(p, dir);
  const node = k.fs.create('symlink', 0o777);
  node.target = target;
  node.uid = p.creds.uid;
  node.gid = p.creds.gid;
  node.mtimeNs = k.nowNs();
  k.fs.link(dir, name, node);
  return 0;
}

function sysLinkat(k: KernelServices, p: Process, [olddirfd, oldPtr, newdirfd, newPtr, flags]: readonly number[]): number {
  const oldPath = readString(p, oldPtr!);
  const newPath = readString(p, newPtr!);
  const node = lookupPath(pathContext(p, olddirfd!, oldPath), oldPath, !(flags! & 0x400));
  if (node.type === 'dir') throw new KernelError(EPERM);
  const { dir, name } = lookupNew(pathContext(p, newdirfd!, newPath), newPath);
  writableDir(p, dir);
  if (node.readOnly) throw new KernelError(EXDEV);
  k.fs.link(dir, name, node);
  return 0;
}

const RENAME_NOREPLACE = 1;

function sysRenameat2(k: KernelServices, p: Process, [olddirfd, oldPtr, newdirfd, newPtr, flags]: readonly number[]): number {
  if (flags! & ~RENAME_NOREPLACE) throw new KernelError(EINVAL);
  const oldPath = readString(p, oldPtr!);
  const newPath = readString(p, newPtr!);
  const from = lookupParent(pathContext(p, olddirfd!, oldPath), oldPath);
  const to = lookupParent(pathContext(p, newdirfd!, newPath), newPath);
  if (from.name === '' || to.name === '') throw new KernelError(EBUSY);
  const node = from.dir.entries!.get(from.name);
  if (!node) throw new KernelError(ENOENT);
  writableDir(p, from.dir);
  writableDir(p, to.dir);
  const existing = to.dir.entries!.get(to.name);
  if (existing === node) return 0;
  if (existing) {
    if (flags! & RENAME_NOREPLACE) throw new KernelError(EEXIST);
    if (node.type === 'dir' && existing.type !== 'dir') throw new KernelError(ENOTDIR);
    if (node.type !== 'dir' && existing.type === 'dir') throw new KernelError(EISDIR);
    if (existing.type === 'dir' && existing.entries!.size > 1) throw new KernelError(ENOTEMPTY);
  }
  // A directory may not move below itself.
  for (let d: Inode | undefined = to.dir; d && d !== p.root; d = d.entries?.get('..')) {
    if (d === node) throw new KernelError(EINVAL);
    if (d.entries?.get('..') === d) break;
  }
  if (existing) k.fs.unlink(to.dir, to.name);
  const mtime = k.nowNs();
  k.fs.unlink(from.dir, from.name);
  k.fs.link(to.dir, to.name, node);
  from.dir.mtimeNs = to.dir.mtimeNs = mtime;
  return 0;
}

function owner(p: Process, node: Inode): void {
  if (node.readOnly) throw new KernelError(EROFS);
  if (p.creds.uid !== 0 && node.uid !== p.creds.uid) throw new KernelError(EPERM);
}

function sysFchmodat(_k: KernelServices, p: Process, [dirfd, pathPtr, mode]: readonly number[]): number {
  const path = readString(p, pathPtr!);
  const node = lookupPath(pathContext(p, dirfd!, path), path);
  owner(p, node);
  node.perm = mode! & 0o7777;
  return 0;
}

function sysFchmod(_k: KernelServices, p: Process, [fd, mode]: readonly number[]): number {
  const node = fileOf(p, fd!).inode();
  if (!node) throw new KernelError(EBADF);
  owner(p, node);
  node.perm = mode! & 0o7777;
  return 0;
}

function chown(p: Process, node: Inode, uid: number, gid: number): number {
  if (node.readOnly) throw new KernelError(EROFS);
  if (p.creds.uid !== 0) throw new KernelError(EPERM);
  if (uid !== -1) node.uid = uid >>> 0;
  if (gid !== -1) node.gid = gid >>> 0;
  return 0;
}

function sysFchownat(_k: KernelServices, p: Process, [dirfd, pathPtr, uid, gid, flags]: readonly number[]): number {
  const path = readString(p, pathPtr!);
  const { node } = nodeAt(p, dirfd!, path, flags!);
  if (!node) throw new KernelError(EBADF);
  return chown(p, node, uid!, gid!);
}

function sysFchown(_k: KernelServices, p: Process, [fd, uid, gid]: readonly number[]): number {
  const node = fileOf(p, fd!).inode();
  if (!node) throw new KernelError(EBADF);
  return chown(p, node, uid!, gid!);
}

const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;

/** utimensat_time64(dirfd, path, times[2] of {i64 sec, i64 nsec}, flags): sets mtime. */
function sysUtimensat(k: KernelServices, p: Process, [dirfd, pathPtr, times, flags]: readonly number[]): number {
  const path = pathPtr ? readString(p, pathPtr) : '';
  const { node } = pathPtr ? nodeAt(p, dirfd!, path, flags!) : { node: fileOf(p, dirfd!).inode() };
  if (!node) throw new KernelError(EBADF);
  if (node.readOnly) throw new KernelError(EROFS);
  let mtime = k.nowNs();
  if (times) {
    const v = new DataView(copyIn(p, times, 32).buffer);
    const nsec = v.getInt32(24, true);
    if (nsec === UTIME_OMIT) return 0;
    if (nsec !== UTIME_NOW) {
      if (nsec < 0 || nsec >= 1e9) throw new KernelError(EINVAL);
      mtime = (v.getUint32(16, true) + v.getInt32(20, true) * 2 ** 32) * 1e9 + nsec;
    }
  }
  node.mtimeNs = Math.max(0, mtime);
  return 0;
}

function truncateNode(p: Process, node: Inode, length: number): number {
  if (length < 0) throw new KernelError(EINVAL);
  if (node.type === 'dir') throw new KernelError(EISDIR);
  if (node.type !== 'file') throw new KernelError(EINVAL);
  if (node.readOnly) throw new KernelError(EROFS);
  if (!mayAccess(p, node, 2)) throw new KernelError(EACCES);
  node.truncate(length);
  return 0;
}

/** truncate64/ftruncate64 on RV32: the 64-bit length comes in a register pair (lo, hi). */
function sysTruncate64(_k: KernelServices, p: Process, [pathPtr, lo, hi]: readonly number[]): number {
  const path = readString(p, pathPtr!);
  return truncateNode(p, lookupPath({ root: p.root, cwd: p.cwd }, path), (lo! >>> 0) + hi! * 2 ** 32);
}

function sysFtruncate64(_k: KernelServices, p: Process, [fd, lo, hi]: readonly number[]): number {
  const f = fileOf(p, fd!);
  if (!(f instanceof InodeFile) || !f.writable) throw new KernelError(EINVAL);
  return truncateNode(p, f.node, (lo! >>> 0) + hi! * 2 ** 32);
}

/** pread64/pwrite64: at an offset (register pair a3, a4), leaving the file offset alone. */
function positional(write: boolean) {
  return (_k: KernelServices, p: Process, [fd, buf, count, lo, hi]: readonly number[]): number | Block => {
    const f = fileOf(p, fd!);
    if (!(f instanceof InodeFile)) throw new KernelError(ESPIPE);
    if (write ? !f.writable : !f.readable) throw new KernelError(EBADF);
    const offset = (lo! >>> 0) + hi! * 2 ** 32;
    if (offset < 0) throw new KernelError(EINVAL);
    const saved = f.offset;
    const append = f.append;
    try {
      f.offset = offset;
      f.append = false;
      if (write) return f.write(copyIn(p, buf!, Math.min(count! >>> 0, 1 << 20)));
      const bytes = f.read(Math.min(count! >>> 0, 1 << 20));
      copyOut(p, buf!, bytes);
      return bytes.length;
    } finally {
      f.offset = saved;
      f.append = append;
    }
  };
}

/** statfs64(path, size, buf): a tmpfs-like answer (struct statfs64, 84 bytes on rv32). */
function statfsBytes(k: KernelServices, p: Process): Uint8Array {
  const m = k.memoryView(p);
  const blocks = Math.floor(m.total / 4096);
  const free = Math.floor(m.free / 4096);
  return new StructWriter(84).u32(0, 0x01021994).u32(4, 4096).u64(8, blocks).u64(16, free).u64(24, free)
    .u64(32, 1 << 20).u64(40, 1 << 19).u32(56, 255).u32(60, 4096).bytes;
}

function sysStatfs64(k: KernelServices, p: Process, [pathPtr, size, buf]: readonly number[]): number {
  if (size !== 84 && size !== 88) throw new KernelError(EINVAL);
  lookupPath({ root: p.root, cwd: p.cwd }, readString(p, pathPtr!));
  copyOut(p, buf!, statfsBytes(k, p));
  return 0;
}

function sysFstatfs64(k: KernelServices, p: Process, [fd, size, buf]: readonly number[]): number {
  if (size !== 84 && size !== 88) throw new KernelError(EINVAL);
  fileOf(p, fd!);
  copyOut(p, buf!, statfsBytes(k, p));
  return 0;
}

/** sendfile64(out, in, offset*, count): a copy through the kernel, at most 1 MiB at a time. */
function sysSendfile(_k: KernelServices, p: Process, [outFd, inFd, offPtr, count]: readonly number[]): number | Block {
  const src = fileOf(p, inFd!);
  const dst = fileOf(p, outFd!);
  if (!src.readable || !dst.writable) throw new KernelError(EBADF);
  const n = Math.min(count! >>> 0, 1 << 20);
  let bytes: Uint8Array | Block;
  if (offPtr) {
    if (!(src instanceof InodeFile)) throw new KernelError(ESPIPE);
    const v = new DataView(copyIn(p, offPtr, 8).buffer);
    const off = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
    bytes = src.node.contents().slice(off, off + n);
    copyOut(p, offPtr, new StructWriter(8).u64(0, off + bytes.length).bytes);
  } else {
    bytes = src.read(n, p.id);
    if (bytes instanceof Block) return bytes;
  }
  if (bytes.length === 0) return 0;
  let done = 0;
  while (done < bytes.length) {
    const r = dst.write(bytes.subarray(done), p.id);
    if (typeof r !== 'number') break;
    done += r;
  }
  // What the destination did not take goes back (a pipe full): unread from the source.
  if (!offPtr && done < bytes.length && src instanceof InodeFile) src.offset -= bytes.length - done;
  return done;
}

/** fallocate(fd, mode, offset, len) with 64-bit offset and length in register pairs: mode 0 grows the file. */
function sysFallocate(_k: KernelServices, p: Process, [fd, mode, offLo, offHi, lenLo, lenHi]: readonly number[]): number {
  const f = fileOf(p, fd!);
  if (!(f instanceof InodeFile) || !f.writable) throw new KernelError(EBADF);
  const offset = (offLo! >>> 0) + offHi! * 2 ** 32;
  const len = (lenLo! >>> 0) + lenHi! * 2 ** 32;
  if (offset < 0 || len <= 0) throw new KernelError(EINVAL);
  if (mode !== 0 && mode !== 1) throw new KernelError(EOPNOTSUPP);
  if (f.node.readOnly) throw new KernelError(EROFS);
  if (mode === 0 && offset + len > f.node.size) f.node.truncate(offset + len);
  return 0;
}

const noop = (_k: KernelServices, p: Process, [fd]: readonly number[]): number => {
  fileOf(p, fd!);
  return 0;
};

export const fsSyscalls: SyscallTable = {
  [nr.SYS_statx]: { name: 'statx', handler: sysStatx },
  [nr.SYS_fallocate]: { name: 'fallocate', handler: sysFallocate },
  [nr.SYS_sendfile64]: { name: 'sendfile64', handler: sysSendfile },
  [nr.SYS_readlinkat]: { name: 'readlinkat', handler: sysReadlinkat },
  [nr.SYS_faccessat]: { name: 'faccessat', handler: (k, p, [d, path, mode]) => sysFaccessat(k, p, [d!, path!, mode!, 0]) },
  [nr.SYS_faccessat2]: { name: 'faccessat2', handler: sysFaccessat },
  [nr.SYS_fchdir]: { name: 'fchdir', handler: sysFchdir },
  [nr.SYS_symlinkat]: { name: 'symlinkat', handler: sysSymlinkat },
  [nr.SYS_linkat]: { name: 'linkat', handler: sysLinkat },
  [nr.SYS_renameat2]: { name: 'renameat2', handler: sysRenameat2 },
  [nr.SYS_fchmodat]: { name: 'fchmodat', handler: sysFchmodat },
  [nr.SYS_fchmod]: { name: 'fchmod', handler: sysFchmod },
  [nr.SYS_fchownat]: { name: 'fchownat', handler: sysFchownat },
  [nr.SYS_fchown]: { name: 'fchown', handler: sysFchown },
  [nr.SYS_utimensat_time64]: { name: 'utimensat_time64', handler: sysUtimensat },
  [nr.SYS_truncate64]: { name: 'truncate64', handler: sysTruncate64 },
  [nr.SYS_ftruncate64]: { name: 'ftruncate64', handler: sysFtruncate64 },
  [nr.SYS_pread64]: { name: 'pread64', handler: positional(false) },
  [nr.SYS_pwrite64]: { name: 'pwrite64', handler: positional(true) },
  [nr.SYS_statfs64]: { name: 'statfs64', handler: sysStatfs64 },
  [nr.SYS_fstatfs64]: { name: 'fstatfs64', handler: sysFstatfs64 },
  [nr.SYS_fsync]: { name: 'fsync', handler: noop },
  [nr.SYS_fdatasync]: { name: 'fdatasync', handler: noop },
  [nr.SYS_sync]: { name: 'sync', handler: () => 0 },
  [nr.SYS_flock]: { name: 'flock', handler: noop },
  [nr.SYS_fadvise64_64]: { name: 'fadvise64_64', handler: noop },
};
