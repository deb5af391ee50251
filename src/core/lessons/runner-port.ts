// The port through which the check engine runs a learner's program. The engine never
// builds a machine itself: in Node the CLI passes a runner over core's assembler and
// runner, in the page the UI passes one over the worker. Both return plain data.

import type { Diagnostic } from '../diagnostic.ts';
import type { RunResult } from '../run-result.ts';
import type { LessonMode, MachineSpec } from './lesson.ts';

/** A memory range to read once the run has ended (for memory checks). */
export interface MemoryRead {
  /** An address, or a symbol of the program's image. */
  address: number | string;
  length: number;
}

export interface RunRequest {
  mode: LessonMode;
  /** The file to run, by its name in `files`. */
  entry: string;
  /** Every file of the lesson as the learner has it now, by name. */
  files: Record<string, string>;
  machine: MachineSpec;
  maxInstructions: number;
  memoryReads: MemoryRead[];
  /** For containers mode: commands to run after the learner's script, outputs captured. */
  shellCommands: string[];
}

/** Container and kernel state, as the container runtime reports it after a run. */
export interface ContainerView {
  name: string;
  hostname: string;
  state: 'running' | 'stopped';
  /** Limits reached since the container started. */
  limitHits: { pids: number; memory: number; cpu: number };
  oomKills: number;
}

export interface KernelStateView {
  containers: ContainerView[];
}

export interface ShellOutput {
  command: string;
  output: string;
  status: number;
}

export interface MemoryValue {
  /** Resolved address, or null when the symbol is unknown or the range unreadable. */
  address: number | null;
  bytes: number[];
  error?: string;
}

export type RunOutcome =
  | {
      status: 'ran';
      result: RunResult;
      /** In the order of RunRequest.memoryReads. */
      memory: MemoryValue[];
      /** Present in containers mode. */
      kernel?: KernelStateView;
      shell?: ShellOutput[];
    }
  /** The program did not assemble (or the script did not parse). */
  | { status: 'build-failed'; diagnostics: Diagnostic[] }
  /** This runner cannot run the mode (yet): checks on it report this reason. */
  | { status: 'unsupported'; reason: string };

export interface Runner {
  run(request: RunRequest): Promise<RunOutcome> | RunOutcome;
}

/** The message checks show while a mode has no runner in this build. */
export function unsupportedReason(mode: LessonMode): string {
  if (mode === 'containers' || mode === 'linux') return 'needs the container runtime, which this build does not have yet';
  return `needs the ${mode === 'bare' ? 'machine' : 'hypervisor'} runner for mode "${mode}", which this build does not have yet`;
}
