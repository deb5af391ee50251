// A guest kernel under the hypervisor as a Guest (modes full and pv): it runs in real
// U-mode with virtual M-mode CSRs, and every privileged instruction is a VM exit.
import type { ProgramImage } from '../core/asm/image.ts';
import { CSR } from '../core/isa/csr.ts';
import { costBreakdown } from '../core/vmm/run-result.ts';
import { Vm, type VmMode } from '../core/vmm/vm.ts';
import type { CsrValue } from './engine-api.ts';
import { SHOWN_CSRS, csrValues, privilegeName, readRam, registersOf, runCpuGuest } from './bare-guest.ts';
import type { Guest, GuestFactory, GuestStop } from './guest.ts';

/** How many exits the exit views keep (the timeline and the clickable list). */
const EXIT_LOG_SIZE = 2000;

export function vmGuestFactory(mode: VmMode): GuestFactory {
  return (image, output) => createVmGuest(mode, image, output);
}

function createVmGuest(mode: VmMode, image: ProgramImage, output: (bytes: Uint8Array) => void): Guest {
  const vm = new Vm({ mode, onConsole: output, exitLogSize: EXIT_LOG_SIZE });
  vm.load(image);
  const cpu = vm.vcpu.cpu;
  const run = (n: number): GuestStop => {
    const stop = vm.run(n);
    switch (stop.kind) {
      case 'idle': vm.sleep(); return { kind: 'budget' };
      case 'yield': case 'budget': return { kind: 'budget' };
      case 'power-off': return { kind: 'exit', code: stop.exitCode };
      case 'wfi-idle': case 'fault': case 'breakpoint': return stop;
    }
  };
  const virtualCsrs = (): CsrValue[] =>
    SHOWN_CSRS.map((name) => ({ name, number: CSR[name], value: (vm.vcpu.vcsr.read(CSR[name]) ?? 0) >>> 0 }));
  return {
    mode,
    run: (budget, resuming) => runCpuGuest(cpu, budget, resuming, run),
    pc: () => cpu.pc >>> 0,
    registers: () => registersOf(cpu),
    // The real mode is always U; the guest believes it runs in vpriv.
    privilege: () => `${privilegeName(cpu.priv)} (guest believes ${privilegeName(vm.vcpu.vpriv)})`,
    csrs: () => csrValues(cpu),
    virtualCsrs,
    instructions: () => cpu.csr.instret,
    cycles: () => cpu.clock.cycles,
    readMemory: (addr, length) => readRam(vm.ram, addr, length),
    setBreakpoints: (addrs) => {
      cpu.breakpoints.clear();
      for (const a of addrs) cpu.breakpoints.add(a >>> 0);
    },
    exits: () => {
      const cost = costBreakdown(vm);
      return {
        total: vm.exits.total,
        byCause: { ...vm.exits.byCause },
        guestCycles: cost.guestCycles,
        overheadCycles: cost.overheadCycles,
        recent: vm.exits.recent(),
      };
    },
  };
}
