// The bare machine: QEMU virt's memory map around one hart. The one place that wires
// CPU, RAM, bus and devices together (plain constructor injection).
//
//   const m = new Machine({ ramSize?, console?: ConsolePort })
//   m.load(image)                  // ProgramImage (asm/image.ts), starts at image.entry in M-mode
//   m.run(budget): Stop            // budget | breakpoint | wfi-idle | exit | fault (session.ts)
//   m.receive(bytes)               // UART input
//   m.raiseInterrupt(cause) / lowerInterrupt(cause)   // Interrupt.MachineExternal, ...
//   m.breakpoints.add(pc)          // run() stops before executing pc; resuming there runs it
//   m.getState() / m.setState(s)   // versioned snapshot (RAM: touched pages only)
//
// Memory map: sifive_test 0x00100000, CLINT 0x02000000, NS16550A 0x10000000,
// RAM 0x80000000 (128 MiB by default).

import type { ProgramImage } from '../asm/image.ts';
import { Cpu, type CpuState } from '../isa/cpu.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { Interrupt } from '../isa/trap.ts';
import type { Stop } from '../session.ts';
import { Bus } from './bus.ts';
import { Clint } from './clint.ts';
import type { ConsolePort } from './device.ts';
import { watchTohost } from './htif.ts';
import { PowerOff, type PowerControl } from './power-off.ts';
import { DEFAULT_RAM_SIZE, RAM_BASE, Ram, type RamState } from './ram.ts';
import { Uart, type UartState } from './uart.ts';

export interface MachineOptions {
  /** Bytes of RAM at 0x80000000; a multiple of 4096. Default 128 MiB, as QEMU. */
  ramSize?: number;
  console?: ConsolePort;
}

export const MACHINE_STATE_VERSION = 1;

export interface MachineState {
  kind: 'machine';
  version: number;
  cpu: CpuState;
  ram: RamState;
  uart: UartState;
  halted: number | null;
  tohost: number | null;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

/** Throws LoadError unless every segment of the image lies in `ram` (named `what` in the message). */
export function checkFitsInRam(image: ProgramImage, ram: Ram, what: string): void {
  for (const seg of image.segments) {
    if (!ram.contains(seg.vaddr, Math.max(seg.memSize, seg.bytes.length))) {
      throw new LoadError(`segment at 0x${hex(seg.vaddr)} (${seg.memSize} bytes) is outside ${what} `
        + `0x${hex(ram.base)}..0x${hex(ram.base + ram.size - 1)}`);
    }
  }
}

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly cpu: Cpu;
  readonly uart: Uart;
  readonly clint: Clint;
  /** Exit code once powered off; run() keeps returning it until load() or reset(). */
  private halted: number | null = null;
  private resetRequested = false;
  private image: ProgramImage | null = null;
  private tohost: number | undefined;
  private readonly power: PowerControl;

  constructor(options: MachineOptions = {}) {
    this.ram = new Ram(RAM_BASE, options.ramSize ?? DEFAULT_RAM_SIZE);
    this.bus = new Bus(this.ram);
    this.cpu = new Cpu(this.bus);
    this.uart = new Uart(options.console, (level) => this.setLine(Interrupt.MachineExternal, level));
    this.clint = new Clint(this.cpu);
    const power: PowerControl = {
      powerOff: (code: number) => { this.halted = code; this.cpu.requestStop(); },
      reset: () => { this.resetRequested = true; this.cpu.requestStop(); },
    };
    this.bus.attach(new PowerOff(power));
    this.bus.attach(this.clint);
    this.bus.attach(this.uart);
    this.power = power;
    this.cpu.reset(RAM_BASE);
  }

  /** Copies the image into RAM and resets the hart to its entry point. */
  load(image: ProgramImage): void {
    checkFitsInRam(image, this.ram, 'RAM');
    this.image = image;
    this.reset();
  }

  /** Power-on reset: RAM cleared and reloaded from the image, devices and hart reset. */
  reset(): void {
    this.ram.clear();
    this.uart.reset();
    this.halted = null;
    this.resetRequested = false;
    const image = this.image;
    this.cpu.reset(image ? image.entry : RAM_BASE);
    if (!image) return;
    for (const seg of image.segments) {
      this.ram.write(seg.vaddr, seg.bytes);
      // The .bss part is already zero: clear() zeroed every page ever written.
    }
    this.tohost = image.symbols.get('tohost');
    watchTohost(this.cpu, this.tohost, this.power);
  }

  run(budget: number): Stop {
    if (this.halted !== null) return { kind: 'exit', exitCode: this.halted };
    const stop = this.cpu.run(budget);
    if (this.halted !== null) return { kind: 'exit', exitCode: this.halted };
    if (this.resetRequested) {
      this.reset();
      return { kind: 'budget' };
    }
    switch (stop.kind) {
      case 'budget': case 'breakpoint': case 'wfi-idle': case 'fault': return stop;
      case 'stopped': return { kind: 'budget' };
      case 'trap': return { kind: 'fault', message: 'unexpected intercepted trap on the bare machine' };
    }
  }

  /** Addresses where run() stops before executing (the hart's set). */
  get breakpoints(): Set<number> {
    return this.cpu.breakpoints;
  }

  /** Host input to the UART. */
  receive(bytes: Uint8Array): void {
    this.uart.receive(bytes);
  }

  raiseInterrupt(cause: number): void {
    this.cpu.raiseInterrupt(cause);
  }

  lowerInterrupt(cause: number): void {
    this.cpu.lowerInterrupt(cause);
  }

  private setLine(cause: number, level: boolean): void {
    if (level) this.cpu.raiseInterrupt(cause);
    else this.cpu.lowerInterrupt(cause);
  }

  getState(): MachineState {
    return {
      kind: 'machine', version: MACHINE_STATE_VERSION, cpu: this.cpu.getState(),
      ram: this.ram.getState(), uart: this.uart.getState(), halted: this.halted,
      tohost: this.tohost ?? null,
    };
  }

  setState(state: MachineState): void {
    checkStateHeader(state, 'machine', MACHINE_STATE_VERSION);
    this.ram.setState(state.ram);
    this.cpu.setState(state.cpu);
    this.uart.setState(state.uart);
    this.halted = state.halted;
    this.resetRequested = false;
    this.tohost = state.tohost ?? undefined;
    watchTohost(this.cpu, this.tohost, this.power);
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
