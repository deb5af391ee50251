// The port through which the check engine runs a learner's program. The engine never
// builds a machine itself: in Node the CLI passes a runner over core's assembler and
// runner, in the page the UI passes one over the worker. Both return plain data.

import type { Diagnostic } from '../diagnostic.ts';
import type { RunResult } from '../run-result.ts';
import type { LessonMode, MachineSpec, VmSpec } from './lesson.ts';

/** A memory range to read once the run has ended (for memory checks). */
export interface MemoryRead {
  /** An address, or a symbol of the program's image. */
  address: number | string;
  length: number;
  /** On a host run: the guest whose RAM is read (its own file's symbols resolve). */
  vm?: string;
}

/** Several guests on one host (Host scheduler): each VM runs its own file. */
export interface HostRequest {
  /** Physical CPUs (1 to 4). */
  cpus: number;
  vms: VmSpec[];
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
  /** Run every VM of `vms` together on one host instead of `entry` alone. */
  host?: HostRequest;
  /** Save a snapshot after this many guest instructions, then finish the run in a clone
   *  restored from it: the result is the restored guest's (full and pv). */
  snapshotAt?: number;
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

/** One guest of a host run: its own result, memory and share of the host. */
export interface VmOutcome {
  name: string;
  result: RunResult;
  /** Per-guest figures: cpuTime, finishedAt, slices (see metrics.ts). */
  figures: Record<string, number>;
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
      /** In the order of RunRequest.memoryReads (each from its `vm` on a host run). */
      memory: MemoryValue[];
      /** Present in containers mode. */
      kernel?: KernelStateView;
      shell?: ShellOutput[];
      /** Present on host runs, one per VM in machine.vms order; `result` then sums them
       *  (console: each guest's, in order; exitCode: the first non-zero, or 0). */
      vms?: VmOutcome[];
      /** Figures beyond the RunResult, by metric name (hostCycles, snapshotBytes,
       *  containers...): see metrics.ts for the names. */
      figures?: Record<string, number>;
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
