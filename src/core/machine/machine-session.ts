// The bare machine as a Session: the program runs in M-mode on QEMU virt's memory map and
// ends through the power-off device or tohost.

import type { ProgramImage } from '../asm/image.ts';
import { ConsoleRecord, costOf, type RunResult } from '../run-result.ts';
import type { Session, Stop } from '../session.ts';
import { Machine } from './machine.ts';

export interface MachineSessionOptions {
  ramSize?: number;
  pmpEntries?: number;
  /** The disk behind the virtio block device (copied on write). */
  disk?: Uint8Array;
  /** Console input: the UART's receive queue. */
  stdin?: Uint8Array;
  /** Console bytes as the program writes them. */
  onConsole?: (bytes: Uint8Array) => void;
  /** Most console bytes the result keeps (default: all). */
  consoleLimit?: number;
}

export class MachineSession implements Session {
  readonly mode = 'bare';
  readonly machine: Machine;
  private readonly console: ConsoleRecord;
  private last: Stop = { kind: 'budget' };

  constructor(image: ProgramImage, options: MachineSessionOptions = {}) {
    this.console = new ConsoleRecord(options.consoleLimit);
    const onConsole = options.onConsole;
    this.machine = new Machine({
      ramSize: options.ramSize,
      pmpEntries: options.pmpEntries,
      disk: options.disk,
      console: { write: (bytes: Uint8Array) => { this.console.write(bytes); onConsole?.(bytes); } },
    });
    this.machine.load(image);
    if (options.stdin) this.machine.receive(options.stdin);
  }

  get hart() {
    return this.machine.cpu;
  }

  run(budget: number): Stop {
    this.last = this.machine.run(budget);
    return this.last;
  }

  instructions(): number {
    return this.machine.cpu.csr.instret;
  }

  cycles(): number {
    return this.machine.cpu.clock.cycles;
  }

  readMemory(addr: number, length: number): Uint8Array | null {
    const ram = this.machine.ram;
    return ram.contains(addr, length) ? ram.read(addr, length) : null;
  }

  result(): RunResult {
    const cpu = this.machine.cpu;
    const stop = this.last;
    return {
      mode: 'bare',
      end: stop.kind === 'exit' || stop.kind === 'fault' || stop.kind === 'wfi-idle' ? stop.kind : 'budget',
      exitCode: stop.kind === 'exit' ? stop.exitCode : null,
      message: stop.kind === 'fault' ? stop.message
        : stop.kind === 'wfi-idle' ? 'the hart waits (wfi) with no interrupt that could ever wake it' : undefined,
      console: this.console.text(),
      instructions: cpu.csr.instret, cycles: cpu.clock.cycles,
      exits: { total: 0, byCause: {} },
      cost: costOf(cpu.clock.cycles - cpu.clock.idleCycles, {}, cpu.clock.idleCycles),
      registers: Array.from(cpu.x, (v) => v >>> 0), pc: cpu.pc >>> 0, exitLog: [],
    };
  }
}
