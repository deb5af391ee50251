// Hardware-assisted virtualization (`hw` mode): the VMM's G-stage table, the world switch
// into VS/VU and back, device accesses as guest-page faults emulated by the device models,
// and save/restore of a VM caught with V=1.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { GStageTable } from '../../../src/core/vmm/g-stage-table.ts';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { guest } from './corpus.ts';

const MEGA = 1 << 22;

function runToEnd(vm: Vm, budget = 20_000_000): void {
  for (let left = budget; left > 0;) {
    const before = vm.vcpu.cpu.csr.instret;
    const stop = vm.run(Math.min(left, 100_000));
    left -= Math.max(1, vm.vcpu.cpu.csr.instret - before);
    if (stop.kind === 'idle') vm.sleep();
    else if (stop.kind !== 'budget' && stop.kind !== 'yield') return;
  }
}

describe('the G-stage table', () => {
  it('maps guest RAM to the same host-physical pages (megapages where they fit) and no device', () => {
    const t = new GStageTable(0x8000_0000, 128 << 20);
    expect([t.megapages, t.smallPages]).toEqual([32, 0]);
    expect(t.bytes).toBe(16 * 1024); // the Sv32x4 root only
    expect(t.mappings()).toEqual(Array.from({ length: 32 }, (_, i) => [0x8000_0000 + i * MEGA, 0x8000_0000 + i * MEGA, MEGA]));
    const small = new GStageTable(0x8000_0000, 5 * MEGA + 3 * 4096);
    expect([small.megapages, small.smallPages]).toEqual([5, 3]);
    expect(small.mappings().every(([gpa, hpa]) => gpa === hpa && gpa >= 0x8000_0000)).toBe(true);
    expect((t.hgatp >>> 31) & 1).toBe(1); // Sv32x4
    expect(t.hgatp & 3).toBe(0); // a 16 KiB-aligned root
  });
});

describe('a guest in VS-mode', () => {
  it('prints through a compressed store to the UART: a store guest-page fault emulated by the UART model', () => {
    const src = `
      .option rvc
      .text
      .globl _start
    _start:
      la t0, s_main
      csrw mepc, t0
      li t0, 0x800
      csrs mstatus, t0          # MPP = S
      mret
    s_main:
      li a1, 0x10000000
      li a0, 'h'
      c.sw a0, 0(a1)
      li a0, 'w'
      c.sw a0, 0(a1)
      li a0, 10
      sb a0, 0(a1)
      li a1, 0x100000
      li a0, 0x5555
      sw a0, 0(a1)
    `;
    const r = assemble(src);
    expect(r.diagnostics).toEqual([]);
    const bare = runProgram({ image: r.image!, mode: 'bare', maxInstructions: 1000 });
    const hw = runProgram({ image: r.image!, mode: 'hw', maxInstructions: 1000 });
    expect(bare.console).toBe('hw\n');
    expect(hw.console).toBe('hw\n');
    expect(hw.exitCode).toBe(0);
    expect(hw.exits.byCause['mmio-write:uart']).toBe(3);
    expect(hw.exitLog!.some((e) => e.cause === 'mret')).toBe(true); // the boot code's, emulated
  });
});

describe('save and restore with V=1', () => {
  it('a VM saved while its guest runs in VS/VU finishes exactly as one never stopped', () => {
    const image: ProgramImage = guest('bare', 'sv32-tasks').image;
    const whole = new Vm({ mode: 'hw' });
    whole.load(image);
    runToEnd(whole);
    const half = new Vm({ mode: 'hw' });
    half.load(image);
    half.run(200_000);
    expect(half.vcpu.cpu.virt).toBe(true);
    const copy = new Vm({ mode: 'hw' });
    copy.setImage(image);
    copy.setState(structuredClone(half.getState()));
    runToEnd(copy);
    expect(copy.consoleText()).toBe(whole.consoleText());
    expect(copy.exitCode).toBe(0);
    expect(copy.exits.byCause).toEqual(whole.exits.byCause);
    expect(copy.vcpu.cpu.csr.instret).toBe(whole.vcpu.cpu.csr.instret);
  });

  it('a saved hw VM does not restore into a full one', () => {
    const vm = new Vm({ mode: 'hw' });
    expect(() => new Vm({ mode: 'full' }).setState(vm.getState())).toThrow(/'hw' mode/);
  });
});
