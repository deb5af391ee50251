// The Runner over core itself (assembler, machine, hypervisor, host kernel and shell): what
// the CLI and the tests use, and what a worker can use too. Every run is bounded by the
// lesson's instruction budget and leaves its memory and state readable for the checks.

import { assemble } from '../asm/assembler.ts';
import type { ProgramImage } from '../asm/image.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { runProgram } from '../runner.ts';
import type { CostModel } from '../vmm/cost-model.ts';
import { LoadError } from '../vmm/vm.ts';
import type { RunMode, VmMode } from '../run-result.ts';
import { runContainerScript } from './container-host-run.ts';
import { readMemory, unreadable } from './guest-memory-read.ts';
import { runGuest, runThroughSnapshot, type GuestRun } from './guest-run.ts';
import { runVmBatch, type BuiltGuest } from './vm-batch-run.ts';
import type { RunOutcome, RunRequest, Runner } from './runner-port.ts';

/** Where .text goes: bare metal and guest kernels at RAM, Linux programs at 0x10000. */
const TEXT_BASE: Record<RunMode, number> = { bare: 0x80000000, full: 0x80000000, pv: 0x80000000, hw: 0x80000000, linux: 0x10000 };

export function createMachineRunner(): Runner {
  return { run: runLessonProgram };
}

function runLessonProgram(request: RunRequest): RunOutcome | Promise<RunOutcome> {
  const mode = request.mode;
  if (mode === 'containers') return runContainerScript(request);
  if (request.host) return hostRun(request);
  const built = build(request, request.entry, mode);
  if ('diagnostics' in built) return { status: 'build-failed', diagnostics: built.diagnostics };
  const image = built.image;
  if (mode === 'linux') {
    const result = runProgram({ image, mode, maxInstructions: request.maxInstructions });
    return { status: 'ran', result, memory: request.memoryReads.map(() => unreadable('memory checks read the RAM of bare, full and pv runs')) };
  }
  let run: GuestRun;
  try {
    run = guestRun(request, image, mode);
  } catch (e) {
    if (e instanceof LoadError) return { status: 'build-failed', diagnostics: [loadDiagnostic(request.entry, e.message)] };
    throw e;
  }
  const memory = request.memoryReads.map((read) => readMemory(read, image, run.read));
  return { status: 'ran', result: run.result, memory, figures: run.figures };
}

function guestRun(request: RunRequest, image: ProgramImage, mode: 'bare' | VmMode): GuestRun {
  const options = { maxInstructions: request.maxInstructions, ramSize: request.machine.memory, costModel: costModel(request) };
  if (mode !== 'bare' && request.snapshotAt !== undefined) return runThroughSnapshot(image, { ...options, mode }, request.snapshotAt);
  return runGuest(image, { ...options, mode });
}

function hostRun(request: RunRequest): RunOutcome {
  const host = request.host!;
  const mode: VmMode = request.mode === 'pv' || request.mode === 'hw' ? request.mode : 'full';
  const guests: BuiltGuest[] = [];
  for (const spec of host.vms) {
    const built = build(request, spec.file, spec.mode ?? mode);
    if ('diagnostics' in built) return { status: 'build-failed', diagnostics: built.diagnostics };
    guests.push({ spec, image: built.image });
  }
  try {
    return runVmBatch(guests, {
      host, mode, maxInstructions: request.maxInstructions, ramSize: request.machine.memory,
      costModel: costModel(request), memoryReads: request.memoryReads,
    });
  } catch (e) {
    if (e instanceof LoadError) return { status: 'build-failed', diagnostics: [loadDiagnostic(request.entry, e.message)] };
    throw e;
  }
}

function build(request: RunRequest, file: string, mode: RunMode): { image: ProgramImage } | { diagnostics: Diagnostic[] } {
  const built = assemble(request.files[file] ?? '', { file, textBase: TEXT_BASE[mode], files: request.files });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (!built.image || errors.length > 0) return { diagnostics: errors };
  return { image: built.image };
}

function costModel(request: RunRequest): Partial<CostModel> | undefined {
  return request.machine.costModel as Partial<CostModel> | undefined;
}

function loadDiagnostic(file: string, message: string): Diagnostic {
  return { file, line: 1, column: 1, endColumn: 2, severity: 'error', code: 'load-error', message: `cannot load: ${message}` };
}
