// The curriculum itself: `trapdoor lessons check lessons/` must pass, so every shipped
// lesson loads, its solution passes every step and its starter fails the steps it should.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../../src/cli/lessons-command.ts';
import { loadLessons } from '../../../src/core/lessons/index.ts';
import { runLessons } from './cli-io.ts';
import { readTree } from './helpers.ts';

describe('the shipped lessons', () => {
  it('pass lessons check', async () => {
    const { status, stdout } = await runLessons(['check', 'lessons']);
    expect(stdout).not.toContain('FAIL');
    expect(status).toBe(0);
  }, 120_000);

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
