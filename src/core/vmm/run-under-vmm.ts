// Runs one guest under the hypervisor to completion: the entry point the CLI's runner
// (`trapdoor run --mode full|pv`), lessons and tests use for a single VM.

import type { ProgramImage } from '../asm/image.ts';
import type { RunEnd, RunResult } from '../run-result.ts';
import { validateCostModel, type CostModel } from './cost-model.ts';
import { vmRunResult } from './run-result.ts';
import { Vm, type VmMode, type VmStop } from './vm.ts';

export interface VmmRunOptions {
  mode: VmMode;
  /** Stop after this many guest instructions; default: no limit. */
  maxInstructions?: number;
  ramSize?: number;
  costModel?: Partial<CostModel>;
  exitLogSize?: number;
  /** Bytes for the guest's UART receive queue. */
  stdin?: Uint8Array;
  onConsole?: (bytes: Uint8Array) => void;
}

/** Guest instructions per Vm.run() call. */
const SLICE = 1_000_000;

export function runUnderVmm(image: ProgramImage, options: VmmRunOptions): RunResult {
  const vm = new Vm({
    mode: options.mode,
    ramSize: options.ramSize,
    costModel: validateCostModel(options.costModel ?? {}),
    exitLogSize: options.exitLogSize,
    onConsole: options.onConsole,
  });
  vm.load(image);
  if (options.stdin) vm.uart.receive(options.stdin);
  return runToEnd(vm, options.maxInstructions ?? Infinity);
}

/** Drives one VM alone on the host: sleeping in wfi skips its clock to the timer. */
export function runToEnd(vm: Vm, maxInstructions: number): RunResult {
  const start = vm.vcpu.cpu.csr.instret;
  for (;;) {
    const left = maxInstructions - (vm.vcpu.cpu.csr.instret - start);
    const stop = vm.run(Math.min(SLICE, Math.max(0, left)));
    const end = endOf(stop, left <= 0 || (stop.kind === 'budget' && left <= SLICE));
    if (end) return vmRunResult(vm, end.end, end.message);
    if (stop.kind === 'idle') vm.sleep();
  }
}

function endOf(stop: VmStop, outOfBudget: boolean): { end: RunEnd; message?: string } | null {
  switch (stop.kind) {
    case 'power-off': return { end: 'exit' };
    case 'fault': return { end: 'fault', message: stop.message };
    case 'wfi-idle': return { end: 'wfi-idle', message: 'the guest sleeps in wfi with no interrupt that could wake it' };
    case 'budget':
      return outOfBudget ? { end: 'budget', message: 'instruction limit reached' } : null;
    default: return null;
  }
}
