// A static Linux program as a process of the host kernel, as a Session (mode linux): it
// runs in U-mode and its system calls are the "exits" the exit views show. Ends when the
// process exits (its status) or is killed (a fault, with the signal in the result).

import type { ProgramImage } from '../asm/image.ts';
import { readElf } from '../asm/elf-reader.ts';
import { ConsoleRecord, costOf, type RunResult } from '../run-result.ts';
import type { Session, Stop } from '../session.ts';
import { Kernel } from './kernel.ts';
import { mountVolume, type VolumeSpec } from './volume.ts';
import type { Process } from './process.ts';

export interface ProcessSessionOptions {
  /** argv (argv[0] defaults to "prog") and environment. */
  argv?: string[];
  envp?: string[];
  /** The process's standard input (then end of file). */
  stdin?: Uint8Array;
  onConsole?: (bytes: Uint8Array) => void;
  /** The process's standard error (fd 2) as produced; default: onConsole. */
  onError?: (bytes: Uint8Array) => void;
  consoleLimit?: number;
  /** Host directories made visible in the kernel's filesystem (--volume). */
  volumes?: VolumeSpec[];
}

export class ProcessSession implements Session {
  readonly mode = 'linux';
  readonly kernel: Kernel;
  readonly process: Process;
  private readonly console: ConsoleRecord;
  private last: Stop = { kind: 'budget' };

  constructor(image: ProgramImage, options: ProcessSessionOptions = {}) {
    this.console = new ConsoleRecord(options.consoleLimit);
    const onConsole = options.onConsole;
    const onError = options.onError;
    const k = new Kernel({
      consoleSink: (b) => { this.console.write(b); onConsole?.(b); },
      consoleErrorSink: onError ? (b) => { this.console.write(b); onError(b); } : undefined,
      parseProgram: (bytes) => readElf(bytes),
    });
    for (const v of options.volumes ?? []) mountVolume(k, v);
    if (options.stdin) k.console.push(options.stdin);
    k.console.close();
    this.kernel = k;
    this.process = k.spawn({ image, argv: options.argv ?? ['prog'], envp: options.envp });
    k.switchTo(this.process);
  }

  get hart() {
    return this.kernel.cpu;
  }

  private exited(): boolean {
    return this.process.state === 'zombie';
  }

  run(budget: number): Stop {
    if (!this.exited()) {
      const stop = this.kernel.run(budget);
      if (!this.exited()) {
        this.last = stop.kind === 'blocked'
          ? { kind: 'fault', message: `${this.process.name} is blocked forever (waiting on input or a child that never comes)` }
          : { kind: 'budget' };
        return this.last;
      }
    }
    const p = this.process;
    this.last = p.killedBy !== 0 ? { kind: 'fault', message: p.killReason } : { kind: 'exit', exitCode: (p.waitStatus >> 8) & 0xff };
    return this.last;
  }

  instructions(): number {
    return this.kernel.instructions;
  }

  cycles(): number {
    return this.kernel.cpu.clock.cycles;
  }

  /** Through the process's page table; null if any byte is unmapped. */
  readMemory(addr: number, length: number): Uint8Array | null {
    // peek, not load: looking at memory must not demand-page it (or OOM-kill the process).
    return this.process.space.peek(addr >>> 0, length);
  }

  result(): RunResult {
    const k = this.kernel;
    const p = this.process;
    const stop = this.last;
    const killed = this.exited() && p.killedBy !== 0;
    const clock = k.cpu.clock;
    return {
      mode: 'linux',
      end: stop.kind === 'exit' || stop.kind === 'fault' || stop.kind === 'wfi-idle' ? stop.kind : 'budget',
      exitCode: stop.kind === 'exit' ? stop.exitCode : null,
      message: stop.kind === 'fault' ? stop.message : undefined,
      console: this.console.text(),
      instructions: k.instructions, cycles: clock.cycles,
      exits: { total: k.eventTotal, byCause: { ...k.eventCounts } },
      cost: costOf(k.instructions, k.overheadByCause, clock.idleCycles),
      registers: Array.from(p.regs, (v) => v >>> 0), pc: p.pc >>> 0,
      exitLog: [...k.events],
      // memory.peak of its cgroup: what the process (and any children) held at most.
      memory: { guestBytes: p.cgroup.memoryPeak, vmmTableBytes: 0 },
      ...(killed ? { signal: p.killedBy } : {}),
      kernelLog: [...k.messages],
    };
  }
}
