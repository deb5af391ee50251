// File system calls: descriptors, paths, directories and pipes.

import { utf8Encode } from './bytes.ts';
import {
  EACCES, EAGAIN, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, EMFILE, ENOENT, ENOTDIR, ENOTEMPTY, ENOTTY,
  EROFS, ERANGE, KernelError,
} from './errno.ts';
import { Block, InodeFile, Pipe, PipeEnd, type OpenFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import { lookupNew, lookupParent, lookupPath, pathOf, type PathContext } from './fs/path.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import type { SyscallTable } from './syscall-types.ts';
import { TtyFile, ttyIoctl } from './tty-file.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut, readString, writeU32 } from './user-memory.ts';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EMPTY_PATH = 0x1000;
export const O_ACCMODE = 3;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;
export const O_NOCTTY = 0o400;
export const O_NOFOLLOW = 0o400000;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
const FD_CLOEXEC = 1;
const S_IFIFO = 0o010000;
const MAX_FDS = 256;
/** Larger reads and writes are done in pieces, as a kernel bounds one copy. */
const MAX_IO = 1 << 20;

export function fileOf(p: Process, fd: number): OpenFile {
  const f = fd >= 0 ? p.files[fd] : undefined;
  if (!f) throw new KernelError(EBADF);
  return f;
}

/** Where a *at() call resolves relative paths: the cwd or an open directory. */
export function pathContext(p: Process, dirfd: number, path: string): PathContext {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return { root: p.root, cwd: p.cwd };
  const dir = fileOf(p, dirfd).inode();
  if (!dir || dir.type !== 'dir') throw new KernelError(ENOTDIR);
  return { root: p.root, cwd: dir };
}

export function installFd(p: Process, file: OpenFile, min = 0): number {
  const fd = p.allocFd(file, min);
  if (fd >= MAX_FDS) {
    p.files[fd] = null;
    throw new KernelError(EMFILE);
  }
  return fd;
}

export function closeFd(p: Process, fd: number): void {
  const f = fileOf(p, fd);
  p.files[fd] = null;
  if (--f.refs === 0) f.release();
}

function sysRead(_k: KernelServices, p: Process, [fd, buf, count]: readonly number[]): number | Block {
  const f = fileOf(p, fd);
  if (!f.readable) throw new KernelError(EBADF);
  // Take no more than the buffer can hold, so a bad pointer leaves a pipe's bytes in the
  // pipe (Linux copies page by page and keeps what it could not copy).
  const want = Math.min(count >>> 0, MAX_IO);
  const room = p.space.writablePrefix(buf! >>> 0, want);
  if (want > 0 && room === 0) throw new KernelError(EFAULT);
  const r = f.read(room, p.id);
  if (r instanceof Block) {
    if (f.nonblock) throw new KernelError(EAGAIN);
    return r;
  }
  copyOut(p, buf!, r);
  return r.length;
}

function sysWrite(k: KernelServices, p: Process, [fd, buf, count]: readonly number[]): number | Block {
  const f = fileOf(p, fd);
  if (!f.writable) throw new KernelError(EBADF);
  const bytes = copyIn(p, buf!, Math.min(count >>> 0, MAX_IO));
  if (f.inode()?.readOnly) throw new KernelError(EROFS);
  try {
    const r = f.write(bytes, p.id);
    if (r instanceof Block && f.nonblock) throw new KernelError(EAGAIN);
    return r;
  } catch (e) {
    // Writing to a pipe nobody reads kills the writer with SIGPIPE (pipe(7)).
    if (e instanceof KernelError && e.errno === 32) k.signal(p, 13);
    throw e;
  }
}

/** Most struct iovec entries one readv/writev takes (UIO_MAXIOV, <linux/uio.h>). */
export const IOV_MAX = 1024;
/** Most bytes one read or write moves (MAX_RW_COUNT: INT_MAX rounded down to a page). */
const MAX_RW_COUNT = 0x7ffff000;

/**
 * readv/writev: an array of {base, len} (struct iovec) done one after another. As Linux's
 * import_iovec: more than IOV_MAX entries or a length that is negative as ssize_t is
 * EINVAL before anything moves; a fault after some bytes moved returns those bytes.
 */
function vectored(op: typeof sysRead) {
  return (k: KernelServices, p: Process, [fd, iov, cnt]: readonly number[]): number | Block => {
    const count = cnt! >>> 0;
    if (count > IOV_MAX) throw new KernelError(EINVAL);
    fileOf(p, fd!);
    const vec = new DataView(copyIn(p, iov!, count * 8).buffer);
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const len = vec.getInt32(i * 8 + 4, true);
      if (len < 0) throw new KernelError(EINVAL);
      sum = Math.min(MAX_RW_COUNT, sum + len);
    }
    let total = 0;
    for (let i = 0; i < count && total < sum; i++) {
      const base = vec.getUint32(i * 8, true);
      const len = Math.min(vec.getUint32(i * 8 + 4, true), sum - total);
      if (len === 0) continue;
      let r: number | Block;
      try {
        r = op(k, p, [fd!, base, len]);
      } catch (e) {
        if (total > 0 && e instanceof KernelError) return total;
        throw e;
      }
      if (r instanceof Block) return total > 0 ? total : r;
      total += r;
      if (r < len) break;
    }
    return total;
  };
}

function openInode(k: KernelServices, p: Process, ctx: PathContext, path: string, flags: number, mode: number): Inode {
  if (flags & O_CREAT) {
    const { dir, name } = lookupParent(ctx, path);
    const existing = name === '' ? dir : dir.entries!.get(name);
    if (existing) {
      if (flags & O_EXCL) throw new KernelError(EEXIST);
      return existing.type === 'symlink' ? lookupPath(ctx, path, (flags & O_NOFOLLOW) !== 0) : existing;
    }
    if (dir.readOnly) throw new KernelError(EROFS);
    if (!mayAccess(p, dir, 2)) throw new KernelError(EACCES);
    const node = k.fs.create('file', mode & 0o7777 & ~p.umask);
    node.uid = p.creds.uid;
    node.gid = p.creds.gid;
    node.mtimeNs = k.nowNs();
    k.fs.link(dir, name, node);
    return node;
  }
  return lookupPath(ctx, path, (flags & O_NOFOLLOW) !== 0);
}

function sysOpenat(k: KernelServices, p: Process, [dirfd, pathPtr, flags, mode]: readonly number[]): number {
  return openPath(k, p, dirfd!, readString(p, pathPtr!), flags!, mode!);
}

/** openat on a kernel string: the descriptor, or throws KernelError. */
export function openPath(k: KernelServices, p: Process, dirfd: number, path: string, flags: number, mode: number): number {
  const node = openInode(k, p, pathContext(p, dirfd, path), path, flags, mode);
  const acc = flags & O_ACCMODE;
  const writing = acc === O_WRONLY || acc === O_RDWR;
  if (node.type === 'symlink') throw new KernelError(ELOOP);
  if ((flags & O_DIRECTORY) && node.type !== 'dir') throw new KernelError(ENOTDIR);
  if (node.type === 'dir' && writing) throw new KernelError(EISDIR);
  const target = writing && node.readOnly ? copyUp(k, p, dirfd, path, node) : node;
  if (!mayAccess(p, target, writing ? 2 : 4)) throw new KernelError(EACCES);
  const dev = k.openDevice(target, acc !== O_WRONLY, writing, p, (flags & O_NOCTTY) !== 0);
  if (writing && (flags & O_TRUNC) && target.type === 'file' && !target.onWrite) target.truncate(0);
  const file = dev ?? new InodeFile(target, acc !== O_WRONLY, writing, (flags & O_APPEND) !== 0);
  file.nonblock = (flags & O_NONBLOCK) !== 0;
  const fd = installFd(p, file);
  if (flags & O_CLOEXEC) p.fdFlags[fd] = FD_CLOEXEC;
  return fd;
}

/**
 * Opening a lower-layer file for writing through an overlay directory copies it up into
 * the container's writable layer first (overlayfs); anywhere else it is EROFS.
 */
function copyUp(k: KernelServices, p: Process, dirfd: number, path: string, node: Inode): Inode {
  const { dir, name } = lookupParent(pathContext(p, dirfd, path), path);
  if (dir.readOnly || dir.entries!.get(name) !== node || node.type !== 'file') throw new KernelError(EROFS);
  const copy = node.copyUp(k.fs.allocIno());
  copy.nlink = 1;
  dir.entries!.set(name, copy);
  return copy;
}

/** Unix permission bits (owner/other); root may do anything. */
export function mayAccess(p: Process, node: Inode, want: number): boolean {
  if (p.creds.uid === 0) return true;
  const bits = node.uid === p.creds.uid ? (node.perm >> 6) & 7 : node.perm & 7;
  return (bits & want) === want;
}

function sysClose(_k: KernelServices, p: Process, [fd]: readonly number[]): number {
  closeFd(p, fd!);
  return 0;
}

/** RV32 slot 62 is llseek(fd, offset_hi, offset_lo, *result, whence). */
function sysLlseek(_k: KernelServices, p: Process, [fd, hi, lo, result, whence]: readonly number[]): number {
  const offset = hi! * 2 ** 32 + (lo! >>> 0);
  const pos = fileOf(p, fd!).seek(offset, whence!);
  const w = new StructWriter(8).u64(0, pos);
  copyOut(p, result!, w.bytes);
  return 0;
}

/** struct stat64 of asm-generic (104 bytes), what RV32 fstat64/fstatat64 fill. */
export function statBytes(k: KernelServices, node: Inode | null, fifo = false): Uint8Array {
  const w = new StructWriter(104);
  if (!node) return w.u32(16, S_IFIFO | 0o600).u32(20, 1).u32(56, 4096).bytes;
  const mtime = Math.floor(node.mtimeNs / 1e9);
  const nsec = node.mtimeNs % 1e9;
  return w.u64(0, k.deviceId).u64(8, node.ino).u32(16, fifo ? S_IFIFO : node.mode).u32(20, node.nlink)
    .u32(24, node.uid).u32(28, node.gid).u64(48, node.type === 'dir' ? 4096 : node.size)
    .u32(56, 4096).u64(64, Math.ceil(node.size / 512)).u32(72, mtime).u32(76, nsec)
    .u32(80, mtime).u32(84, nsec).u32(88, mtime).u32(92, nsec).bytes;
}

function sysFstat(k: KernelServices, p: Process, [fd, buf]: readonly number[]): number {
  const f = fileOf(p, fd!);
  copyOut(p, buf!, statBytes(k, f.inode(), f instanceof PipeEnd));
  return 0;
}

function sysFstatat(k: KernelServices, p: Process, [dirfd, pathPtr, buf, flags]: readonly number[]): number {
  const path = readString(p, pathPtr!);
  if (path === '' && flags! & AT_EMPTY_PATH) return sysFstat(k, p, [dirfd!, buf!]);
  const node = lookupPath(pathContext(p, dirfd!, path), path, (flags! & AT_SYMLINK_NOFOLLOW) !== 0);
  copyOut(p, buf!, statBytes(k, node));
  return 0;
}

const DT: Record<string, number> = { file: 8, dir: 4, symlink: 10, chardev: 2 };

/** struct linux_dirent64 records, as many as fit; the offset counts entries. */
function sysGetdents64(_k: KernelServices, p: Process, [fd, buf, count]: readonly number[]): number {
  const f = fileOf(p, fd!);
  if (!(f instanceof InodeFile) || f.node.type !== 'dir') throw new KernelError(ENOTDIR);
  const dir = f.node;
  const names: [string, Inode][] = [['.', dir], ['..', dir === p.root ? dir : dir.entries!.get('..') ?? dir]];
  for (const [name, node] of dir.entries!) if (name !== '..') names.push([name, node]);
  const out: Uint8Array[] = [];
  let used = 0;
  // The offset moves only once the records are in the caller's buffer: a bad pointer
  // (EFAULT) loses no entries.
  let next = f.offset;
  while (next < names.length) {
    const [name, node] = names[next]!;
    const nameBytes = utf8Encode(name);
    const reclen = (19 + nameBytes.length + 1 + 7) & ~7;
    if (used + reclen > count! >>> 0) {
      if (used === 0) throw new KernelError(EINVAL);
      break;
    }
    out.push(new StructWriter(reclen).u64(0, node.ino).u64(8, next + 1).u16(16, reclen)
      .u8(18, DT[node.type]!).bytesAt(19, nameBytes).bytes);
    used += reclen;
    next++;
  }
  const all = new Uint8Array(used);
  let at = 0;
  for (const r of out) {
    all.set(r, at);
    at += r.length;
  }
  copyOut(p, buf!, all);
  f.offset = next;
  return used;
}

function sysMkdirat(k: KernelServices, p: Process, [dirfd, pathPtr, mode]: readonly number[]): number {
  return mkdirPath(k, p, dirfd!, readString(p, pathPtr!), mode!);
}

export function mkdirPath(k: KernelServices, p: Process, dirfd: number, path: string, mode: number): number {
  const { dir, name } = lookupNew(pathContext(p, dirfd, path), path);
  if (dir.readOnly) throw new KernelError(EROFS);
  if (!mayAccess(p, dir, 2)) throw new KernelError(EACCES);
  const node = k.fs.create('dir', mode & 0o7777 & ~0o022);
  node.uid = p.creds.uid;
  node.gid = p.creds.gid;
  node.mtimeNs = k.nowNs();
  k.fs.link(dir, name, node);
  return 0;
}

function sysUnlinkat(k: KernelServices, p: Process, [dirfd, pathPtr, flags]: readonly number[]): number {
  return unlinkPath(k, p, dirfd!, readString(p, pathPtr!), flags!);
}

export function unlinkPath(k: KernelServices, p: Process, dirfd: number, path: string, flags: number): number {
  const { dir, name } = lookupParent(pathContext(p, dirfd, path), path);
  if (name === '') throw new KernelError(flags & AT_REMOVEDIR ? EINVAL : EISDIR);
  const node = dir.entries!.get(name);
  if (!node) throw new KernelError(ENOENT);
  if (dir.readOnly) throw new KernelError(EROFS);
  if (!mayAccess(p, dir, 2)) throw new KernelError(EACCES);
  if (flags & AT_REMOVEDIR) {
    if (node.type !== 'dir') throw new KernelError(ENOTDIR);
    if (node.entries!.size > 1) throw new KernelError(ENOTEMPTY);
    if (node === p.root || node === p.cwd) throw new KernelError(16);
  } else if (node.type === 'dir') {
    throw new KernelError(EISDIR);
  }
  k.fs.unlink(dir, name);
  return 0;
}

function sysChdir(_k: KernelServices, p: Process, [pathPtr]: readonly number[]): number {
  return chdirPath(p, readString(p, pathPtr!));
}

export function chdirPath(p: Process, path: string): number {
  const node = lookupPath({ root: p.root, cwd: p.cwd }, path);
  if (node.type !== 'dir') throw new KernelError(ENOTDIR);
  if (!mayAccess(p, node, 1)) throw new KernelError(EACCES);
  p.cwd = node;
  return 0;
}

function sysGetcwd(_k: KernelServices, p: Process, [buf, size]: readonly number[]): number {
  const path = utf8Encode(pathOf(p.root, p.cwd) + '\0');
  if (path.length > size! >>> 0) throw new KernelError(ERANGE);
  copyOut(p, buf!, path);
  return path.length;
}

function sysDup(_k: KernelServices, p: Process, [fd]: readonly number[]): number {
  const f = fileOf(p, fd!);
  const nfd = installFd(p, f);
  f.refs++;
  return nfd;
}


function sysDup3(_k: KernelServices, p: Process, [oldfd, newfd, flags]: readonly number[]): number {
  const f = fileOf(p, oldfd!);
  if (oldfd === newfd || (flags! & ~O_CLOEXEC) !== 0) throw new KernelError(EINVAL);
  if (newfd! < 0 || newfd! >= MAX_FDS) throw new KernelError(EBADF);
  f.refs++;
  if (p.files[newfd!]) closeFd(p, newfd!);
  p.files[newfd!] = f;
  p.fdFlags[newfd!] = flags! & O_CLOEXEC ? FD_CLOEXEC : 0;
  return newfd!;
}

function sysPipe2(k: KernelServices, p: Process, [fdsPtr, flags]: readonly number[]): number {
  if ((flags! & ~(O_CLOEXEC | O_NONBLOCK)) !== 0) throw new KernelError(EINVAL);
  const pipe = new Pipe();
  const rd = new PipeEnd(pipe, false, (c) => k.wakeup(c));
  const wr = new PipeEnd(pipe, true, (c) => k.wakeup(c));
  rd.nonblock = wr.nonblock = (flags! & O_NONBLOCK) !== 0;
  const r = installFd(p, rd);
  let w: number;
  try {
    w = installFd(p, wr);
  } catch (e) {
    closeFd(p, r);
    wr.release();
    throw e;
  }
  try {
    writeU32(p, fdsPtr!, r);
    writeU32(p, fdsPtr! + 4, w);
  } catch (e) {
    closeFd(p, r);
    closeFd(p, w);
    throw e;
  }
  if (flags! & O_CLOEXEC) p.fdFlags[r] = p.fdFlags[w] = FD_CLOEXEC;
  return 0;
}

const FIONBIO = 0x5421;
const FIONCLEX = 0x5450;
const FIOCLEX = 0x5451;
const FIONREAD_ = 0x541b;

/** ioctl: the generic requests here, the rest by the open file (a terminal's in tty-file.ts). */
function sysIoctl(k: KernelServices, p: Process, [fd, cmd, arg]: readonly number[]): number | Block {
  const f = fileOf(p, fd!);
  switch (cmd! >>> 0) {
    case FIONBIO:
      f.nonblock = new DataView(copyIn(p, arg!, 4).buffer).getInt32(0, true) !== 0;
      return 0;
    case FIOCLEX: p.fdFlags[fd!] = FD_CLOEXEC; return 0;
    case FIONCLEX: p.fdFlags[fd!] = 0; return 0;
    case FIONREAD_:
      if (f instanceof PipeEnd) {
        writeU32(p, arg!, f.pipe.buffered);
        return 0;
      }
      if (f instanceof InodeFile && f.node.type === 'file') {
        writeU32(p, arg!, Math.max(0, f.node.size - f.offset));
        return 0;
      }
      break;
  }
  // Only terminals take device requests here; anything else is "not a typewriter".
  if (f instanceof TtyFile) return ttyIoctl(k, p, f.terminal, cmd! >>> 0, arg!);
  throw new KernelError(ENOTTY);
}

const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_SETOWN = 8;
const F_GETOWN = 9;
const F_DUPFD_CLOEXEC = 1030;
const F_GETPIPE_SZ = 1032;
/** F_GETLK64... on 32-bit: 12, 13, 14. */
const F_GETLK64 = 12;

function sysFcntl(_k: KernelServices, p: Process, [fd, cmd, arg]: readonly number[]): number {
  const f = fileOf(p, fd!);
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      if (arg! < 0 || arg! >= MAX_FDS) throw new KernelError(EINVAL);
      const nfd = installFd(p, f, arg!);
      f.refs++;
      if (cmd === F_DUPFD_CLOEXEC) p.fdFlags[nfd] = FD_CLOEXEC;
      return nfd;
    }
    case F_GETFD: return p.fdFlags[fd!]! & FD_CLOEXEC;
    case F_SETFD: p.fdFlags[fd!] = arg! & FD_CLOEXEC; return 0;
    case F_GETFL: {
      const acc = f.readable && f.writable ? O_RDWR : f.writable ? O_WRONLY : 0;
      const append = f instanceof InodeFile && f.append ? O_APPEND : 0;
      return acc | append | (f.nonblock ? O_NONBLOCK : 0);
    }
    case F_SETFL:
      f.nonblock = (arg! & O_NONBLOCK) !== 0;
      if (f instanceof InodeFile) f.append = (arg! & O_APPEND) !== 0;
      return 0;
    case F_GETLK: case F_GETLK64: {
      // No other process holds a lock: report F_UNLCK (l_type = 2) in place.
      const b = new Uint8Array(2);
      b[0] = 2;
      copyOut(p, arg!, b);
      return 0;
    }
    case F_SETLK: case F_SETLKW: case 13: case 14: return 0; // advisory locks always granted
    case F_SETOWN: return 0;
    case F_GETOWN: return 0;
    case F_GETPIPE_SZ:
      if (!(f instanceof PipeEnd)) throw new KernelError(EBADF);
      return Pipe.CAPACITY;
    default: throw new KernelError(EINVAL);
  }
}

export const fileSyscalls: SyscallTable = {
  [nr.SYS_read]: { name: 'read', handler: (k, p, a) => sysRead(k, p, a) },
  [nr.SYS_write]: { name: 'write', handler: (k, p, a) => sysWrite(k, p, a) },
  [nr.SYS_readv]: { name: 'readv', handler: vectored(sysRead) },
  [nr.SYS_writev]: { name: 'writev', handler: vectored(sysWrite) },
  [nr.SYS_openat]: { name: 'openat', handler: sysOpenat },
  [nr.SYS_close]: { name: 'close', handler: sysClose },
  [nr.SYS_llseek]: { name: 'llseek', handler: sysLlseek },
  [nr.SYS_fstat]: { name: 'fstat', handler: sysFstat },
  [nr.SYS_newfstatat]: { name: 'newfstatat', handler: sysFstatat },
  [nr.SYS_getdents64]: { name: 'getdents64', handler: sysGetdents64 },
  [nr.SYS_mkdirat]: { name: 'mkdirat', handler: sysMkdirat },
  [nr.SYS_unlinkat]: { name: 'unlinkat', handler: sysUnlinkat },
  [nr.SYS_chdir]: { name: 'chdir', handler: sysChdir },
  [nr.SYS_getcwd]: { name: 'getcwd', handler: sysGetcwd },
  [nr.SYS_dup]: { name: 'dup', handler: sysDup },
  [nr.SYS_dup3]: { name: 'dup3', handler: sysDup3 },
  [nr.SYS_pipe2]: { name: 'pipe2', handler: sysPipe2 },
  [nr.SYS_ioctl]: { name: 'ioctl', handler: sysIoctl },
  [nr.SYS_fcntl]: { name: 'fcntl', handler: sysFcntl },
};
