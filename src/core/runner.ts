// One call that runs a program to completion in any mode and reports a RunResult: the
// CLI (`trapdoor run`), the lesson checker and tests use it. Console bytes stream
// through onConsole as the guest produces them.
//
//   bare   the machine alone: M-mode at the image's entry, exit via power-off or tohost
//   linux  a static RV32 Linux program as a process of the host kernel (src/core/kernel)
//   full   unmodified guest kernel under the trap-and-emulate hypervisor   (src/core/vmm)
//   pv     paravirtualized guest kernel using hypercalls                   (src/core/vmm)

import type { ProgramImage } from './asm/image.ts';
import { readElf } from './asm/elf-reader.ts';
import { latin1 } from './kernel/bytes.ts';
import { Kernel } from './kernel/kernel.ts';
import { Machine } from './machine/machine.ts';
import { runUnderVmm } from './vmm/run-under-vmm.ts';
import type { CostBreakdown, RunMode, RunResult } from './run-result.ts';

export interface RunRequest {
  image: ProgramImage;
  mode: RunMode;
  /** Stop after this many instructions (steps); default: no limit. */
  maxInstructions?: number;
  /** Bytes of guest RAM (bare, full, pv). */
  ramSize?: number;
  /** Console input: the UART's receive queue, or the process's standard input. */
  stdin?: Uint8Array;
  onConsole?: (bytes: Uint8Array) => void;
  /** linux: argv (argv[0] defaults to "prog") and environment. */
  argv?: string[];
  envp?: string[];
}

/** A result extended with what only some modes have. */
export interface ExtendedRunResult extends RunResult {
  /** linux: the signal that killed the process, when one did. */
  signal?: number;
  /** linux: kernel messages (unknown system calls, faults, OOM kills). */
  kernelLog?: string[];
}

/** Instructions per run() slice: small enough to stay responsive, big enough to be cheap. */
const SLICE = 1_000_000;

export function runProgram(req: RunRequest): ExtendedRunResult {
  switch (req.mode) {
    case 'bare': return runBare(req);
    case 'linux': return runLinux(req);
    case 'full': case 'pv': return runUnderVmm(req.image, {
      mode: req.mode, maxInstructions: req.maxInstructions, ramSize: req.ramSize,
      stdin: req.stdin, onConsole: req.onConsole,
    });
    default: return notAvailable(req);
  }
}

function emptyCost(guestCycles: number, idleCycles: number): CostBreakdown {
  return { guestCycles, overheadCycles: 0, idleCycles, overheadPercent: 0, byCause: {} };
}

function costOf(guestCycles: number, overhead: Record<string, number>, idleCycles: number): CostBreakdown {
  const overheadCycles = Object.values(overhead).reduce((a, b) => a + b, 0);
  const total = guestCycles + overheadCycles;
  return {
    guestCycles, overheadCycles, idleCycles,
    overheadPercent: total === 0 ? 0 : (overheadCycles / total) * 100,
    byCause: { ...overhead },
  };
}

function collector(onConsole?: (bytes: Uint8Array) => void) {
  const chunks: Uint8Array[] = [];
  return {
    write(bytes: Uint8Array): void {
      chunks.push(bytes.slice());
      onConsole?.(bytes);
    },
    text(): string {
      return chunks.map(latin1).join('');
    },
  };
}

function runBare(req: RunRequest): ExtendedRunResult {
  const out = collector(req.onConsole);
  const m = new Machine({ ramSize: req.ramSize, console: out });
  m.load(req.image);
  if (req.stdin) m.receive(req.stdin);
  let remaining = req.maxInstructions ?? Infinity;
  let result: ExtendedRunResult | null = null;
  const finish = (end: RunResult['end'], exitCode: number | null, message?: string): ExtendedRunResult => {
    const cpu = m.cpu;
    return {
      mode: 'bare', end, exitCode, message, console: out.text(),
      instructions: cpu.csr.instret, cycles: cpu.clock.cycles,
      exits: { total: 0, byCause: {} },
      cost: emptyCost(cpu.clock.cycles - cpu.clock.idleCycles, cpu.clock.idleCycles),
      registers: Array.from(cpu.x, (v) => v >>> 0), pc: cpu.pc >>> 0, exitLog: [],
    };
  };
  while (!result) {
    if (remaining <= 0) {
      result = finish('budget', null, `stopped after ${req.maxInstructions} instructions (--max-instructions)`);
      break;
    }
    const before = m.cpu.csr.instret;
    const stop = m.run(Math.min(SLICE, remaining));
    remaining -= Math.max(1, m.cpu.csr.instret - before);
    if (stop.kind === 'power-off') result = finish('exit', stop.exitCode);
    else if (stop.kind === 'wfi-idle') result = finish('wfi-idle', null, 'the hart waits (wfi) with no interrupt that could ever wake it');
    else if (stop.kind === 'fault') result = finish('fault', null, stop.message);
    else if (stop.kind === 'breakpoint') result = finish('fault', null, `breakpoint at 0x${stop.pc.toString(16)}`);
  }
  return result;
}

function runLinux(req: RunRequest): ExtendedRunResult {
  const out = collector(req.onConsole);
  const k = new Kernel({ consoleSink: (b) => out.write(b), parseProgram: (bytes) => readElf(bytes) });
  if (req.stdin) k.console.push(req.stdin);
  k.console.close();
  const p = k.spawn({ image: req.image, argv: req.argv ?? ['prog'], envp: req.envp });
  let remaining = req.maxInstructions ?? Infinity;
  let message: string | undefined;
  let end: RunResult['end'] = 'exit';
  const exited = (): boolean => p.state === 'zombie';
  while (!exited()) {
    if (remaining <= 0) {
      end = 'budget';
      message = `stopped after ${req.maxInstructions} instructions (--max-instructions)`;
      break;
    }
    const before = k.instructions;
    const stop = k.run(Math.min(SLICE, remaining));
    remaining -= Math.max(1, k.instructions - before);
    if (stop.kind === 'blocked' && !exited()) {
      end = 'fault';
      message = `${p.name} is blocked forever (waiting on input or a child that never comes)`;
      break;
    }
  }
  const killed = exited() && p.killedBy !== 0;
  if (killed) {
    end = 'fault';
    message = p.killReason;
  }
  const clock = k.cpu.clock;
  return {
    mode: 'linux', end,
    exitCode: exited() && !killed ? (p.waitStatus >> 8) & 0xff : null,
    message, console: out.text(),
    instructions: k.instructions, cycles: clock.cycles,
    exits: { total: k.eventTotal, byCause: { ...k.eventCounts } },
    cost: costOf(k.instructions, k.overheadByCause, clock.idleCycles),
    registers: Array.from(p.regs, (v) => v >>> 0), pc: p.pc >>> 0,
    exitLog: [...k.events],
    ...(killed ? { signal: p.killedBy } : {}),
    kernelLog: [...k.messages],
  };
}

function notAvailable(req: RunRequest): ExtendedRunResult {
  return {
    mode: req.mode, end: 'fault', exitCode: null,
    message: `mode '${req.mode}' is not available yet (the hypervisor has not landed)`,
    console: '', instructions: 0, cycles: 0, exits: { total: 0, byCause: {} },
    cost: emptyCost(0, 0), registers: new Array<number>(32).fill(0), pc: 0, exitLog: [],
  };
}
