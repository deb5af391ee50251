// Grades one declarative check against the outcomes of the runs it reads. Pure and
// deterministic: the same outcomes always give the same results and words.

import type { RunResult } from '../run-result.ts';
import type { Check, CheckResult, CompareCheck, MemoryCheck, MetricName, MetricRef, TraceCheck } from './check.ts';
import { consoleText, endWords } from './console-match.ts';
import { KERNEL_CHECK_KINDS } from './check.ts';
import { evaluateKernelCheck } from './kernel-checks.ts';
import { formatNumber, metricLabel, metricValue, refValue, withinBound, type RunView } from './metrics.ts';
import { hex32, registerNumber } from './registers.ts';
import type { RunOutcome, RunRequest } from './runner-port.ts';
import { assertFirstOccurrenceOrder, assertSequence, logIsTruncated } from './trace-assertion.ts';
import { ok, type Verdict } from './verdict.ts';

/** A run the engine made: what it asked for and what came back. */
export interface RunRecord {
  request: RunRequest;
  outcome: RunOutcome;
}

export function evaluateCheck(check: Check, index: number, runOf: (name: string) => RunRecord): CheckResult {
  const v = verdict(check, runOf);
  const message = v.message ?? (v.status === 'pass' ? check.pass : check.fail);
  return { index, kind: check.kind, status: v.status, message, detail: v.detail };
}

function verdict(check: Check, runOf: (name: string) => RunRecord): Verdict {
  if (check.kind === 'compare') return compare(check, runOf);
  const record = runOf(check.run ?? 'main');
  const blocked = notRan(record.outcome);
  if (blocked) return blocked;
  const outcome = record.outcome as Extract<RunOutcome, { status: 'ran' }>;
  if (KERNEL_CHECK_KINDS.includes(check.kind)) return evaluateKernelCheck(check, outcome);
  const view = viewOf(outcome, check.vm);
  if ('status' in view) return view;
  const r = view.result;
  switch (check.kind) {
    case 'console': return consoleText(check, r);
    case 'exitCode':
      return ok(r.exitCode === check.equals, r.exitCode === null ? `the program did not exit (${endWords(r)})` : `exit code ${r.exitCode}`);
    case 'register': {
      const n = registerNumber(check.register) ?? 0;
      const value = r.registers[n] ?? 0;
      return ok(value >>> 0 === check.equals >>> 0, `${check.register} = ${hex32(value)} (${value | 0}); wanted ${hex32(check.equals)}`);
    }
    case 'memory': return memory(check, record, outcome);
    case 'exits': case 'metric': {
      const metric = check.kind === 'exits' ? 'exits' : check.metric;
      const value = check.kind === 'metric' ? refValue(view, check) : metricValue(view, metric, check.cause);
      if (Number.isNaN(value)) return { status: 'fail', detail: missingFigure(check.kind === 'metric' ? check : { metric }) };
      const b = withinBound(value, check);
      return ok(b.ok, `${formatNumber(value)} ${metricLabel(metric, check.cause)}; wanted ${b.wanted}`);
    }
    case 'trace': return trace(check, r);
    default: return { status: 'fail', detail: `check kind "${check.kind}" has no run result to read` };
  }
}

/** Why a metric has no value: the run lacks that figure, or the output lacks the number. */
function missingFigure(ref: { metric: MetricName; command?: string; number?: string }): string {
  if (ref.metric !== 'shellNumber') return `this run has no "${ref.metric}" figure`;
  const where = ref.command === undefined ? 'the console' : `the output of \`${ref.command}\``;
  return `no number matching ${ref.number ?? ''} in ${where}`;
}

type Ran = Extract<RunOutcome, { status: 'ran' }>;

/** The run as a whole, or one guest of a host run. */
function viewOf(outcome: Ran, vm: string | undefined): RunView | Verdict {
  if (vm === undefined) return { result: outcome.result, figures: outcome.figures, shell: outcome.shell };
  const guest = outcome.vms?.find((v) => v.name === vm);
  if (!guest) {
    const known = outcome.vms?.map((v) => v.name).join(', ');
    return { status: 'fail', detail: known ? `no guest named "${vm}" in this run (guests: ${known})` : `this run has no guests; "vm: ${vm}" needs a run of machine.vms` };
  }
  return { result: guest.result, figures: guest.figures };
}

/** Checks cannot grade a program that did not build or a mode this build cannot run. */
function notRan(outcome: RunOutcome): Verdict | undefined {
  if (outcome.status === 'unsupported') return { status: 'unavailable', message: outcome.reason, detail: '' };
  if (outcome.status === 'build-failed') {
    const d = outcome.diagnostics[0];
    const where = d ? `${d.file}:${d.line}: ${d.message}` : 'no details';
    const more = outcome.diagnostics.length > 1 ? ` (and ${outcome.diagnostics.length - 1} more)` : '';
    return { status: 'fail', detail: `the program did not build: ${where}${more}` };
  }
  return undefined;
}

function memory(check: MemoryCheck, record: RunRecord, outcome: Extract<RunOutcome, { status: 'ran' }>): Verdict {
  const length = check.text !== undefined ? check.text.length : check.size ?? 4;
  const i = record.request.memoryReads.findIndex((m) => m.address === check.address && m.length === length && m.vm === check.vm);
  const value = outcome.memory[i];
  const where = `${check.vm === undefined ? '' : `${check.vm}: `}${typeof check.address === 'string' ? check.address : hex32(check.address)}`;
  if (!value || value.address === null || value.bytes.length < length) {
    return { status: 'fail', detail: `could not read ${where}${value?.error ? `: ${value.error}` : ''}` };
  }
  if (check.text !== undefined) {
    const text = String.fromCharCode(...value.bytes.slice(0, length));
    return ok(text === check.text, `${where} holds ${JSON.stringify(text)}`);
  }
  let n = 0;
  for (let b = length - 1; b >= 0; b--) n = n * 256 + (value.bytes[b] ?? 0);
  const mask = length === 4 ? 0xffffffff : 2 ** (length * 8) - 1;
  const wanted = (check.equals ?? 0) < 0 ? ((check.equals ?? 0) >>> 0) & mask : check.equals ?? 0;
  return ok(n === wanted, `${where} (${hex32(value.address)}) holds ${hex32(n)} (${n}); wanted ${hex32(wanted)}`);
}

function trace(check: TraceCheck, r: RunResult): Verdict {
  if (check.order) {
    if (logIsTruncated(r.exitLog, r.exits.total)) {
      return { status: 'fail', detail: `the exit log kept only the last ${r.exitLog.length} of ${r.exits.total} exits, so first occurrences are unknown` };
    }
    const v = assertFirstOccurrenceOrder(r.exitLog, check.order);
    return ok(v.ok, v.detail);
  }
  const v = assertSequence(r.exitLog, check.sequence ?? []);
  return ok(v.ok, v.detail);
}

function compare(check: CompareCheck, runOf: (name: string) => RunRecord): Verdict {
  const side = (ref: MetricRef): { value: number } | Verdict => {
    const outcome = runOf(ref.run).outcome;
    const blocked = notRan(outcome);
    if (blocked) return { ...blocked, detail: `run "${ref.run}": ${blocked.detail}` };
    const view = viewOf(outcome as Ran, ref.vm);
    if ('status' in view) return { ...view, detail: `run "${ref.run}": ${view.detail}` };
    const value = refValue(view, ref);
    if (Number.isNaN(value)) return { status: 'fail', detail: `run "${ref.run}": ${missingFigure(ref)}` };
    return { value };
  };
  const left = side(check.left);
  if (!('value' in left)) return left;
  const right = side(check.right);
  if (!('value' in right)) return right;
  const factor = check.factor ?? 1;
  const target = right.value * factor;
  const holds = { '<': left.value < target, '<=': left.value <= target, '==': left.value === target, '>=': left.value >= target, '>': left.value > target }[check.op];
  const scaled = factor === 1 ? '' : ` x ${formatNumber(factor)} = ${formatNumber(target)}`;
  const ratio = right.value === 0 ? '' : ` (ratio ${formatNumber(left.value / right.value)})`;
  const name = (ref: MetricRef) => (ref.vm === undefined ? ref.run : `${ref.run}/${ref.vm}`);
  return ok(holds, `${name(check.left)}: ${formatNumber(left.value)} ${metricLabel(check.left.metric, check.left.cause)}; ${name(check.right)}: ${formatNumber(right.value)}${scaled}; wanted ${check.op}${ratio}`);
}
