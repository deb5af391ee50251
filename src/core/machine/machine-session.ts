// The bare machine as a Session: the program runs in M-mode on QEMU virt's memory map and
// ends through the power-off device or tohost.

import type { ProgramImage } from '../asm/image.ts';
import { PAGE_SIZE } from '../isa/memory.ts';
import { ConsoleRecord, costOf, type RunResult } from '../run-result.ts';
import type { Session, Stop } from '../session.ts';
import { Machine } from './machine.ts';
import { FINE_TICK, TYPING_TICK, Typist } from './typist.ts';

export interface MachineSessionOptions {
  ramSize?: number;
  pmpEntries?: number;
  /** The disk behind the virtio block device (copied on write). */
  disk?: Uint8Array;
  /** Console input: the UART's receive queue, all of it at the start. */
  stdin?: Uint8Array;
  /** Console input typed line by line as the guest waits for it (typist.ts). */
  input?: Uint8Array;
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
  private readonly typist: Typist | undefined;
  /** Steps run so far: the typist looks at the guest every tickSize of them. */
  private steps = 0;
  private tickSize = TYPING_TICK;
  /** The hart's idle cycles at the last look: more since then means it slept in wfi. */
  private idleMark = 0;
  /** The guest has just read the last key of a line. */
  private lineRead = false;

  constructor(image: ProgramImage, options: MachineSessionOptions = {}) {
    this.console = new ConsoleRecord(options.consoleLimit);
    const onConsole = options.onConsole;
    this.machine = new Machine({
      ramSize: options.ramSize,
      pmpEntries: options.pmpEntries,
      disk: options.disk,
      console: { write: (bytes: Uint8Array) => {
        this.console.write(bytes);
        this.typist?.noteOutput(this.machine.cpu.clock.cycles, bytes);
        onConsole?.(bytes);
      } },
    });
    this.machine.load(image);
    if (options.stdin) this.machine.receive(options.stdin);
    if (options.input?.length) {
      const typist = new Typist(options.input, this.machine.uart);
      this.machine.uart.onDrained = () => {
        const before = typist.betweenLines;
        typist.keyTaken(this.machine.cpu.clock.cycles);
        // A line has been read: end the piece here, to watch closely for the guest to wait.
        if (!before && typist.betweenLines) {
          this.lineRead = true;
          this.machine.cpu.requestStop();
        }
      };
      this.typist = typist;
      this.tickSize = typist.watchClosely(this.machine.cpu.clock.cycles) ? FINE_TICK : TYPING_TICK;
    }
  }

  get hart() {
    return this.machine.cpu;
  }

  run(budget: number): Stop {
    this.last = this.typist ? this.runTyping(budget) : this.machine.run(budget);
    return this.last;
  }

  /**
   * Runs in pieces that end on typing ticks. Everything the typist decides on is session
   * state taken at a tick (or at the step a line was read), never at a budget's end, so
   * input reaches the guest at the same steps however run() is called.
   */
  private runTyping(budget: number): Stop {
    const typist = this.typist!;
    const cpu = this.machine.cpu;
    let left = budget;
    for (;;) {
      const piece = Math.min(left, this.tickSize - (this.steps % this.tickSize));
      const stop = piece > 0 ? this.machine.run(piece) : { kind: 'budget' as const };
      const used = piece > 0 ? cpu.stepsRun : 0;
      this.steps += used;
      left -= used;
      if (used === 0 && stop.kind === 'budget') return stop;
      const idle = stop.kind === 'wfi-idle';
      if (this.lineRead) {
        // Sleeping before the line was read says nothing about waiting for the next one.
        this.lineRead = false;
        this.idleMark = cpu.clock.idleCycles;
        this.tickSize = FINE_TICK;
      } else if (idle || this.steps % this.tickSize === 0) {
        const slept = idle || cpu.waiting || cpu.clock.idleCycles > this.idleMark;
        this.idleMark = cpu.clock.idleCycles;
        const typed = typist.tick(cpu.clock.cycles, slept);
        this.tickSize = typist.watchClosely(cpu.clock.cycles) ? FINE_TICK : TYPING_TICK;
        if (typed && idle) continue;
      }
      if (stop.kind !== 'budget' || left <= 0) return stop;
    }
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
      memory: { guestBytes: this.machine.ram.touchedCount() * PAGE_SIZE, vmmTableBytes: 0 },
    };
  }
}
