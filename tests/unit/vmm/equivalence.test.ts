// Full virtualization is invisible to the guest: every bare-metal program prints the same
// bytes and ends with the same status under the hypervisor as on the bare machine (and as
// on QEMU, whose output the fixtures record), trap-and-emulated (full) or on the H
// extension (hw). Paravirtual ports print the same too, with at least 10x fewer exits for
// the lesson kernel.
import { expect, it } from 'vitest';
import { runProgram } from '../../../src/core/runner.ts';
import { memoryExits } from '../../../src/core/vmm/exit-log.ts';
import { guest, guests, runBare } from './corpus.ts';
import { describeEachCpu } from '../cpu-kinds.ts';

const LIMIT = 20_000_000;

describeEachCpu('full virtualization over the whole bare-metal corpus', () => {
  const corpus = guests('bare');
  it('has the guest kernels with timer interrupts, U-mode tasks, S-mode paging and a disk', () => {
    expect(corpus.map((g) => g.name)).toEqual(expect.arrayContaining(['rr-kernel', 'timer-wfi', 'umode-traps', 's-mode-sv32', 'virtio-blk']));
  });
  for (const g of corpus) {
    it(`${g.name}: same console bytes and exit status as bare hardware`, () => {
      const bare = runBare(g.image, LIMIT, g.disk);
      const full = runProgram({ image: g.image, mode: 'full', maxInstructions: LIMIT, disk: g.disk });
      expect(full.end).toBe('exit');
      expect(full.console).toBe(bare.console);
      expect(full.exitCode).toBe(bare.exitCode);
      expect(full.console).toBe(g.expectedStdout);
      expect(full.exitCode).toBe(g.expectedExit);
      expect(full.exits.total).toBeGreaterThan(0); // it really was trapped and emulated
    });
  }
});

describeEachCpu('hardware-assisted virtualization (H extension) over the whole bare-metal corpus', () => {
  for (const g of guests('bare')) {
    it(`${g.name}: same console bytes and exit status as bare hardware, no more exits than full`, () => {
      const hw = runProgram({ image: g.image, mode: 'hw', maxInstructions: LIMIT, disk: g.disk });
      const full = runProgram({ image: g.image, mode: 'full', maxInstructions: LIMIT, disk: g.disk });
      expect(hw.end).toBe('exit');
      expect(hw.console).toBe(g.expectedStdout);
      expect(hw.exitCode).toBe(g.expectedExit);
      expect(hw.instructions).toBe(full.instructions); // the same guest work
      expect(hw.exits.total).toBeLessThanOrEqual(full.exits.total);
      expect(memoryExits(hw.exits.byCause)).toBeLessThanOrEqual(memoryExits(full.exits.byCause));
    });
  }

  it('the paging kernel (sv32-tasks) runs its S and U modes in VS/VU: no memory exit, no sret or U-mode ecall exit', () => {
    const g = guest('bare', 'sv32-tasks');
    const hw = runProgram({ image: g.image, mode: 'hw', maxInstructions: LIMIT });
    const full = runProgram({ image: g.image, mode: 'full', maxInstructions: LIMIT });
    expect(hw.console).toBe(g.expectedStdout);
    expect(memoryExits(full.exits.byCause)).toBeGreaterThan(100);
    expect(memoryExits(hw.exits.byCause)).toBe(0);
    expect(hw.exits.byCause.sret ?? 0).toBe(0);
    expect(hw.exits.byCause['ecall-reflect'] ?? 0).toBe(0);
    expect(hw.memory!.vmmTableBytes).toBeGreaterThan(0); // the G-stage table
    expect(hw.cost.overheadCycles).toBeLessThan(full.cost.overheadCycles / 2);
  });
});

describeEachCpu('paravirtual ports', () => {
  for (const g of guests('pv')) {
    it(`${g.name}: prints what the bare kernel prints, with fewer exits`, () => {
      const pv = runProgram({ image: g.image, mode: 'pv', maxInstructions: LIMIT });
      const full = runProgram({ image: guest('bare', g.name).image, mode: 'full', maxInstructions: LIMIT });
      expect(pv.console).toBe(g.expectedStdout);
      expect(pv.exitCode).toBe(g.expectedExit);
      expect((pv.exits.byCause.hypercall ?? 0) + (pv.exits.byCause['mmu-hypercall'] ?? 0)).toBeGreaterThan(0);
      expect(pv.exits.total).toBeLessThan(full.exits.total);
    });
  }

  it('the ported round-robin kernel takes at least 10x fewer exits for the same work', () => {
    const full = runProgram({ image: guest('bare', 'rr-kernel').image, mode: 'full' });
    const pv = runProgram({ image: guest('pv', 'rr-kernel').image, mode: 'pv' });
    expect(pv.console).toBe(full.console);
    expect(full.exits.total / pv.exits.total).toBeGreaterThanOrEqual(10);
    expect(pv.cost.overheadCycles).toBeLessThan(full.cost.overheadCycles / 10);
  });
});
