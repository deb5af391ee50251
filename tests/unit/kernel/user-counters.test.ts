// The counter CSRs from user mode, as Linux 6.6+ sets scounteren: time is readable
// (rdtime, the 10 MHz timebase), cycle and instret are not (SIGILL).
import { describe, expect, it } from 'vitest';
import { boot, build, runAll } from './kernel-harness.ts';

describe('user-mode counters', () => {
  it('rdtime from a Linux process reads the virtual clock at 10 MHz, in step with clock_gettime', () => {
    const { k, output } = boot();
    const p = k.spawn({
      image: build(`
_start:
  rdtime s0
  li a0, 1              # CLOCK_MONOTONIC
  la a1, ts
  li a7, 113
  ecall
  rdtime s1
  la t0, ts
  lw s3, 0(t0)          # seconds (0 this early)
  lw s2, 4(t0)          # nanoseconds
  li t3, 100
  divu s2, s2, t3       # in 10 MHz ticks
  sltu a0, s2, s0       # 0: rdtime before <= clock_gettime
  call print_int
  sltu a0, s1, s2       # 0: clock_gettime <= rdtime after
  call print_int
  sltu a0, s0, s1       # 1: time went on
  call print_int
  mv a0, s3
  call print_int
  li a0, 0
  j exit
.data
ts: .word 0, 0
`).image, argv: ['t'],
    });
    runAll(k);
    expect(output()).toBe('0\n0\n1\n0\n');
    expect(p.killedBy).toBe(0);
  });

  it('rdcycle and rdinstret from a Linux process raise SIGILL, as Linux 6.6+ leaves them', () => {
    for (const insn of ['rdcycle a0', 'rdinstret a0', 'rdcycleh a0']) {
      const { k } = boot();
      const p = k.spawn({ image: build(`_start:\n  ${insn}\n  li a0, 0\n  j exit`).image, argv: ['t'] });
      runAll(k);
      expect(p.killedBy, insn).toBe(4);
    }
  });
});
