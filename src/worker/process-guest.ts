// A static Linux program as a process of the host kernel (mode linux): the guest runs in
// U-mode and its system calls are the "exits" the exit views show.
import type { ProgramImage } from '../core/asm/image.ts';
import { readElf } from '../core/asm/elf-reader.ts';
import { Kernel } from '../core/kernel/kernel.ts';
import type { Guest, GuestStop } from './guest.ts';
import { csrValues, privilegeName, registersOf, runCpuGuest } from './bare-guest.ts';

export function createProcessGuest(image: ProgramImage, output: (bytes: Uint8Array) => void): Guest {
  const k = new Kernel({ consoleSink: output, parseProgram: (bytes) => readElf(bytes) });
  k.console.close();
  const p = k.spawn({ image, argv: ['prog'] });
  const cpu = k.cpu;
  k.switchTo(p);
  const exited = (): boolean => p.state === 'zombie';
  const run = (n: number): GuestStop => {
    if (exited()) return exitOf();
    const stop = k.run(n);
    if (exited()) return exitOf();
    if (stop.kind === 'blocked') return { kind: 'fault', message: 'the process is blocked forever (waiting for input)' };
    return { kind: 'budget' };
  };
  const exitOf = (): GuestStop => (p.killedBy !== 0
    ? { kind: 'fault', message: p.killReason }
    : { kind: 'exit', code: (p.waitStatus >> 8) & 0xff });
  return {
    mode: 'linux',
    run: (budget, resuming) => runCpuGuest(cpu, budget, resuming, run),
    pc: () => cpu.pc >>> 0,
    registers: () => registersOf(cpu),
    privilege: () => privilegeName(cpu.priv),
    csrs: () => csrValues(cpu),
    virtualCsrs: () => [],
    instructions: () => k.instructions,
    cycles: () => cpu.clock.cycles,
    readMemory: (addr, length) => {
      // Through the process's page table; unmapped bytes read as zero.
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const v = p.space.load((addr + i) >>> 0, 1);
        out[i] = v < 0 ? 0 : v;
      }
      return out;
    },
    setBreakpoints: (addrs) => {
      cpu.breakpoints.clear();
      for (const a of addrs) cpu.breakpoints.add(a >>> 0);
    },
    exits: () => {
      const overhead = Object.values(k.overheadByCause).reduce((a, b) => a + b, 0);
      return {
        total: k.eventTotal,
        byCause: { ...k.eventCounts },
        guestCycles: k.instructions,
        overheadCycles: overhead,
        recent: [...k.events],
      };
    },
  };
}
