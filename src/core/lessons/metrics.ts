// The figures checks and comparisons read from a RunResult, by name.

import type { RunResult } from '../run-result.ts';
import { isMemoryExit } from '../vmm/exit-log.ts';
import type { MetricName, MetricRef, ResultMetricName } from './check.ts';
import { RESULT_METRICS } from './check.ts';
import type { ShellOutput } from './runner-port.ts';
import { compileSafeRegex, MAX_SUBJECT_LENGTH } from './safe-regex.ts';

/** What a metric is read from: a run's (or one guest's) result and its extra figures. */
export interface RunView {
  result: RunResult;
  figures?: Record<string, number>;
  shell?: ShellOutput[];
}

/** A metric with what it needs: its cause, or the command and pattern of shellNumber. */
export type MetricQuery = Pick<MetricRef, 'metric' | 'cause' | 'command' | 'number'>;

/** The value of a metric reference, NaN when the run has no such figure. */
export function refValue(view: RunView, ref: MetricQuery): number {
  if (ref.metric === 'shellNumber') return shellNumber(view, ref.command, ref.number ?? '');
  return metricValue(view, ref.metric, ref.cause);
}

/** The number a shell command (or, without one, the run's console) printed: the regex's
 *  first group, thousands commas dropped. */
function shellNumber(view: RunView, command: string | undefined, pattern: string): number {
  const text = command === undefined ? view.result.console : view.shell?.find((s) => s.command === command)?.output;
  const r = compileSafeRegex(pattern);
  if (text === undefined || !r.ok) return Number.NaN;
  const m = r.regex.exec(text.slice(-MAX_SUBJECT_LENGTH));
  return m?.[1] === undefined ? Number.NaN : Number(m[1].replace(/,/g, ''));
}

/**
 * Does a cause name match a pattern: exact, a prefix when the pattern ends in "*", or
 * "@memory" for every memory-virtualization exit (vmm/exit-log.ts MEMORY_EXIT_CAUSES)?
 */
export function causeMatches(pattern: string, cause: string): boolean {
  if (pattern === MEMORY_EXITS) return isMemoryExit(cause);
  return pattern.endsWith('*') ? cause.startsWith(pattern.slice(0, -1)) : cause === pattern;
}

const MEMORY_EXITS = '@memory';

/** Sum of the counts whose cause matches; all of them when no pattern. */
export function sumByCause(byCause: Record<string, number>, pattern?: string): number {
  let total = 0;
  for (const [cause, n] of Object.entries(byCause)) if (pattern === undefined || causeMatches(pattern, cause)) total += n;
  return total;
}

/** The metric's value, or NaN when this run has no such figure (e.g. hostCycles of one VM). */
export function metricValue(view: RunView, metric: MetricName, cause?: string): number {
  if (!(RESULT_METRICS as readonly string[]).includes(metric)) return view.figures?.[metric] ?? Number.NaN;
  return resultMetric(view.result, metric as ResultMetricName, cause);
}

function resultMetric(result: RunResult, metric: ResultMetricName, cause?: string): number {
  switch (metric) {
    case 'exits': return cause === undefined ? result.exits.total : sumByCause(result.exits.byCause, cause);
    case 'instructions': return result.instructions;
    case 'cycles': return result.cycles;
    case 'guestCycles': return result.cost.guestCycles;
    case 'overheadCycles': return result.cost.overheadCycles;
    case 'overheadPercent': return result.cost.overheadPercent;
    case 'idleCycles': return result.cost.idleCycles;
    case 'overheadByCause': return sumByCause(result.cost.byCause, cause);
    case 'guestMemoryKiB': return result.memory ? result.memory.guestBytes / 1024 : Number.NaN;
    case 'vmmTableKiB': return result.memory ? result.memory.vmmTableBytes / 1024 : Number.NaN;
  }
}

export function metricLabel(metric: MetricName, cause?: string): string {
  const names: Record<MetricName, string> = {
    exits: 'exits', instructions: 'instructions', cycles: 'cycles', guestCycles: 'guest cycles',
    overheadCycles: 'overhead cycles', overheadPercent: 'overhead %', idleCycles: 'idle cycles',
    overheadByCause: 'overhead cycles',
    guestMemoryKiB: 'KiB of guest memory', vmmTableKiB: 'KiB of hypervisor page tables', hostCycles: 'host cycles', utilization: '% host CPU utilization',
    vmSwitches: 'VM switches', cpuTime: 'cycles of host CPU', finishedAt: 'host cycles to finish',
    slices: 'time slices', snapshotBytes: 'snapshot bytes', snapshotPages: 'pages in the snapshot',
    containers: 'running containers', hostMemoryKiB: 'KiB of host memory used', hostMemoryMiB: 'MiB of host memory used',
    sharedMemoryKiB: 'KiB of shared code pages', shellNumber: '(from the command\'s output)',
  };
  return cause === undefined ? names[metric] : `${names[metric]} (${cause})`;
}

export interface BoundSpec {
  min?: number;
  max?: number;
  equals?: number;
}

/** Whether a value is within a bound, and the bound in words. */
export function withinBound(value: number, b: BoundSpec): { ok: boolean; wanted: string } {
  if (b.equals !== undefined) return { ok: value === b.equals, wanted: `exactly ${b.equals}` };
  const parts: string[] = [];
  let ok = true;
  if (b.min !== undefined) { ok &&= value >= b.min; parts.push(`at least ${b.min}`); }
  if (b.max !== undefined) { ok &&= value <= b.max; parts.push(`at most ${b.max}`); }
  return { ok, wanted: parts.join(' and ') };
}

/** Numbers in details: integers as they are, fractions to 3 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'no value';
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}
