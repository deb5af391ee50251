// Issue 16, item 21: guest time under the hypervisor. A guest sees time advance with its
// own instructions and idle time only; the cycles the VMM spends on its exits are steal
// time, hidden from the guest's mtime as a hardware hypervisor hides them by offsetting
// the guest's timer. So an unmodified kernel whose timer fires every 1,000 mtime ticks
// (fewer cycles than its tick handler's exits cost) makes progress under --mode full
// exactly as on bare hardware, while the host's figures still count every exit.
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/core/runner.ts';
import { DEFAULT_COST_MODEL, exitCost } from '../../../src/core/vmm/cost-model.ts';
import { findGuestImage, IMAGE_FILES } from '../../../src/core/vmm/images/index.ts';
import { asm } from './asm.ts';

/** M-mode: a timer every TICK mtime units; the handler reads mtime (an MMIO exit under the
 *  VMM), re-arms mtimecmp (two more) and counts; the main loop does fixed work, then prints
 *  how many ticks it saw and powers off. */
const TICKER = `
        .equ TICK, 1000
        .equ CLINT_MTIMECMP, 0x02004000
        .equ CLINT_MTIME, 0x0200bff8
        .equ UART, 0x10000000
        .equ TEST_DEV, 0x00100000
        .globl _start
_start: la t0, on_timer
        csrw mtvec, t0
        call arm
        li t0, 0x80
        csrw mie, t0
        csrsi mstatus, 8
        li s0, 0
        li s1, 60000
work:   addi s0, s0, 1
        bne s0, s1, work
        csrci mstatus, 8
        la t0, ticks
        lw a0, 0(t0)
        li a1, 10                     # print the tick count in decimal
        la a2, digits_end
        li a3, UART
1:      remu t1, a0, a1
        addi t1, t1, 48
        addi a2, a2, -1
        sb t1, 0(a2)
        divu a0, a0, a1
        bnez a0, 1b
        la t2, digits_end
2:      lbu t1, 0(a2)
        sb t1, 0(a3)
        addi a2, a2, 1
        bne a2, t2, 2b
        li t1, 10
        sb t1, 0(a3)
        li t0, TEST_DEV
        li t1, 0x5555
        sw t1, 0(t0)
3:      j 3b
        .align 2
on_timer:
        csrw mscratch, ra
        call arm
        la t3, ticks
        lw t4, 0(t3)
        addi t4, t4, 1
        sw t4, 0(t3)
        csrr ra, mscratch
        mret
arm:    li t5, CLINT_MTIME           # mtimecmp = mtime + TICK
        lw t6, 0(t5)
        addi t6, t6, TICK
        li t5, CLINT_MTIMECMP
        sw t6, 0(t5)
        sw zero, 4(t5)
        ret
        .data
ticks:  .word 0
digits: .space 12
digits_end:
`;

describe('guest time under the hypervisor', () => {
  it('a guest ticking every 1,000 mtime units sees the same ticks under full as on bare', () => {
    const image = asm(TICKER);
    const bare = runProgram({ image, mode: 'bare', maxInstructions: 2_000_000 });
    const full = runProgram({ image, mode: 'full', maxInstructions: 2_000_000 });
    expect(bare.end).toBe('exit');
    expect(full.end).toBe('exit');
    expect(Number(bare.console.trim())).toBeGreaterThan(10);
    expect(full.console).toBe(bare.console);
    expect(full.instructions).toBe(bare.instructions);
    // Every tick costs exits far beyond the 10,000 cycles between ticks: honest overhead.
    const perTick = full.cost.overheadCycles / Number(full.console.trim());
    expect(perTick).toBeGreaterThan(10_000);
  });

  it('an unmodified round-robin kernel with a 1,000-tick slice finishes under full and pv as on bare', () => {
    const rrKernel = findGuestImage('rr-kernel')!.source;
    expect(rrKernel).toMatch(/\.equ SLICE, 20000/);
    const image = asm(rrKernel.replace(/\.equ SLICE, 20000/, '.equ SLICE, 1000'), IMAGE_FILES);
    const bare = runProgram({ image, mode: 'bare', maxInstructions: 5_000_000 });
    expect(bare.end).toBe('exit');
    expect(bare.console).toContain('all tasks finished');
    for (const mode of ['full', 'pv'] as const) {
      const r = runProgram({ image, mode, maxInstructions: 5_000_000 });
      expect(r.end, mode).toBe('exit');
      expect(r.console, mode).toBe(bare.console);
      expect(r.instructions, mode).toBe(bare.instructions);
    }
  });

  it('the overhead figures still count every exit: host cycles = guest + overhead + idle', () => {
    const image = asm(TICKER);
    const r = runProgram({ image, mode: 'full', maxInstructions: 2_000_000 });
    let expected = 0;
    for (const [cause, n] of Object.entries(r.exits.byCause)) expected += n * exitCost(DEFAULT_COST_MODEL, cause);
    expect(r.cost.overheadCycles).toBe(expected);
    expect(r.cycles).toBe(r.cost.guestCycles + r.cost.overheadCycles + r.cost.idleCycles);
    expect(r.cost.overheadCycles).toBeGreaterThan(r.cost.guestCycles);
  });
});
