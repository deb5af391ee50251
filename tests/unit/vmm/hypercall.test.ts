// SBI hypercalls from a paravirtual guest: real extension ids, whole-buffer console
// writes, and SBI error codes for bad arguments — never a host exception.
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/core/runner.ts';
import { Eid, SbiError, TrapdoorFid } from '../../../src/core/vmm/sbi.ts';
import { asm } from './asm.ts';

/** A guest that makes one call and stores (a0, a1) at `result`, then shuts down. */
function call(eid: number, fid: number, args: number[]): { error: number; value: number; console: string; exitCode: number | null } {
  const regs = args.map((a, i) => `        li a${i}, ${a | 0}`).join('\n');
  const image = asm(`
        .text
        .globl _start
_start:
${regs}
        li a6, ${fid}
        li a7, ${eid | 0}
        ecall
        la t0, result
        sw a0, 0(t0)
        sw a1, 4(t0)
        li a0, 0
        li a1, 0
        li a6, 0
        li a7, ${Eid.Srst}
        ecall
1:      j 1b
        .data
        .align 4
msg:    .ascii "whole buffer"
        .align 4
result: .word 0x11111111, 0x22222222
`);
  const r = runProgram({ image: image, mode: 'pv', maxInstructions: 10_000 });
  return { error: r.registers[10] | 0, value: r.registers[11] | 0, console: r.console, exitCode: r.exitCode };
}

describe('SBI base extension', () => {
  it('reports spec version 2.0 and probes extensions', () => {
    // SRST leaves a0/a1 as set before it (0, 0), so test through the console instead.
    const image = asm(`
        .text
        .globl _start
_start:
        li a6, 0
        li a7, 0x10
        ecall                    # get_spec_version
        mv s0, a1
        li a0, 0x4442434E
        li a6, 3
        li a7, 0x10
        ecall                    # probe DBCN
        mv s1, a1
        li a0, 0x12345
        li a6, 3
        li a7, 0x10
        ecall                    # probe an unknown extension
        mv s2, a1
        li a7, 0x7777777
        ecall                    # unknown extension
        mv s3, a0
1:      j 1b
`);
    const r = runProgram({ image: image, mode: 'pv', maxInstructions: 1_000 });
    expect(r.registers[8]).toBe(2 << 24);
    expect(r.registers[9]).toBe(1);
    expect(r.registers[18]).toBe(0);
    expect(r.registers[19] | 0).toBe(SbiError.NotSupported);
  });
});

describe('bad hypercall arguments return SBI errors', () => {
  function run(body: string): number[] {
    const image = asm(`
        .text
        .globl _start
_start:
${body}
1:      j 1b
        .data
        .align 4
buf:    .ascii "hello"
`);
    const r = runProgram({ image: image, mode: 'pv', maxInstructions: 2_000 });
    expect(r.end).toBe('budget');
    return r.registers.map((x) => x | 0);
  }

  it('console write of a buffer outside guest RAM -> SBI_ERR_INVALID_PARAM, nothing printed', () => {
    for (const addr of [0x7ffffff0, 0x88000000 - 2, 0x10000000, 0]) {
      const regs = run(`
        li a0, 16
        li a1, ${addr | 0}
        li a2, 0
        li a6, 0
        li a7, 0x4442434E
        ecall
        mv s0, a0`);
      expect(regs[8]).toBe(SbiError.InvalidParam);
    }
  });

  it('console write of a whole buffer is one exit', () => {
    const image = asm(`
        .text
        .globl _start
_start:
        li a0, 5
        la a1, buf
        li a2, 0
        li a6, 0
        li a7, 0x4442434E
        ecall
        mv s0, a1
        li a0, 0
        li a1, 0
        li a6, 0
        li a7, 0x53525354
        ecall
        .data
buf:    .ascii "hello"
`);
    const r = runProgram({ image: image, mode: 'pv' });
    expect(r.console).toBe('hello');
    expect(r.registers[8]).toBe(5);
    expect(r.exits.byCause.hypercall).toBe(2);
    expect(r.exitCode).toBe(0);
  });

  it('unknown functions, bad reset types, wild shared pages, frames and batches', () => {
    const regs = run(`
        li a6, 9
        li a7, 0x54494D45
        ecall                       # TIME fid 9
        mv s0, a0
        li a0, 7
        li a1, 0
        li a6, 0
        li a7, 0x53525354
        ecall                       # SRST type 7
        mv s1, a0
        li a0, 0x88000000
        li a6, ${TrapdoorFid.SetSharedPage}
        li a7, ${Eid.Trapdoor}
        ecall                       # shared page outside RAM
        mv s2, a0
        li a0, 0x80000004
        li a6, ${TrapdoorFid.SetSharedPage}
        ecall                       # not page aligned
        mv s3, a0
        li a0, 0x20000000
        li a1, 3
        li a6, ${TrapdoorFid.Batch}
        ecall                       # batch array outside RAM
        mv s4, a0
        li a0, 0x80000000
        li a1, 1000
        li a6, ${TrapdoorFid.Batch}
        ecall                       # batch too long
        mv s5, a0
        li a0, 0x80000000
        li a6, ${TrapdoorFid.Resume}
        ecall                       # resume without a shared page
        mv s6, a0`);
    expect(regs[8]).toBe(SbiError.NotSupported);
    expect(regs[9]).toBe(SbiError.InvalidParam);
    expect(regs[18]).toBe(SbiError.InvalidAddress);
    expect(regs[19]).toBe(SbiError.InvalidAddress);
    expect(regs[20]).toBe(SbiError.InvalidAddress);
    expect(regs[21]).toBe(SbiError.InvalidParam);
    expect(regs[22]).toBe(SbiError.Denied);
  });

  it('system reset: shutdown with no reason is status 0, a system failure is non-zero', () => {
    expect(call(Eid.Srst, 0, [0, 0]).exitCode).toBe(0);
    expect(call(Eid.Srst, 0, [0, 1]).exitCode).toBe(1);
    expect(call(Eid.Srst, 0, [0, 0xf0000000 + 42]).exitCode).toBe(42);
  });

  it('legacy putchar prints one byte', () => {
    expect(call(Eid.LegacyPutchar, 0, ['Z'.charCodeAt(0)]).console).toBe('Z');
  });
});
