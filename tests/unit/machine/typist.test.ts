// Typed console input (machine/typist.ts): a key at a time, the next line only once the
// guest has read the last one and waits again, at the same steps however the run is sliced.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { MachineSession } from '../../../src/core/machine/machine-session.ts';
import { LONG_QUIET_CYCLES, QUIET_CYCLES, Typist } from '../../../src/core/machine/typist.ts';
import { buildGuestImage } from '../../../src/core/vmm/images/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

/** A polling guest: prompt, echo a line, then a silent busy spell; says "early!" if a key came during it. */
const POLLING = `
        .equ UART, 0x10000000
_start: li s0, UART
prompt: la a0, p_prompt
        call puts
read:   lbu t0, 5(s0)
        andi t0, t0, 1
        beqz t0, read
        lbu a0, 0(s0)
        call putc
        li t1, '\\n'
        bne a0, t1, read
        li t2, 1000000                  # about 3M silent instructions, under the quiet time
spin:   addi t2, t2, -1
        bnez t2, spin
        lbu t0, 5(s0)
        andi t0, t0, 1
        beqz t0, 1f
        la a0, p_early
        call puts
1:      la a0, p_done
        call puts
        j prompt
putc:   lbu t0, 5(s0)
        andi t0, t0, 0x20
        beqz t0, putc
        sb a0, 0(s0)
        ret
puts:   mv t3, ra
        mv t4, a0
2:      lbu a0, 0(t4)
        beqz a0, 3f
        call putc
        addi t4, t4, 1
        j 2b
3:      mv ra, t3
        ret
        .section .rodata
p_prompt: .string "> "
p_done:   .string "[done]\\n"
p_early:  .string "early!\\n"
`;

function polling(input: string) {
  const r = assemble(POLLING);
  expect(r.diagnostics).toEqual([]);
  return new MachineSession(r.image!, { input: bytes(input) });
}

describe('Typist', () => {
  it('presses one key at a time, and starts a line only when the guest waits', () => {
    const fifo: number[] = [];
    const t = new Typist(bytes('ab\nc\nd'), { get pending() { return fifo.length; }, receive: (b) => fifo.push(...b) });
    t.noteOutput(5, bytes('booting\n'));
    expect(t.tick(5 + QUIET_CYCLES, false)).toBe(false); // quiet, but no prompt: still booting
    t.noteOutput(100, bytes('$ '));
    expect(t.tick(99 + QUIET_CYCLES, false)).toBe(false); // a prompt, not yet quiet for 0.1 s
    expect(t.tick(100 + QUIET_CYCLES, false)).toBe(true); // the first line starts
    expect(fifo).toEqual([97]);
    expect(t.tick(200 + QUIET_CYCLES, true)).toBe(false); // 'a' not read yet
    fifo.pop();
    t.keyTaken(300 + QUIET_CYCLES); // read: 'b' follows at once
    expect(fifo).toEqual([98]);
    fifo.pop();
    t.keyTaken(400 + QUIET_CYCLES);
    fifo.pop();
    t.keyTaken(500 + QUIET_CYCLES); // '\n' read: the line is over
    expect(t.betweenLines).toBe(true);
    t.noteOutput(600 + QUIET_CYCLES, bytes('ab\nworking\n'));
    expect(t.tick(600 + 2 * QUIET_CYCLES, false)).toBe(false); // quiet without a prompt
    expect(t.tick(600 + 2 * QUIET_CYCLES, true)).toBe(true); // but the hart sleeps: it waits
    fifo.pop();
    t.keyTaken(700 + 2 * QUIET_CYCLES);
    fifo.pop();
    t.keyTaken(800 + 2 * QUIET_CYCLES);
    expect(t.tick(799 + 2 * QUIET_CYCLES + LONG_QUIET_CYCLES, false)).toBe(false);
    expect(t.tick(800 + 2 * QUIET_CYCLES + LONG_QUIET_CYCLES, false)).toBe(true); // long quiet, prompt or not
    fifo.pop();
    t.keyTaken(900 + 2 * QUIET_CYCLES + LONG_QUIET_CYCLES);
    expect(t.done).toBe(true);
  });

  it('saves and restores where it is in the input', () => {
    const fifo: number[] = [];
    const kb = { get pending() { return fifo.length; }, receive: (b: Uint8Array) => fifo.push(...b) };
    const t = new Typist(bytes('xy\n'), kb);
    t.noteOutput(0, bytes('> '));
    t.tick(QUIET_CYCLES, false);
    const copy = new Typist(new Uint8Array(0), kb);
    copy.setState(structuredClone(t.getState()));
    fifo.pop();
    copy.keyTaken(QUIET_CYCLES + 1);
    expect(fifo).toEqual([121]);
    expect(() => copy.setState({ ...t.getState(), at: 99 })).toThrow(/damaged typist state/);
  });
});

describe('typed console input on the bare machine', () => {
  it('types the next line only once the guest has read the last and waits again, at the same steps however the run is sliced', () => {
    const transcript = (slice: number) => {
      const s = polling('x\ny\n');
      let used = 0;
      while (used < 30_000_000) { const n = Math.min(slice, 30_000_000 - used); s.run(n); used += n; }
      return [s.result().console, s.instructions(), s.cycles()];
    };
    const a = transcript(1_000_000);
    // No "early!": the second line waited for the prompt and 0.1 s of quiet after it.
    expect(a[0]).toBe('> x\n[done]\n> y\n[done]\n> ');
    expect(transcript(777_777)).toEqual(a);
  }, 60_000);

  it('a guest that sleeps in wfi gets its next line as soon as it sleeps again', () => {
    const s = new MachineSession(buildGuestImage('echo-console'), { input: bytes('hi\nyo\n~\n') });
    let stop = s.run(1_000_000);
    for (let i = 0; i < 100 && stop.kind === 'budget'; i++) stop = s.run(1_000_000);
    expect(stop).toEqual({ kind: 'exit', exitCode: 0 });
    expect(s.result().console).toContain('HI\nYO\n');
    expect(s.cycles()).toBeLessThan(100_000_000); // a few 10 ms polls, not seconds per key
  });
});
