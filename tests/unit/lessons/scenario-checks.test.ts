// Checks on scenario runs, graded on plain data: one guest of a host run (vm:), figures
// only some runs have, and numbers read from a command's output (shellNumber).

import { describe, expect, it } from 'vitest';
import {
  createCheckContext, evaluateFigure, evaluateStep, loadLessons, runRequest, type CheckResult, type Lesson,
} from '../../../src/core/lessons/index.ts';
import { jsonRunner } from './helpers.ts';

function lesson(checks: string, extra = ''): Lesson {
  const md = `---
id: t
title: T
summary: S
level: beginner
minutes: 1
machine:
  mode: full
  vms:
    - { name: web, file: a.json }
    - { name: db, file: a.json }
files:
  - { name: a.json, starter: a.json, solution: a.json }
${extra}
steps:
  - id: s
    title: S
    text: x
    checks:
${checks.split('\n').map((l) => `      ${l}`).join('\n')}
---
`;
  const entry = loadLessons({ 'l/01-t/lesson.md': md, 'l/01-t/a.json': '{}' }).entries[0];
  if (!entry?.ok) throw new Error(JSON.stringify(entry?.problems));
  return entry.lesson;
}

const program = {
  result: { console: 'web\ndb\n' },
  figures: { hostCycles: 1000, utilization: 50 },
  vms: [
    { name: 'web', result: { console: 'web\n', exits: { total: 3, byCause: { wfi: 3 } } }, figures: { cpuTime: 100, finishedAt: 400 } },
    { name: 'db', result: { console: 'db\n', exits: { total: 9, byCause: { wfi: 9 } } }, figures: { cpuTime: 900, finishedAt: 1000 } },
  ],
  shell: [{ command: 'dc cost', output: 'total $9\nsaving $64,543 (74.2%)\n', status: 0 }],
};

async function grade(l: Lesson, p: object = program): Promise<CheckResult[]> {
  return evaluateStep(l.steps[0]!, createCheckContext({ lesson: l, files: { 'a.json': JSON.stringify(p) }, runner: jsonRunner() }));
}

describe('checks on one guest of a host run', () => {
  it('read that guest only', async () => {
    const l = lesson(`- { kind: console, vm: db, equals: "db\\n", pass: p, fail: f }
- { kind: exits, vm: web, cause: wfi, max: 3, pass: p, fail: f }
- { kind: exits, vm: db, cause: wfi, max: 3, pass: p, fail: f }
- { kind: metric, vm: web, metric: cpuTime, max: 100, pass: p, fail: f }
- { kind: metric, metric: hostCycles, equals: 1000, pass: p, fail: f }
- { kind: compare, left: { run: main, vm: web, metric: finishedAt }, op: "<", right: { run: main, vm: db, metric: finishedAt }, factor: 0.5, pass: p, fail: f }`);
    const r = await grade(l);
    expect(r.map((x) => x.status)).toEqual(['pass', 'pass', 'fail', 'pass', 'pass', 'pass']);
    expect(r[2]!.detail).toBe('9 exits (wfi); wanted at most 3');
    expect(r[5]!.detail).toContain('main/web: 400');
  });

  it('fail with a reason when the guest or the figure is missing', async () => {
    const l = lesson(`- { kind: metric, vm: web, metric: hostCycles, min: 1, pass: p, fail: f }
- { kind: console, vm: db, contains: x, pass: p, fail: f }`);
    const r = await grade(l, { ...program, vms: [program.vms[0]] });
    expect(r[0]!.detail).toBe('this run has no "hostCycles" figure');
    expect(r[1]!.detail).toBe('no guest named "db" in this run (guests: web)');
  });

  it('ask the runner for every guest on one host, memory per guest', () => {
    const l = lesson('- { kind: memory, vm: db, address: slot, equals: 1, pass: p, fail: f }', 'runs:\n  two: { host: true, cpus: 2 }');
    const main = runRequest(l, 'main', {});
    expect(main.host).toEqual({ cpus: 1, vms: l.machine.vms });
    expect(main.memoryReads).toEqual([{ address: 'slot', length: 4, vm: 'db' }]);
    expect(runRequest(l, 'two', {}).host?.cpus).toBe(2);
  });
});

describe('shellNumber', () => {
  it('reads a number from a command the engine runs, or from the console', async () => {
    const l = lesson(`- { kind: metric, metric: shellNumber, command: dc cost, number: "saving \\\\$([0-9,]+)", min: 60000, pass: p, fail: f }
- { kind: metric, metric: shellNumber, number: "(db)", min: 1, pass: p, fail: f }
- { kind: metric, metric: shellNumber, command: dc cost, number: "lost ([0-9]+)", min: 1, pass: p, fail: f }`,
    'figure: { label: Saving, value: { run: main, metric: shellNumber, command: dc cost, number: "saving \\\\$([0-9,]+)" }, unit: dollars }');
    expect(runRequest(l, 'main', {}).shellCommands).toEqual(['dc cost']);
    const r = await grade(l);
    expect(r.map((x) => x.status)).toEqual(['pass', 'fail', 'fail']);
    expect(r[1]!.detail).toBe('no number matching (db) in the console');
    expect(r[2]!.detail).toBe('no number matching lost ([0-9]+) in the output of `dc cost`');
    const ctx = createCheckContext({ lesson: l, files: { 'a.json': JSON.stringify(program) }, runner: jsonRunner() });
    expect((await evaluateFigure(ctx))?.value).toBe(64543);
  });
});
