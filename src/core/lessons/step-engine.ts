// The check engine: runs the learner's programs through a Runner (each run once per
// context, in a fixed order) and grades a step's checks on what the machine did.

import type { Check, CheckResult, MetricRef } from './check.ts';
import { evaluateCheck, type RunRecord } from './check-evaluation.ts';
import type { Lesson, LessonStep } from './lesson.ts';
import { formatNumber, refValue as metricRefValue } from './metrics.ts';
import type { MemoryRead, RunOutcome, RunRequest, Runner } from './runner-port.ts';

export const DEFAULT_MAX_INSTRUCTIONS = 5_000_000;

export interface CheckContextOptions {
  lesson: Lesson;
  /** The learner's files by name (editor contents); missing ones fall back to the starter. */
  files: Record<string, string>;
  runner: Runner;
  /** Outcomes the caller already has, by run name (e.g. the page's live container state). */
  provided?: Record<string, RunOutcome>;
}

export interface CheckContext {
  lesson: Lesson;
  /** The run of that name, made on first use and remembered. */
  run(name: string): Promise<RunRecord>;
}

export function createCheckContext(options: CheckContextOptions): CheckContext {
  const { lesson, runner } = options;
  const files = Object.fromEntries(lesson.files.map((f) => [f.name, options.files[f.name] ?? f.starter]));
  const made = new Map<string, Promise<RunRecord>>();
  return {
    lesson,
    run(name) {
      let record = made.get(name);
      if (!record) {
        record = makeRun(lesson, name, files, runner, options.provided?.[name]);
        made.set(name, record);
      }
      return record;
    },
  };
}

async function makeRun(
  lesson: Lesson, name: string, files: Record<string, string>, runner: Runner, provided?: RunOutcome,
): Promise<RunRecord> {
  const request = runRequest(lesson, name, files);
  if (provided) return { request, outcome: provided };
  if (!lesson.runs[name]) return { request, outcome: { status: 'unsupported', reason: `the lesson has no run named "${name}"` } };
  return { request, outcome: await runner.run(request) };
}

/** The request for a run: its file and mode, plus what memory and shell checks will read. */
export function runRequest(lesson: Lesson, name: string, files: Record<string, string>): RunRequest {
  const spec = lesson.runs[name] ?? { file: '', mode: lesson.machine.mode };
  const checks = lesson.steps.flatMap((s) => s.checks).filter((c) => c.kind !== 'compare' && (c.run ?? 'main') === name);
  const memoryReads: MemoryRead[] = [];
  const shellCommands: string[] = [];
  for (const c of checks) {
    if (c.kind === 'memory') {
      const read: MemoryRead = { address: c.address, length: c.text !== undefined ? c.text.length : c.size ?? 4 };
      if (c.vm !== undefined) read.vm = c.vm;
      if (!memoryReads.some((m) => m.address === read.address && m.length === read.length && m.vm === read.vm)) memoryReads.push(read);
    }
    if (c.kind === 'shell' && !shellCommands.includes(c.command)) shellCommands.push(c.command);
  }
  // Figures and comparisons may read a number a command printed (metric shellNumber).
  const refs = [
    ...lesson.steps.flatMap((s) => s.checks).flatMap((c) => (c.kind === 'compare' ? [c.left, c.right] : [])),
    ...(lesson.figure ? [lesson.figure.value, ...(lesson.figure.per ? [lesson.figure.per] : [])] : []),
  ];
  for (const ref of refs) {
    if (ref.run === name && ref.command !== undefined && !shellCommands.includes(ref.command)) shellCommands.push(ref.command);
  }
  const request: RunRequest = {
    mode: spec.mode, entry: spec.file, files, machine: lesson.machine,
    maxInstructions: lesson.machine.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS, memoryReads, shellCommands,
  };
  if (spec.host) request.host = { cpus: spec.cpus ?? lesson.machine.cpus ?? 1, vms: lesson.machine.vms ?? [] };
  if (spec.snapshotAt !== undefined) request.snapshotAt = spec.snapshotAt;
  return request;
}

/** Runs this check reads, in the order they are first needed. */
function runsOf(checks: readonly Check[]): string[] {
  const names: string[] = [];
  for (const c of checks) {
    const wanted = c.kind === 'compare' ? [c.left.run, c.right.run] : [c.run ?? 'main'];
    for (const n of wanted) if (!names.includes(n)) names.push(n);
  }
  return names;
}

/** Grades every check of a step. Deterministic for the same files and runner. */
export async function evaluateStep(step: LessonStep, context: CheckContext): Promise<CheckResult[]> {
  const records = new Map<string, RunRecord>();
  for (const name of runsOf(step.checks)) records.set(name, await context.run(name));
  return step.checks.map((check, i) => evaluateCheck(check, i, (name) => records.get(name) as RunRecord));
}

export function stepPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === 'pass');
}

export interface FigureValue {
  label: string;
  value: number;
  unit: string;
  /** "14.2x fewer exits" style: the label, the value and the unit together. */
  text: string;
}

/** The figure the student takes away; undefined when the lesson has none or a run failed. */
export async function evaluateFigure(context: CheckContext): Promise<FigureValue | undefined> {
  const figure = context.lesson.figure;
  if (!figure) return undefined;
  const value = await refValue(context, figure.value);
  const per = figure.per ? await refValue(context, figure.per) : 1;
  if (value === undefined || per === undefined || per === 0) return undefined;
  const v = value / per;
  const unit = figure.unit ?? '';
  return { label: figure.label, value: v, unit, text: `${figure.label}: ${formatNumber(v)}${unit ? ` ${unit}` : ''}` };
}

async function refValue(context: CheckContext, ref: MetricRef): Promise<number | undefined> {
  const { outcome } = await context.run(ref.run);
  if (outcome.status !== 'ran') return undefined;
  const guest = ref.vm === undefined ? outcome : outcome.vms?.find((v) => v.name === ref.vm);
  if (!guest) return undefined;
  const value = metricRefValue({ result: guest.result, figures: guest.figures, shell: ref.vm === undefined ? outcome.shell : undefined }, ref);
  return Number.isNaN(value) ? undefined : value;
}
