// What the lab's debugger relies on under the hypervisor: breakpoints stop a guest VM
// (also where an emulated trap lands), and the console port streams every byte even when
// the VM's kept copy of the console is full.
import { describe, expect, it } from 'vitest';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { asm } from './asm.ts';

const guest = asm(`
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0          # an exit: emulated by the VMM
here:
  li t1, 0x10000000
  li t2, 'x'
  sb t2, 0(t1)            # an exit: the UART model
  ecall                   # reflected into the guest's handler
  j here
handler:
  csrr t3, mepc           # an exit
  addi t3, t3, 4
  csrw mepc, t3
  mret
`);

function symbol(name: string): number {
  const v = guest.symbols.get(name);
  if (v === undefined) throw new Error(`no symbol ${name}`);
  return v >>> 0;
}

describe('the hypervisor under the debugger', () => {
  it('stops at a breakpoint in guest code and resumes past it', () => {
    const vm = new Vm({ mode: 'full', ramSize: 1 << 20 });
    vm.load(guest);
    vm.vcpu.cpu.breakpoints.add(symbol('here'));
    expect(vm.run(1000)).toEqual({ kind: 'breakpoint', pc: symbol('here') });
    // Resuming executes the breakpointed instruction and stops there again next loop.
    expect(vm.run(1000)).toEqual({ kind: 'breakpoint', pc: symbol('here') });
    expect(vm.consoleText()).toBe('x');
  });

  it('stops at a breakpoint on the trap handler reached through a reflected ecall', () => {
    const vm = new Vm({ mode: 'full', ramSize: 1 << 20 });
    vm.load(guest);
    vm.vcpu.cpu.breakpoints.add(symbol('handler'));
    expect(vm.run(1000)).toEqual({ kind: 'breakpoint', pc: symbol('handler') });
    expect(vm.vcpu.vpriv).toBe(3);
  });

  it('streams console bytes past the kept-console limit', () => {
    let streamed = 0;
    const vm = new Vm({ mode: 'full', ramSize: 1 << 20, consoleLimit: 4, onConsole: (b) => { streamed += b.length; } });
    vm.load(guest);
    vm.run(2000);
    expect(vm.consoleText()).toBe('xxxx');
    expect(streamed).toBeGreaterThan(4);
  });
});
