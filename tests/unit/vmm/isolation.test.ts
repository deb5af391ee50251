// Many guests, one host: hostile guests (spinning with interrupts off, wild stores,
// garbage instructions, bad hypercalls, timer at 0 and at never, hypercall floods) run
// beside the lesson kernel, whose output and status stay exactly what they are alone.
import { describe, expect, it } from 'vitest';
import { VmBatch } from '../../../src/core/vmm/vm-batch.ts';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { asm } from './asm.ts';
import { guest } from './corpus.ts';

const HOSTILE: Record<string, { mode: 'full' | 'pv'; src: string }> = {
  'spin-interrupts-off': { mode: 'full', src: `
        csrci mstatus, 8
        csrw mie, zero
1:      j 1b` },
  'wild-stores': { mode: 'full', src: `
        la t0, handler
        csrw mtvec, t0
        li t1, 0xdeadbeef
        li t0, 0x7ffffffc
        sw t1, 0(t0)              # just below its RAM
        li t0, 0x88000000
        sw t1, 0(t0)              # just above (another VM's RAM on a naive host)
        li t0, 0x02004000
        sw t1, 0(t0)              # its own CLINT: only its own timer
        li t0, 0
        sw t1, 0(t0)
        li t0, 0x80000000
1:      sw t1, 0(t0)              # then overwrite itself, including this code
        addi t0, t0, 4
        j 1b
handler:
        csrr t2, mepc
        addi t2, t2, 4
        csrw mepc, t2
        mret` },
  'garbage-instructions': { mode: 'full', src: `
        li t0, 0x80000100
        csrw mtvec, t0            # a trap vector full of garbage too
        .word 0xffffffff
        .word 0x00000000
        .word 0xdeadbeef` },
  'bad-hypercalls': { mode: 'pv', src: `
1:      li a0, 4096
        li a1, 0x90000000
        li a2, 0
        li a6, 0
        li a7, 0x4442434E
        ecall                     # console write from outside RAM
        li a0, 0x88000000
        li a6, 2
        li a7, 0x08544450
        ecall                     # resume to a wild frame
        li a7, 0x12345678
        ecall                     # unknown extension
        j 1b` },
  'timer-zero': { mode: 'pv', src: `
        la t0, handler
        csrw mtvec, t0
        csrsi mstatus, 8
        li t0, 0x80
        csrw mie, t0
        li a0, 0
        li a1, 0
        li a6, 0
        li a7, 0x54494D45
        ecall                     # set_timer(0): always pending: an interrupt storm
1:      j 1b
handler:
        mret` },
  'timer-never': { mode: 'pv', src: `
        li t0, 0x80
        csrw mie, t0
        li a0, -1
        li a1, -1
        li a6, 0
        li a7, 0x54494D45
        ecall                     # set_timer(0xFFFFFFFF_FFFFFFFF)
        wfi                       # sleeps forever: idle, consumes nothing
        j .` },
  'console-flood': { mode: 'pv', src: `
1:      li a0, 65536
        li a1, 0x80000000
        li a2, 0
        li a6, 0
        li a7, 0x4442434E
        ecall
        j 1b` },
};

function hostile(name: string): Vm {
  const h = HOSTILE[name];
  const vm = new Vm({ mode: h.mode, ramSize: 1 << 20 });
  vm.load(asm(`        .text\n        .globl _start\n_start:\n${h.src}\n`));
  return vm;
}

function lessonKernel(): Vm {
  const vm = new Vm({ mode: 'full' });
  vm.load(guest('bare', 'rr-kernel').image);
  return vm;
}

describe('isolation between guests on one host', () => {
  const expected = guest('bare', 'rr-kernel');

  it('alone: the lesson kernel finishes and prints its output', () => {
    const batch = new VmBatch({ pcpus: 1, slice: 100_000 });
    batch.add(lessonKernel(), 'kernel');
    const r = batch.run({ maxInstructionsPerVm: 20_000_000 }).vms[0];
    expect(r.result.console).toBe(expected.expectedStdout);
  });

  for (const name of Object.keys(HOSTILE)) {
    it(`beside '${name}': same output, same status, at most its fair share slower`, () => {
      const alone = new VmBatch({ pcpus: 1, slice: 100_000 });
      alone.add(lessonKernel(), 'kernel');
      const soloTime = alone.run({ maxInstructionsPerVm: 20_000_000 }).vms[0].finishedAt;

      const batch = new VmBatch({ pcpus: 1, slice: 100_000 });
      batch.add(lessonKernel(), 'kernel');
      batch.add(hostile(name), name);
      const report = batch.run({ maxInstructionsPerVm: 20_000_000, maxHostCycles: 30_000_000 });
      const k = report.vms[0];
      expect(k.result.end).toBe('exit');
      expect(k.result.console).toBe(expected.expectedStdout);
      expect(k.result.exitCode).toBe(expected.expectedExit);
      // Two VMs on one CPU: at most about twice as long (plus switch costs).
      expect(k.finishedAt).toBeLessThan(soloTime * 2.5);
      expect(report.vms[1].result.console.length).toBeLessThanOrEqual(1 << 20);
    });
  }

  it('each hostile guest is contained: faults end only that VM, with a message', () => {
    const batch = new VmBatch({ pcpus: 2 });
    for (const name of Object.keys(HOSTILE)) batch.add(hostile(name), name);
    const report = batch.run({ maxInstructionsPerVm: 2_000_000, maxHostCycles: 100_000_000 });
    const byName = Object.fromEntries(report.vms.map((v) => [v.name, v]));
    expect(byName['garbage-instructions'].result.end).toBe('budget'); // reflected forever, host fine
    expect(byName['timer-never'].result.end).toBe('wfi-idle');
    expect(byName['timer-never'].cpuTime).toBeLessThan(100_000);
    expect(byName['timer-zero'].result.exits.byCause['interrupt-inject']).toBeGreaterThan(10);
    expect(byName['bad-hypercalls'].result.console).toBe('');
    expect(byName['wild-stores'].result.exits.byCause['fault-reflect']).toBeGreaterThanOrEqual(3);
  });

  it('idle guests consume no CPU: utilization and per-VM time add up', () => {
    const batch = new VmBatch({ pcpus: 2, slice: 50_000 });
    batch.add(lessonKernel(), 'a');
    batch.add(lessonKernel(), 'b');
    batch.add(hostile('timer-never'), 'idle');
    const r = batch.run({ maxInstructionsPerVm: 20_000_000 });
    expect(r.vms[0].result.console).toBe(r.vms[1].result.console);
    const busy = r.vms.reduce((a, v) => a + v.cpuTime, 0);
    expect(r.utilization).toBeCloseTo((busy / (2 * r.hostCycles)) * 100, 6);
    expect(r.utilization).toBeLessThanOrEqual(100);
    expect(r.vms[2].cpuTime).toBeLessThan(r.vms[0].cpuTime / 100);
  });
});
