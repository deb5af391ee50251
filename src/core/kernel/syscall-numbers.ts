// Linux RISC-V system-call numbers (include/uapi/asm-generic/unistd.h). On RV32 some
// slots mean the 32-bit variant: 62 is llseek, 79/80 are fstatat64/fstat64, 222 is mmap2
// (offset in pages) — which is what qemu-riscv32 implements, and so do we.

export const SYS_getcwd = 17;
export const SYS_dup = 23;
export const SYS_dup3 = 24;
export const SYS_fcntl = 25;
export const SYS_ioctl = 29;
export const SYS_mkdirat = 34;
export const SYS_unlinkat = 35;
export const SYS_chdir = 49;
export const SYS_openat = 56;
export const SYS_close = 57;
export const SYS_pipe2 = 59;
export const SYS_getdents64 = 61;
export const SYS_llseek = 62;
export const SYS_read = 63;
export const SYS_write = 64;
export const SYS_readv = 65;
export const SYS_writev = 66;
export const SYS_newfstatat = 79;
export const SYS_fstat = 80;
export const SYS_exit = 93;
export const SYS_exit_group = 94;
export const SYS_set_tid_address = 96;
export const SYS_nanosleep = 101;
export const SYS_clock_gettime = 113;
export const SYS_sched_yield = 124;
export const SYS_kill = 129;
export const SYS_uname = 160;
export const SYS_sethostname = 161;
export const SYS_getpid = 172;
export const SYS_getppid = 173;
export const SYS_getuid = 174;
export const SYS_geteuid = 175;
export const SYS_getgid = 176;
export const SYS_getegid = 177;
export const SYS_gettid = 178;
export const SYS_brk = 214;
export const SYS_munmap = 215;
export const SYS_clone = 220;
export const SYS_execve = 221;
export const SYS_mmap = 222;
export const SYS_wait4 = 260;
/** The 64-bit-time variants RV32 C libraries actually call. */
export const SYS_clock_gettime64 = 403;
export const SYS_clock_nanosleep_time64 = 407;
