import { describe, expect, it } from 'vitest';
import {
  createCheckContext, evaluateStep, loadLessons, verifyLesson, type CheckResult, type Lesson,
} from '../../../src/core/lessons/index.ts';
import type { ExitEvent, RunResult } from '../../../src/core/run-result.ts';
import { jsonRunner } from './helpers.ts';

/** A one-step lesson with these checks (YAML list items) and extra front matter. */
function lesson(checks: string, extra = '', mode = 'bare'): Lesson {
  const md = `---
id: t
title: T
summary: S
level: beginner
minutes: 1
machine: { mode: ${mode} }
files:
  - { name: a.json, starter: a.json, solution: a.json }
  - { name: b.json, starter: b.json, readonly: true }
${extra}
steps:
  - id: s
    title: S
    text: x
    checks:
${checks.split('\n').map((l) => `      ${l}`).join('\n')}
---
`;
  const cat = loadLessons({ 'l/01-t/lesson.md': md, 'l/01-t/a.json': '{}', 'l/01-t/b.json': '{}' });
  const entry = cat.entries[0];
  if (!entry?.ok) throw new Error(JSON.stringify(entry?.problems));
  return entry.lesson;
}

type Program = { result?: Partial<RunResult>; memory?: unknown; kernel?: unknown; shell?: unknown; unsupported?: string; diagnostics?: unknown };

async function grade(l: Lesson, a: Program, b: Program = {}): Promise<CheckResult[]> {
  const ctx = createCheckContext({ lesson: l, files: { 'a.json': JSON.stringify(a), 'b.json': JSON.stringify(b) }, runner: jsonRunner() });
  return evaluateStep(l.steps[0]!, ctx);
}

const msgs = 'pass: yes\n  fail: no';
const exit = (seq: number, cause: string, action = ''): ExitEvent => ({ seq, cause, cycle: seq * 10, pc: 0, insn: 0, action, cost: 1 });

describe('console checks', () => {
  it('contains / equals / matches / notContains grade the console text', async () => {
    const l = lesson(`- kind: console\n  contains: "llo"\n  ${msgs}\n- kind: console\n  equals: "hello\\n"\n  ${msgs}\n- kind: console\n  matches: "^h.l+o$"\n  flags: m\n  ${msgs}\n- kind: console\n  notContains: "bye"\n  ${msgs}`);
    expect((await grade(l, { result: { console: 'hello\n' } })).map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const failed = await grade(l, { result: { console: 'bye' } });
    expect(failed.map((r) => r.status)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(failed[0]).toMatchObject({ message: 'no', detail: 'output "bye"' });
  });
});

describe('exit code, registers and memory', () => {
  it('compares registers as unsigned 32-bit and names the value seen', async () => {
    const l = lesson(`- kind: register\n  register: a0\n  equals: -1\n  ${msgs}\n- kind: exitCode\n  equals: 3\n  ${msgs}`);
    const regs = new Array<number>(32).fill(0);
    regs[10] = 0xffffffff;
    expect((await grade(l, { result: { registers: regs, exitCode: 3 } })).map((r) => r.status)).toEqual(['pass', 'pass']);
    const r = await grade(l, { result: { exitCode: null, end: 'budget' } });
    expect(r[0]!.detail).toContain('a0 = 0x00000000');
    expect(r[1]!.detail).toContain('did not exit');
  });

  it('asks the runner for the memory the checks read, and decodes little-endian values', async () => {
    const l = lesson(`- kind: memory\n  address: counter\n  size: 2\n  equals: 0x1234\n  ${msgs}\n- kind: memory\n  address: 0x80001000\n  text: "hi"\n  ${msgs}`);
    const runner = jsonRunner();
    const a = { memory: [{ address: 0x80000100, bytes: [0x34, 0x12] }, { address: 0x80001000, bytes: [104, 105] }] };
    const ctx = createCheckContext({ lesson: l, files: { 'a.json': JSON.stringify(a) }, runner });
    const r = await evaluateStep(l.steps[0]!, ctx);
    expect(runner.requests[0]!.memoryReads).toEqual([{ address: 'counter', length: 2 }, { address: 0x80001000, length: 2 }]);
    expect(r.map((x) => x.status)).toEqual(['pass', 'pass']);
  });
});

describe('exits, metrics and comparisons', () => {
  it('bounds exits by cause, with prefix patterns ("trap golf")', async () => {
    const l = lesson(`- kind: exits\n  cause: "mmio-*"\n  max: 3\n  ${msgs}\n- kind: exits\n  min: 5\n  ${msgs}`);
    const byCause = { 'mmio-write:uart': 2, 'mmio-read:uart': 1, 'csr-write': 4 };
    expect((await grade(l, { result: { exits: { total: 7, byCause } } })).map((r) => r.status)).toEqual(['pass', 'pass']);
    const worse = await grade(l, { result: { exits: { total: 4, byCause: { 'mmio-write:uart': 4 } } } });
    expect(worse[0]!.detail).toBe('4 exits (mmio-*); wanted at most 3');
    expect(worse[1]!.status).toBe('fail');
  });

  it('compares two runs: left <= right * factor', async () => {
    const l = lesson(`- kind: compare\n  left: { run: main, metric: exits }\n  op: "<="\n  right: { run: original, metric: exits }\n  factor: 0.1\n  ${msgs}`,
      'runs:\n  original: { file: b.json, mode: full }');
    const ten = (total: number) => ({ result: { exits: { total, byCause: {} } } });
    expect((await grade(l, ten(10), ten(100)))[0]!.status).toBe('pass');
    const r = (await grade(l, ten(11), ten(100)))[0]!;
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('ratio 0.11');
  });
});

describe('trace assertions', () => {
  const l = lesson(`- kind: trace\n  order: [{ cause: mret }, { cause: "mmio-write:uart" }]\n  ${msgs}\n- kind: trace\n  sequence: [{ cause: csr-write, action: "mtvec" }, { cause: mret }]\n  ${msgs}`);
  it('passes when the first mret precedes the first UART write', async () => {
    const log = [exit(0, 'csr-write', 'emulated csrw mtvec'), exit(1, 'mret'), exit(2, 'mmio-write:uart')];
    expect((await grade(l, { result: { exitLog: log, exits: { total: 3, byCause: {} } } })).map((r) => r.status)).toEqual(['pass', 'pass']);
  });
  it('fails with the order it saw, and refuses to judge a truncated log', async () => {
    const log = [exit(0, 'mmio-write:uart'), exit(1, 'mret'), exit(2, 'csr-write', 'mscratch')];
    const r = await grade(l, { result: { exitLog: log, exits: { total: 3, byCause: {} } } });
    expect(r[0]!.detail).toContain('first "mmio-write:uart" (exit #0) came before the first "mret" (exit #1)');
    expect(r[1]!.status).toBe('fail');
    const cut = await grade(l, { result: { exitLog: [exit(5, 'mret'), exit(6, 'mmio-write:uart')], exits: { total: 7, byCause: {} } } });
    expect(cut[0]!.detail).toContain('kept only the last 2 of 7');
  });
});

describe('container checks', () => {
  const checks = `- kind: containers\n  min: 2\n  ${msgs}\n- kind: hostname\n  container: web\n  equals: web1\n  ${msgs}\n- kind: limitHit\n  resource: pids\n  ${msgs}\n- kind: oomKill\n  container: hog\n  ${msgs}\n- kind: shell\n  command: hostname\n  equals: "web1\\n"\n  ${msgs}`;
  const l = lesson(checks, '', 'containers');
  it('say clearly that they need the container runtime when it is missing', async () => {
    const r = await grade(l, { unsupported: 'needs the container runtime' });
    expect(r.every((x) => x.status === 'unavailable' && x.message === 'needs the container runtime')).toBe(true);
    const noKernel = await grade(l, { result: {} });
    expect(noKernel.every((x) => x.status === 'unavailable' && x.message.startsWith('needs the container runtime'))).toBe(true);
  });
  it('grade the kernel state the runtime reports', async () => {
    const c = (name: string, hostname: string, pids = 0, oomKills = 0) => ({ name, hostname, state: 'running', limitHits: { pids, memory: 0, cpu: 0 }, oomKills });
    const kernel = { containers: [c('web', 'web1'), c('bomb', 'b', 7), c('hog', 'h', 0, 1)] };
    const r = await grade(l, { kernel, shell: [{ command: 'hostname', output: 'web1\n', status: 0 }] });
    expect(r.map((x) => x.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    const none = await grade(l, { kernel: { containers: [c('web', 'x')] }, shell: [{ command: 'hostname', output: 'x\n', status: 0 }] });
    expect(none.map((x) => x.status)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
  });
});

describe('runs and verification', () => {
  it('a program that does not build fails its checks with the first diagnostic', async () => {
    const l = lesson(`- kind: console\n  contains: x\n  ${msgs}`);
    const d = { file: 'a.s', line: 3, column: 1, endColumn: 2, severity: 'error', code: 'x', message: 'unknown mnemonic' };
    const r = await grade(l, { diagnostics: [d] });
    expect(r[0]).toMatchObject({ status: 'fail', detail: 'the program did not build: a.s:3: unknown mnemonic' });
  });

  it('runs each program once per context however many checks read it', async () => {
    const l = lesson(`- kind: console\n  contains: x\n  ${msgs}\n- kind: exitCode\n  equals: 0\n  ${msgs}`);
    const runner = jsonRunner();
    const ctx = createCheckContext({ lesson: l, files: { 'a.json': '{}' }, runner });
    await evaluateStep(l.steps[0]!, ctx);
    await evaluateStep(l.steps[0]!, ctx);
    expect(runner.requests).toHaveLength(1);
  });

  it('reports a solution that fails, and a starter that passes every step', async () => {
    const l = lesson(`- kind: console\n  contains: x\n  ${msgs}`);
    const v = await verifyLesson(l, jsonRunner());
    const text = v.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);
    expect(text).toEqual([
      '17: steps[0].checks[0]: the solution does not pass: console check: no (output "")',
    ]);
    l.files[0]!.solution = JSON.stringify({ result: { console: 'x' } });
    l.files[0]!.starter = l.files[0]!.solution;
    const v2 = await verifyLesson(l, jsonRunner());
    expect(v2.problems.map((p) => p.message)).toEqual(['the starter passes every step: mark the steps the student must do with starterFails: true']);
  });
});
