// The Runner over core's own assembler and runProgram: what the CLI and the tests use, and
// what a worker can use too. Containers mode waits for the container runtime.

import { assemble } from '../asm/assembler.ts';
import { runProgram } from '../runner.ts';
import type { CostModel } from '../vmm/cost-model.ts';
import { runUnderVmm } from '../vmm/run-under-vmm.ts';
import type { RunMode } from '../run-result.ts';
import type { RunOutcome, RunRequest, Runner } from './runner-port.ts';
import { unsupportedReason } from './runner-port.ts';

/** Where .text goes: bare metal and guest kernels at RAM, Linux programs at 0x10000. */
const TEXT_BASE: Record<RunMode, number> = { bare: 0x80000000, full: 0x80000000, pv: 0x80000000, linux: 0x10000 };

export function createMachineRunner(): Runner {
  return { run: runLessonProgram };
}

function runLessonProgram(request: RunRequest): RunOutcome {
  const mode = request.mode;
  if (mode === 'containers') return { status: 'unsupported', reason: unsupportedReason(mode) };
  const source = request.files[request.entry] ?? '';
  const built = assemble(source, { file: request.entry, textBase: TEXT_BASE[mode] });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (!built.image || errors.length > 0) return { status: 'build-failed', diagnostics: errors };
  const costModel = request.machine.costModel as Partial<CostModel> | undefined;
  // The hypervisor modes go straight to the VMM so the lesson's cost-model overrides apply.
  const result = (mode === 'full' || mode === 'pv') && costModel
    ? runUnderVmm(built.image, { mode, maxInstructions: request.maxInstructions, ramSize: request.machine.memory, costModel })
    : runProgram({ image: built.image, mode, maxInstructions: request.maxInstructions, ramSize: request.machine.memory });
  // runProgram answers a mode it cannot run yet with a fault before the first instruction.
  if (result.instructions === 0 && result.end === 'fault' && /not available/.test(result.message ?? '')) {
    return { status: 'unsupported', reason: unsupportedReason(mode) };
  }
  const memory = request.memoryReads.map((read) => {
    const address = typeof read.address === 'number' ? read.address : built.image?.symbols.get(read.address);
    return { address: address ?? null, bytes: [], error: address === undefined ? `no symbol "${String(read.address)}"` : 'this runner cannot read guest memory yet' };
  });
  return { status: 'ran', result, memory };
}
