// Linux errno values (include/uapi/asm-generic/errno-base.h and errno.h). A system call
// returns -errno in a0; the names are the ones a learner sees in `man 3 errno`.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EXDEV = 18;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const ENOTTY = 25;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const EROFS = 30;
export const EMLINK = 31;
export const EPIPE = 32;
export const ERANGE = 34;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const ENXIO = 6;
export const ENODEV = 19;
export const EDEADLK = 35;
export const ENODATA = 61;
export const EOVERFLOW = 75;
export const ENOTSOCK = 88;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;
export const ETIMEDOUT = 110;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [ESRCH]: 'ESRCH', [EINTR]: 'EINTR', [EIO]: 'EIO',
  [E2BIG]: 'E2BIG', [ENOEXEC]: 'ENOEXEC', [EBADF]: 'EBADF', [ECHILD]: 'ECHILD',
  [EAGAIN]: 'EAGAIN', [ENOMEM]: 'ENOMEM', [EACCES]: 'EACCES', [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST', [EXDEV]: 'EXDEV', [ENOTDIR]: 'ENOTDIR',
  [EISDIR]: 'EISDIR', [EINVAL]: 'EINVAL', [ENFILE]: 'ENFILE', [EMFILE]: 'EMFILE',
  [ENOTTY]: 'ENOTTY', [EFBIG]: 'EFBIG', [ENOSPC]: 'ENOSPC', [ESPIPE]: 'ESPIPE',
  [EROFS]: 'EROFS', [EMLINK]: 'EMLINK', [EPIPE]: 'EPIPE', [ERANGE]: 'ERANGE',
  [ENAMETOOLONG]: 'ENAMETOOLONG', [ENOSYS]: 'ENOSYS', [ENOTEMPTY]: 'ENOTEMPTY', [ELOOP]: 'ELOOP',
  [ENXIO]: 'ENXIO', [ENODEV]: 'ENODEV', [EDEADLK]: 'EDEADLK', [ENODATA]: 'ENODATA', [EOVERFLOW]: 'EOVERFLOW',
  [ENOTSOCK]: 'ENOTSOCK', [EOPNOTSUPP]: 'EOPNOTSUPP', [EAFNOSUPPORT]: 'EAFNOSUPPORT', [ETIMEDOUT]: 'ETIMEDOUT',
};

/** "ENOENT" for 2; "E?" for a number this table does not know. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `E${errno}`;
}

/** Thrown inside the kernel to unwind a system call with an errno; the dispatcher returns -errno. */
export class KernelError extends Error {
  constructor(readonly errno: number, message?: string) {
    super(message ?? errnoName(errno));
  }
}
