// The curriculum itself: `trapdoor lessons check lessons/` must pass, so every shipped
// lesson loads, its solution passes every step and its starter fails the steps it should.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../../src/cli/lessons-command.ts';
import { loadLessons } from '../../../src/core/lessons/index.ts';
import { runLessons } from './cli-io.ts';
import { readTree } from './helpers.ts';
import { describeEachCpu } from '../cpu-kinds.ts';

describeEachCpu('the shipped lessons', () => {
  it('pass lessons check, each ending with a figure the student produced', async () => {
    const { status, stdout } = await runLessons(['check', 'lessons']);
    expect(stdout).not.toContain('FAIL');
    expect(status).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.startsWith('ok '));
    expect(lines.length).toBeGreaterThanOrEqual(12);
    for (const line of lines) expect(line).toMatch(/; [^;]+: [0-9.]+/);
  }, 120_000);
});

describe('the shipped lessons', () => {

  it('cover the whole subject: the machine, both hypervisor modes, guests on a host, containers', () => {
    const lessons = loadLessons(readTree('lessons', 'lessons')).lessons;
    const modes = new Set(lessons.map((l) => l.machine.mode));
    for (const m of ['bare', 'full', 'pv', 'linux', 'containers'] as const) expect(modes).toContain(m);
    expect(lessons.some((l) => (l.machine.vms?.length ?? 0) > 1)).toBe(true);
    expect(lessons.some((l) => Object.values(l.runs).some((r) => r.snapshotAt !== undefined))).toBe(true);
    const ids = new Set<string>();
    for (const l of lessons) {
      for (const pre of l.prerequisites) expect(ids, `${l.id} needs ${pre} first`).toContain(pre);
      ids.add(l.id);
    }
  });

  it('are numbered in order with unique ids, starting from the bare machine', () => {
    const catalogue = loadLessons(readTree('lessons', 'lessons'));
    expect(catalogue.entries.every((e) => e.ok)).toBe(true);
    const orders = catalogue.lessons.map((l) => l.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(new Set(catalogue.lessons.map((l) => l.id)).size).toBe(catalogue.lessons.length);
    expect(catalogue.lessons[0]?.machine.mode).toBe('bare');
  });

  it('ship the JSON Schema editors read, identical to the one the loader uses', () => {
    expect(readFileSync('lessons/lesson.schema.json', 'utf8')).toBe(schemaText());
  });
});
