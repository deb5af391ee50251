// A lesson as instructors write it (lesson.md front matter + files) and as the engine
// and the page use it after loading. See docs/authoring.md for the file format.

import type { Check, MetricRef } from './check.ts';

/** bare: the machine itself; full / pv: a guest under the hypervisor; linux: a process
 *  on the host kernel; containers: the terminal's shell over the container runtime. */
export type LessonMode = 'bare' | 'full' | 'pv' | 'hw' | 'linux' | 'containers';

export const LESSON_MODES: readonly LessonMode[] = ['bare', 'full', 'pv', 'hw', 'linux', 'containers'];

export type LessonLevel = 'beginner' | 'intermediate' | 'advanced';

/** One guest of a multi-VM lesson. */
export interface VmSpec {
  name: string;
  /** The lesson file the guest runs. */
  file: string;
  mode?: 'full' | 'pv' | 'hw';
  /** Bytes, from e.g. "16 MiB" in the file. */
  memory?: number;
}

export interface MachineSpec {
  mode: LessonMode;
  /** RAM in bytes (the file says e.g. "16 MiB"); the runner's default when absent. */
  memory?: number;
  cpus?: number;
  /** Cost-model overrides by parameter name (cycles). */
  costModel?: Record<string, number>;
  vms?: VmSpec[];
  /** Instruction budget for each run of a learner's program. */
  maxInstructions?: number;
}

/** A file the learner sees in the editor (or a fixed file the lesson provides). */
export interface LessonFile {
  /** Name shown in the editor and used by runs and VMs. */
  name: string;
  /** What the learner starts from (text, loaded from the file the front matter names). */
  starter: string;
  /** A known-good answer; `lessons check` proves it passes. Absent for read-only files. */
  solution?: string;
  readonly: boolean;
  /** The paths these came from, for messages. */
  starterPath: string;
  solutionPath?: string;
}

/** A named run: one program of the lesson in one mode, or every guest of machine.vms
 *  together on one host; optionally through a snapshot and restore. */
export interface RunSpec {
  file: string;
  mode: LessonMode;
  /** Run machine.vms together on one host (the scheduler) instead of `file` alone. */
  host?: boolean;
  /** Physical CPUs of a host run (default machine.cpus, or 1). */
  cpus?: number;
  /** Snapshot after this many instructions; the run ends in a clone restored from it. */
  snapshotAt?: number;
}

export interface LessonStep {
  id: string;
  title: string;
  /** Markdown (see markdown-blocks.ts for the custom blocks). */
  text: string;
  checks: Check[];
  /** Progressive hints, Markdown, shown one at a time on demand. */
  hints: string[];
  /** The starter is meant to fail this step; `lessons check` proves that it does. */
  starterFails: boolean;
}

/** The number a student takes away at the end ("14x fewer exits"). */
export interface Figure {
  label: string;
  /** A metric of a run, or the ratio of two. */
  value: MetricRef;
  per?: MetricRef;
  unit?: string;
}

export interface Lesson {
  id: string;
  /** The folder it came from (e.g. "01-the-machine"), and its order number. */
  folder: string;
  order: number;
  title: string;
  summary: string;
  level: LessonLevel;
  minutes: number;
  prerequisites: string[];
  machine: MachineSpec;
  files: LessonFile[];
  /** Always has "main": the first file in machine.mode, unless the lesson says otherwise. */
  runs: Record<string, RunSpec>;
  steps: LessonStep[];
  figure?: Figure;
  /** The Markdown body of lesson.md after the front matter: introduction and wrap-up. */
  body: string;
  /** Where it was written: lesson.md's path and the line of each step and check
   *  (keys "steps[1]", "steps[1].checks[0]"), so later messages can point there too. */
  source: { path: string; lines: Record<string, number> };
}
