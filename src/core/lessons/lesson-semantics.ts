// The rules a schema cannot say: names that must refer to something (files, runs, VMs),
// "exactly one of" fields, sane bounds, safe regular expressions.

import { KERNEL_CHECK_KINDS, type Check, type MetricRef } from './check.ts';
import type { RawLesson } from './raw-lesson.ts';
import { compileSafeRegex } from './safe-regex.ts';

/** A problem at a field path of the front matter; the loader adds file and line. */
export interface FieldProblem {
  path: (string | number)[];
  message: string;
}

export function checkSemantics(raw: RawLesson, runNames: Set<string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const fileNames = new Set(raw.files.map((f) => f.name));
  raw.files.forEach((f, i) => {
    if (raw.files.findIndex((g) => g.name === f.name) !== i) problems.push({ path: ['files', i, 'name'], message: `duplicate file name "${f.name}"` });
    if (!f.readonly && f.solution === undefined) problems.push({ path: ['files', i, 'solution'], message: 'an editable file needs a solution (or mark it readonly: true)' });
  });
  raw.machine.vms?.forEach((vm, i) => {
    if (!fileNames.has(vm.file)) problems.push({ path: ['machine', 'vms', i, 'file'], message: unknownName('file', vm.file, fileNames) });
  });
  const vmNames = new Set((raw.machine.vms ?? []).map((vm) => vm.name));
  raw.machine.vms?.forEach((vm, i) => {
    if (raw.machine.vms?.findIndex((w) => w.name === vm.name) !== i) problems.push({ path: ['machine', 'vms', i, 'name'], message: `duplicate guest name "${vm.name}"` });
  });
  if (vmNames.size > 0 && raw.machine.mode !== 'full' && raw.machine.mode !== 'pv' && raw.machine.mode !== 'hw') {
    problems.push({ path: ['machine', 'vms'], message: 'guests need machine.mode full, pv or hw' });
  }
  for (const [name, run] of Object.entries(raw.runs ?? {})) {
    problems.push(...runProblems(name, run, raw, fileNames, vmNames));
  }
  const stepIds = new Set<string>();
  raw.steps.forEach((step, s) => {
    if (stepIds.has(step.id)) problems.push({ path: ['steps', s, 'id'], message: `duplicate step id "${step.id}"` });
    stepIds.add(step.id);
    step.checks.forEach((check, c) => {
      for (const p of checkProblems(check, runNames)) problems.push({ path: ['steps', s, 'checks', c, ...p.path], message: p.message });
      for (const p of vmProblems(check, vmNames)) problems.push({ path: ['steps', s, 'checks', c, ...p.path], message: p.message });
    });
  });
  if (raw.figure) {
    for (const key of ['value', 'per'] as const) {
      const ref = raw.figure[key];
      if (ref && !runNames.has(ref.run)) problems.push({ path: ['figure', key, 'run'], message: unknownName('run', ref.run, runNames) });
      if (ref) for (const p of shellNumberProblems(ref, ['figure', key])) problems.push(p);
      if (ref?.vm !== undefined && !vmNames.has(ref.vm)) problems.push({ path: ['figure', key, 'vm'], message: unknownName('guest', ref.vm, vmNames) });
    }
  }
  if (raw.prerequisites?.includes(raw.id)) problems.push({ path: ['prerequisites'], message: 'a lesson cannot be its own prerequisite' });
  return problems;
}

function checkProblems(check: Check, runNames: Set<string>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const has = (k: string) => (check as unknown as Record<string, unknown>)[k] !== undefined;
  const exactlyOne = (keys: string[]) => {
    const given = keys.filter(has);
    if (given.length !== 1) out.push({ path: [], message: `needs exactly one of ${keys.join(', ')}${given.length > 1 ? ` (has ${given.join(', ')})` : ''}` });
  };
  const regex = (path: (string | number)[], pattern: string | undefined, flags?: string) => {
    if (pattern === undefined) return;
    const r = compileSafeRegex(pattern, flags);
    if (!r.ok) out.push({ path, message: `unsafe or invalid regex: ${r.reason}` });
  };
  const run = (ref: { run?: string }, path: (string | number)[]) => {
    if (ref.run !== undefined && !runNames.has(ref.run)) out.push({ path: [...path, 'run'], message: unknownName('run', ref.run, runNames) });
  };
  const bound = (b: { min?: number; max?: number; equals?: number }, required: boolean) => {
    if (required && b.min === undefined && b.max === undefined && b.equals === undefined) out.push({ path: [], message: 'needs min, max or equals' });
    if (b.equals !== undefined && (b.min !== undefined || b.max !== undefined)) out.push({ path: ['equals'], message: 'equals cannot be combined with min or max' });
    if (b.min !== undefined && b.max !== undefined && b.min > b.max) out.push({ path: ['min'], message: `min (${b.min}) is greater than max (${b.max})` });
  };
  switch (check.kind) {
    case 'console':
      exactlyOne(['contains', 'notContains', 'equals', 'matches']);
      regex(['matches'], check.matches, check.flags);
      break;
    case 'memory':
      exactlyOne(['equals', 'text']);
      if (check.text !== undefined && check.size !== undefined) out.push({ path: ['size'], message: 'size applies to equals, not to text' });
      break;
    case 'exits': case 'containers':
      bound(check, true);
      break;
    case 'metric':
      bound(check, true);
      out.push(...shellNumberProblems({ run: '', ...check }, []));
      break;
    case 'oomKill':
      bound(check, false);
      break;
    case 'compare':
      run(check.left, ['left']);
      run(check.right, ['right']);
      out.push(...shellNumberProblems(check.left, ['left']), ...shellNumberProblems(check.right, ['right']));
      break;
    case 'trace':
      exactlyOne(['sequence', 'order']);
      (check.sequence ?? check.order ?? []).forEach((p, i) => regex([check.sequence ? 'sequence' : 'order', i, 'action'], p.action));
      break;
    case 'shell':
      if (['contains', 'equals', 'matches'].filter(has).length > 1) exactlyOne(['contains', 'equals', 'matches']);
      if (!['contains', 'equals', 'matches', 'status'].some(has)) out.push({ path: [], message: 'needs contains, equals, matches or status' });
      regex(['matches'], check.matches, check.flags);
      break;
    default:
      break;
  }
  if (check.kind !== 'compare') run(check, []);
  return out;
}

/** shellNumber needs a command and a safe pattern with a group; other metrics neither. */
function shellNumberProblems(ref: MetricRef, path: (string | number)[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (ref.metric !== 'shellNumber') {
    if (ref.command !== undefined || ref.number !== undefined) out.push({ path: [...path, ref.command !== undefined ? 'command' : 'number'], message: 'command and number belong to metric shellNumber' });
    return out;
  }
  if (ref.number === undefined) {
    out.push({ path: [...path, 'number'], message: 'metric shellNumber needs a number pattern with one group, e.g. "saving \\$([0-9,]+)"' });
  } else {
    const r = compileSafeRegex(ref.number);
    if (!r.ok) out.push({ path: [...path, 'number'], message: `unsafe or invalid regex: ${r.reason}` });
    else if (!/\((?!\?)/.test(ref.number)) out.push({ path: [...path, 'number'], message: 'the number pattern needs a group ( ) around the number' });
  }
  return out;
}

function runProblems(
  name: string, run: NonNullable<RawLesson['runs']>[string], raw: RawLesson, fileNames: Set<string>, vmNames: Set<string>,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const mode = run.mode ?? raw.machine.mode;
  if (run.file !== undefined && !fileNames.has(run.file)) out.push({ path: ['runs', name, 'file'], message: unknownName('file', run.file, fileNames) });
  if (run.file === undefined && !run.host) out.push({ path: ['runs', name], message: 'a run needs a file (or host: true to run machine.vms)' });
  if (run.host && vmNames.size === 0) out.push({ path: ['runs', name, 'host'], message: 'a host run needs guests in machine.vms' });
  if (run.cpus !== undefined && !run.host) out.push({ path: ['runs', name, 'cpus'], message: 'cpus applies to host runs (host: true)' });
  if (run.snapshotAt !== undefined && (run.host || (mode !== 'full' && mode !== 'pv' && mode !== 'hw'))) {
    out.push({ path: ['runs', name, 'snapshotAt'], message: 'snapshots are of one guest: a run in mode full, pv or hw without host' });
  }
  return out;
}

/** `vm` names a guest of machine.vms, and only checks that read a run's result have one. */
function vmProblems(check: Check, vmNames: Set<string>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const refs: [{ vm?: string }, (string | number)[]][] = check.kind === 'compare' ? [[check.left, ['left']], [check.right, ['right']]] : [[check, []]];
  for (const [ref, path] of refs) {
    if (ref.vm === undefined) continue;
    if (!vmNames.has(ref.vm)) out.push({ path: [...path, 'vm'], message: unknownName('guest', ref.vm, vmNames) });
  }
  if (check.kind !== 'compare' && check.vm !== undefined && KERNEL_CHECK_KINDS.includes(check.kind)) {
    out.push({ path: ['vm'], message: `a ${check.kind} check reads the container host, not a guest` });
  }
  return out;
}

function unknownName(what: string, name: string, known: Set<string>): string {
  return `no ${what} named "${name}" (known: ${[...known].join(', ') || 'none'})`;
}
