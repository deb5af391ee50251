// What a real userland needs beyond the basics: #! scripts, directory listings,
// close-on-exec, /proc's per-process files, and ENOSYS made visible.
import { describe, expect, it } from 'vitest';
import { utf8Decode } from '../../../src/core/kernel/bytes.ts';
import { boot, build } from './kernel-harness.ts';

/** Prints argv, one per line (an "interpreter" for #! scripts). */
const ECHO_ARGS = `
_start:
  lw s0, 0(sp)
  addi s1, sp, 4
1:
  beqz s0, 2f
  lw a1, 0(s1)
  mv a2, a1
3:
  lbu t0, 0(a2)
  beqz t0, 4f
  addi a2, a2, 1
  j 3b
4:
  sub a2, a2, a1
  li a0, 1
  li a7, 64
  ecall
  la a1, nl
  li a2, 1
  li a0, 1
  li a7, 64
  ecall
  addi s0, s0, -1
  addi s1, s1, 4
  j 1b
2:
  li a0, 0
  j exit
.data
nl: .ascii "\\n"
.text
`;

/** execve(path, argv = [path, "arg"], envp = NULL); prints the error if it returns. */
const EXEC = (path: string): string => `
_start:
  la a0, path
  la a1, argv
  li a2, 0
  li a7, 221
  ecall
  call print_int
  li a0, 1
  j exit
.data
path: .asciz "${path}"
arg: .asciz "arg"
.balign 4
argv: .word path, arg, 0
.text
`;

function readProc(k: ReturnType<typeof boot>['k'], path: string): string {
  return utf8Decode(k.fs.lookup(path)!.contents());
}

describe('a real userland', () => {
  it('execve of a #! script runs its interpreter with the optional argument and the script path', () => {
    const { k, output } = boot();
    const interp = build(ECHO_ARGS);
    k.installProgram('/bin/interp', interp.elf, interp.image);
    k.fs.writeFile('/tmp/script', new TextEncoder().encode('#!/bin/interp -x\necho ignored\n'), 0o755);
    k.spawn({ image: build(EXEC('/tmp/script')).image, argv: ['exec'] });
    k.run(1_000_000);
    expect(output()).toBe('/bin/interp\n-x\n/tmp/script\narg\n');
  });

  it('a script whose interpreter is missing fails with ENOENT; a file without x permission with EACCES', () => {
    const { k, output } = boot();
    k.fs.writeFile('/tmp/noint', new TextEncoder().encode('#!/bin/nothing\n'), 0o755);
    k.fs.writeFile('/tmp/nox', new TextEncoder().encode('#!/bin/interp\n'), 0o644);
    k.spawn({ image: build(EXEC('/tmp/noint')).image, argv: ['a'] });
    k.run(1_000_000);
    k.spawn({ image: build(EXEC('/tmp/nox')).image, argv: ['b'] });
    k.run(1_000_000);
    expect(output()).toBe('-2\n-13\n');
  });

  it('getdents64 lists a directory: ".", "..", then each entry with its type', () => {
    const { k, output } = boot();
    k.fs.mkdirs('/d/sub');
    k.fs.writeFile('/d/file', new Uint8Array([1]), 0o644);
    const { image } = build(`
_start:
  li a0, -100
  la a1, dir
  li a2, 0x10000         # O_DIRECTORY
  li a7, 56
  ecall
  mv s0, a0
1:
  mv a0, s0
  la a1, buf
  li a2, 64              # small: several calls are needed
  li a7, 61
  ecall
  beqz a0, 9f
  la s1, buf
  add s2, s1, a0
2:
  bgeu s1, s2, 1b
  lbu a0, 18(s1)         # d_type
  call print_int
  addi a1, s1, 19        # d_name
  mv a2, a1
3:
  lbu t0, 0(a2)
  beqz t0, 4f
  addi a2, a2, 1
  j 3b
4:
  sub a2, a2, a1
  li a0, 1
  li a7, 64
  ecall
  lhu t0, 16(s1)         # d_reclen
  add s1, s1, t0
  j 2b
9:
  li a0, 0
  j exit
.data
dir: .asciz "/d"
.balign 8
buf: .space 64
.text
`);
    k.spawn({ image, argv: ['ls'] });
    k.run(1_000_000);
    expect(output()).toBe('4\n.4\n..4\nsub8\nfile');
  });

  it('descriptors marked close-on-exec (O_CLOEXEC, F_SETFD) are closed by execve, the others stay', () => {
    const { k, output } = boot();
    const probe = build(`
_start:
  li a0, 3               # fcntl(3, F_GETFD), fcntl(4, F_GETFD): -EBADF if closed
  li a1, 1
  li a7, 25
  ecall
  call print_int
  li a0, 4
  li a1, 1
  li a7, 25
  ecall
  call print_int
  li a0, 0
  j exit
`);
    k.installProgram('/bin/probe', probe.elf, probe.image);
    const { image } = build(`
_start:
  li a0, -100            # 3 = open("/dev/null", O_RDONLY|O_CLOEXEC)
  la a1, null
  li a2, 0x80000
  li a7, 56
  ecall
  li a0, -100            # 4 = open("/dev/null", O_RDONLY)
  la a1, null
  li a2, 0
  li a7, 56
  ecall
  li a0, 4               # F_GETFD before exec: 0
  li a1, 1
  li a7, 25
  ecall
  call print_int
  la a0, path
  la a1, argv
  li a2, 0
  li a7, 221
  ecall
  j exit
.data
null: .asciz "/dev/null"
path: .asciz "/bin/probe"
.balign 4
argv: .word path, 0
.text
`);
    k.spawn({ image, argv: ['cloexec'] });
    k.run(1_000_000);
    expect(output()).toBe('0\n-9\n0\n');
  });

  it('/proc/PID/stat, status and cmdline in Linux formats; /proc/self is the caller; a stopped process shows T', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  li a0, -100            # readlinkat(AT_FDCWD, "/proc/self", buf, 16)
  la a1, self
  la a2, buf
  li a3, 16
  li a7, 78
  ecall
  mv a2, a0
  li a0, 1
  la a1, buf
  li a7, 64
  ecall
1: j 1b
.data
self: .asciz "/proc/self"
buf: .space 16
.text
`);
    const p = k.spawn({ image, argv: ['spinner', '--fast'] });
    k.run(3_000_000); // 30 ms of CPU: 3 ticks
    expect(output()).toBe(String(p.pid));
    const stat = readProc(k, `/proc/${p.pid}/stat`).trim().split(' ');
    expect(stat.slice(0, 8)).toEqual([String(p.pid), '(spinner)', 'R', '0', String(p.pgid), String(p.sid), '0', '-1']);
    expect(stat).toHaveLength(52);
    expect(Number(stat[13])).toBeGreaterThan(0); // utime in ticks: it has been running
    const status = readProc(k, `/proc/${p.pid}/status`);
    expect(status).toMatch(/^Name:\tspinner\n/);
    expect(status).toContain(`\nPid:\t${p.pid}\n`);
    expect(status).toContain('\nState:\tR (running)\n');
    expect(readProc(k, `/proc/${p.pid}/cmdline`)).toBe('spinner\0--fast\0');
    k.signal(p, 19);
    expect(readProc(k, `/proc/${p.pid}/stat`).split(' ')[2]).toBe('T');
    const meminfo = readProc(k, '/proc/meminfo');
    expect(meminfo).toMatch(/^MemTotal: +131072 kB\nMemFree: +\d+ kB\n/);
    expect(readProc(k, '/proc/loadavg')).toMatch(/^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+\/\d+ \d+\n$/);
    expect(readProc(k, '/proc/stat')).toMatch(/^cpu  \d+ 0 0 \d+ /);
  });

  it('an unimplemented system call returns ENOSYS and is counted in /proc/trapdoor/enosys', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  li a7, 216             # mremap: not implemented
  ecall
  call print_int
  li a7, 216
  ecall
  li a7, 999
  ecall
  li a0, 0
  j exit
`);
    k.spawn({ image, argv: ['nosys'] });
    k.run(100_000);
    expect(output()).toBe('-38\n');
    expect(readProc(k, '/proc/trapdoor/enosys')).toBe('216 mremap 2\n999 syscall_999 1\n');
    expect(k.messages.filter((m) => m.includes('unknown system call 216 (mremap)'))).toHaveLength(1);
  });
});
