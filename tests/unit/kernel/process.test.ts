import { describe, expect, it } from 'vitest';
import { ENOSYS, ESRCH } from '../../../src/core/kernel/errno.ts';
import { boot, build, runAll } from './kernel-harness.ts';

describe('processes', () => {
  it('fork returns 0 in the child and its pid in the parent; wait4 reaps the exit status', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  mv s0, a0
  li a0, -1
  la a1, status
  li a2, 0
  li a3, 0
  li a7, 260
  ecall
  sub a0, a0, s0        # wait4 returned the child's pid: prints 0
  call print_int
  la t0, status
  lw a0, 0(t0)
  srli a0, a0, 8        # WEXITSTATUS
  call print_int
  li a0, -1             # no children left: -ECHILD
  li a1, 0
  li a2, 0
  li a3, 0
  li a7, 260
  ecall
  call print_int
  li a0, 0
  j exit
child:
  li a7, 173            # getppid
  ecall
  call print_int
  li a0, 7
  j exit
.data
status: .word 0
`);
    const p = k.spawn({ image, argv: ['fork'] });
    const pid = p.pid; // parentless: reaped by the kernel once it exits
    runAll(k);
    expect(output()).toBe(`${pid}\n0\n7\n-10\n`);
    expect(p.state).toBe('zombie');
  });

  it('fork copies memory copy-on-write: the child\'s store is invisible to the parent', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  la t0, var
  li t1, 1
  sw t1, 0(t0)
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  li a0, -1
  li a1, 0
  li a2, 0
  li a3, 0
  li a7, 260
  ecall
  la t0, var
  lw a0, 0(t0)
  call print_int
  li a0, 0
  j exit
child:
  la t0, var
  li t1, 2
  sw t1, 0(t0)
  lw a0, 0(t0)
  call print_int
  li a0, 0
  j exit
.data
var: .word 0
`);
    k.spawn({ image, argv: ['cow'] });
    runAll(k);
    expect(output()).toBe('2\n1\n');
  });

  it('execve replaces the image and passes argv; a missing file is -ENOENT', () => {
    const { k, output } = boot();
    const child = build(`
_start:
  lw a0, 0(sp)          # argc
  call print_int
  lw a0, 8(sp)          # argv[1]
  lbu a0, 0(a0)         # its first character
  call print_int
  li a0, 5
  j exit
`);
    k.fs.writeFile('/bin/child', child.elf, 0o755);
    const { image } = build(`
_start:
  la a0, missing
  la a1, argv
  li a2, 0
  li a7, 221
  ecall
  call print_int
  la a0, path
  la a1, argv
  li a2, 0
  li a7, 221
  ecall
  li a0, 99             # not reached
  j exit
.data
path: .string "/bin/child"
missing: .string "/bin/nope"
arg0: .string "child"
arg1: .string "A"
.align 2
argv: .word arg0, arg1, 0
`);
    const p = k.spawn({ image, argv: ['exec'] });
    runAll(k);
    expect(output()).toBe('-2\n2\n65\n');
    expect(p.waitStatus >> 8).toBe(5);
    expect(p.name).toBe('child');
  });

  it('kill terminates a spinning child; wait4 reports the signal', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, spin
  mv s0, a0
  li a7, 124            # sched_yield: let the child run a little
  ecall
  mv a0, s0
  li a1, 9
  li a7, 129
  ecall
  call print_int
  li a0, -1
  la a1, status
  li a2, 0
  li a3, 0
  li a7, 260
  ecall
  la t0, status
  lw a0, 0(t0)
  andi a0, a0, 127      # WTERMSIG
  call print_int
  li a0, 4242           # no such pid: -ESRCH
  li a1, 9
  li a7, 129
  ecall
  call print_int
  li a0, 0
  j exit
spin:
  j spin
.data
status: .word 0
`);
    k.spawn({ image, argv: ['killer'] });
    runAll(k);
    expect(output()).toBe(`0\n9\n${-ESRCH}\n`);
  });

  it('an unknown system call returns -ENOSYS and is logged', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  li a7, 999
  ecall
  call print_int
  li a0, 0
  j exit
`);
    k.spawn({ image, argv: ['nosys'] });
    runAll(k);
    expect(output()).toBe(`${-ENOSYS}\n`);
    expect(k.messages.some((m) => m.includes('unknown system call 999'))).toBe(true);
  });

  it('preempts a spinning process so another one runs', () => {
    const { k, output } = boot();
    const spinner = k.spawn({ image: build('_start:\n  j _start').image, argv: ['spin'] });
    const talker = k.spawn({ image: build('_start:\n  li a0, 42\n  call print_int\n  li a0, 0\n  j exit').image, argv: ['talk'] });
    k.run(2_000_000);
    expect(output()).toBe('42\n');
    expect(talker.state).toBe('zombie');
    expect(spinner.state).toBe('runnable');
    expect(spinner.instructions).toBeGreaterThan(1_000_000);
  });

  it('nanosleep advances virtual time without running anything (idle)', () => {
    const { k, output } = boot();
    const { image } = build(`
_start:
  la a0, req
  li a1, 0
  li a7, 101
  ecall
  li a0, 1              # CLOCK_MONOTONIC
  la a1, ts
  li a7, 113
  ecall
  la t0, ts
  lw a0, 0(t0)
  call print_int
  li a0, 0
  j exit
.data
req: .word 2, 500000000
ts: .word 0, 0
`);
    k.spawn({ image, argv: ['sleeper'] });
    runAll(k);
    expect(output()).toBe('2\n');
    expect(k.cpu.clock.idleCycles).toBeGreaterThanOrEqual(2.5 * 100_000_000 - 10_000);
  });
});
