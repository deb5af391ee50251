// The bare machine as a Guest: the program runs in M-mode on QEMU virt's memory map.
import type { ProgramImage } from '../core/asm/image.ts';
import { CSR } from '../core/isa/csr.ts';
import type { Cpu } from '../core/isa/cpu.ts';
import { PRIV_M, PRIV_U } from '../core/isa/privilege.ts';
import { Machine } from '../core/machine/machine.ts';
import type { Ram } from '../core/machine/ram.ts';
import type { CsrValue } from './engine-api.ts';
import { NO_EXITS, type Guest, type GuestStop } from './guest.ts';

/** The CSRs the panel shows, in the order a learner meets them. */
export const SHOWN_CSRS = [
  'mstatus', 'misa', 'mie', 'mip', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval',
  'mcounteren', 'medeleg', 'mideleg', 'mhartid', 'mcycle', 'minstret',
] as const;

export function csrValues(cpu: Cpu): CsrValue[] {
  return SHOWN_CSRS.map((name) => ({ name, number: CSR[name], value: (cpu.csr.read(CSR[name]) ?? 0) >>> 0 }));
}

export function privilegeName(priv: number): string {
  return priv === PRIV_M ? 'M' : priv === PRIV_U ? 'U' : 'S';
}

export function registersOf(cpu: Cpu): number[] {
  return Array.from(cpu.x, (v) => v >>> 0);
}

/** RAM only: reading a device register could change it (a UART read pops its FIFO). */
export function readRam(ram: Ram, addr: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const lo = Math.max(addr, ram.base);
  const hi = Math.min(addr + length, ram.base + ram.size);
  if (hi > lo) out.set(ram.read(lo, hi - lo), lo - addr);
  return out;
}

export function runCpuGuest(cpu: Cpu, budget: number, resuming: boolean, run: (n: number) => GuestStop): GuestStop {
  if (!resuming && cpu.breakpoints.has(cpu.pc)) return { kind: 'breakpoint', pc: cpu.pc };
  return run(budget);
}

export function createBareGuest(image: ProgramImage, output: (bytes: Uint8Array) => void): Guest {
  const machine = new Machine({ console: { write: output } });
  machine.load(image);
  const cpu = machine.cpu;
  return {
    mode: 'bare',
    run: (budget, resuming) => runCpuGuest(cpu, budget, resuming, (n) => {
      const stop = machine.run(n);
      return stop.kind === 'power-off' ? { kind: 'exit', code: stop.exitCode } : stop;
    }),
    pc: () => cpu.pc >>> 0,
    registers: () => registersOf(cpu),
    privilege: () => privilegeName(cpu.priv),
    csrs: () => csrValues(cpu),
    virtualCsrs: () => [],
    instructions: () => cpu.csr.instret,
    cycles: () => cpu.clock.cycles,
    readMemory: (addr, length) => readRam(machine.ram, addr, length),
    setBreakpoints: (addrs) => {
      cpu.breakpoints.clear();
      for (const a of addrs) cpu.breakpoints.add(a >>> 0);
    },
    exits: () => NO_EXITS,
  };
}
