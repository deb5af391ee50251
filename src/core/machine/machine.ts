// The bare machine: QEMU virt's memory map around one hart. The one place that wires
// CPU, RAM, bus and devices together (plain constructor injection).
//
//   const m = new Machine({ ramSize?, console?: ConsolePort })
//   m.load(image)                  // ProgramImage (asm/image.ts), starts at image.entry in M-mode
//   m.run(budget): Stop            // budget | breakpoint | wfi-idle | exit | fault (session.ts)
//   m.receive(bytes)               // UART input
//   m.raiseInterrupt(cause) / lowerInterrupt(cause)   // Interrupt.MachineExternal, ...
//   m.disk                         // the DiskImage behind the virtio block device, if any
//   m.breakpoints.add(pc)          // run() stops before executing pc; resuming there runs it
//   m.getState() / m.setState(s)   // versioned snapshot (RAM: touched pages only)
//
// Memory map: sifive_test 0x00100000, CLINT 0x02000000, PLIC 0x0c000000 (context 0 ->
// MEIP, 1 -> SEIP), NS16550A 0x10000000 (PLIC source 10), eight virtio-mmio transports
// from 0x10001000 (sources 1..8; the first holds the block device when there is a disk),
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
import { DiskImage, type DiskState } from './disk-image.ts';
import { checkPlicState, Plic, UART_IRQ, VIRTIO_IRQ_BASE, type PlicState } from './plic.ts';
import { DEFAULT_RAM_SIZE, RAM_BASE, Ram, type RamState } from './ram.ts';
import { Uart, type UartState } from './uart.ts';
import { VirtioBlk } from './virtio-blk.ts';
import {
  VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE, VirtioMmio, type VirtioLayout, type VirtioMmioState,
} from './virtio-mmio.ts';

export interface MachineOptions {
  /** Bytes of RAM at 0x80000000; a multiple of 4096. Default 128 MiB, as QEMU. */
  ramSize?: number;
  console?: ConsolePort;
  /** A disk image for the virtio block device at 0x10001000 (copied on write, never changed). */
  disk?: Uint8Array | DiskImage;
  /** virtio-mmio register layout: 'legacy' (version 1, QEMU's default) or 'modern' (version 2). */
  virtio?: VirtioLayout;
  /** PMP entries of the hart (0..64); default 0: S/U accesses allowed, as QEMU pmp=false. */
  pmpEntries?: number;
}

export const MACHINE_STATE_VERSION = 2;


export interface MachineState {
  kind: 'machine';
  version: number;
  cpu: CpuState;
  ram: RamState;
  uart: UartState;
  plic: PlicState;
  virtio: VirtioMmioState[];
  disk: DiskState | null;
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
  readonly plic: Plic;
  /** The eight virtio-mmio transports, 0x10001000 first. */
  readonly virtio: VirtioMmio[];
  readonly disk: DiskImage | undefined;
  readonly blk: VirtioBlk | undefined;
  /** Exit code once powered off; run() keeps returning it until load() or reset(). */
  private halted: number | null = null;
  private resetRequested = false;
  private image: ProgramImage | null = null;
  private tohost: number | undefined;
  private readonly power: PowerControl;

  constructor(options: MachineOptions = {}) {
    this.ram = new Ram(RAM_BASE, options.ramSize ?? DEFAULT_RAM_SIZE);
    this.bus = new Bus(this.ram);
    this.cpu = new Cpu(this.bus, { pmpEntries: options.pmpEntries });
    this.plic = new Plic((context, level) => this.setLine(context === 0 ? Interrupt.MachineExternal : Interrupt.SupervisorExternal, level));
    this.uart = new Uart(options.console, (level) => this.plic.setSource(UART_IRQ, level));
    this.clint = new Clint(this.cpu);
    this.disk = options.disk instanceof DiskImage ? options.disk : options.disk ? new DiskImage(options.disk) : undefined;
    this.blk = this.disk ? new VirtioBlk(this.disk) : undefined;
    this.virtio = Array.from({ length: VIRTIO_MMIO_SLOTS }, (_, i) => new VirtioMmio(
      VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, options.virtio ?? 'legacy', i === 0 ? this.blk ?? null : null,
      this.ram, (level) => this.plic.setSource(VIRTIO_IRQ_BASE + i, level)));
    const power: PowerControl = {
      powerOff: (code: number) => { this.halted = code; this.cpu.requestStop(); },
      reset: () => { this.resetRequested = true; this.cpu.requestStop(); },
    };
    this.bus.attach(new PowerOff(power));
    this.bus.attach(this.clint);
    this.bus.attach(this.uart);
    this.bus.attach(this.plic);
    for (const t of this.virtio) this.bus.attach(t);
    this.power = power;
    this.cpu.reset(RAM_BASE);
  }

  /** Copies the image into RAM and resets the hart to its entry point. */
  load(image: ProgramImage): void {
    checkFitsInRam(image, this.ram, 'RAM');
    this.image = image;
    this.reset();
  }

  /** Power-on reset: RAM cleared and reloaded from the image, devices and hart reset (a disk keeps what was written). */
  reset(): void {
    this.ram.clear();
    this.uart.reset();
    for (const t of this.virtio) t.reset();
    this.plic.reset();
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
      ram: this.ram.getState(), uart: this.uart.getState(), plic: this.plic.getState(),
      virtio: this.virtio.map((t) => t.getState()), disk: this.disk?.getState() ?? null, halted: this.halted,
      tohost: this.tohost ?? null,
    };
  }

  setState(state: MachineState): void {
    checkStateHeader(state, 'machine', MACHINE_STATE_VERSION);
    checkPlicState(state.plic);
    if ((state.disk === null) !== (this.disk === undefined)) {
      throw new RangeError(state.disk ? 'the saved machine has a disk and this one has none' : 'the saved machine has no disk and this one has one');
    }
    if (!Array.isArray(state.virtio) || state.virtio.length !== this.virtio.length) throw new RangeError('damaged machine state: virtio transports');
    this.disk?.setState(state.disk!);
    this.ram.setState(state.ram);
    this.cpu.setState(state.cpu);
    this.uart.setState(state.uart);
    state.virtio.forEach((t, i) => this.virtio[i]!.setState(t));
    this.plic.setState(state.plic);
    this.halted = state.halted;
    this.resetRequested = false;
    this.tohost = state.tohost ?? undefined;
    watchTohost(this.cpu, this.tohost, this.power);
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
