import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLessonProblem, lessonTemplate, loadLessons } from '../../../src/core/lessons/index.ts';
import { runLessons } from './cli-io.ts';

function tree(folder: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`lessons/${folder}/${k}`, v]));
}

describe('loadLessons', () => {
  it('loads from an in-memory map in number order, keeping broken lessons as error entries', () => {
    const files = new Map(Object.entries({
      ...tree('10-later', lessonTemplate('10-later')),
      ...tree('02-broken', { ...lessonTemplate('02-broken'), 'lesson.md': lessonTemplate('x')['lesson.md']!.replace('level: beginner', 'level: expert') }),
      ...tree('01-first', lessonTemplate('01-first')),
    }));
    const cat = loadLessons(files);
    expect(cat.entries.map((e) => e.folder)).toEqual(['01-first', '02-broken', '10-later']);
    expect(cat.lessons.map((l) => l.id)).toEqual(['first', 'later']);
    const broken = cat.entries[1]!;
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.title).toBe('X');
      expect(broken.problems.map(formatLessonProblem)).toEqual([
        'lessons/02-broken/lesson.md:5: level: must be one of: beginner, intermediate, advanced',
      ]);
    }
  });

  it('gives the lesson its files, runs, steps and where each step is written', () => {
    const lesson = loadLessons(tree('01-first', lessonTemplate('01-first'))).lessons[0]!;
    expect(lesson.files[0]).toMatchObject({ name: 'main.s', readonly: false, starterPath: 'lessons/01-first/starter.s' });
    expect(lesson.files[0]!.solution).toContain('lbu');
    expect(lesson.runs).toEqual({ main: { file: 'main.s', mode: 'bare' } });
    expect(lesson.steps[0]).toMatchObject({ id: 'greet', starterFails: true });
    expect(lesson.source.lines['steps[0]']).toBe(15);
    expect(lesson.body).toContain('Write the introduction');
  });
});

describe('trapdoor lessons new', () => {
  it('writes a template that passes lessons check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
    try {
      expect((await runLessons(['new', 'cache-lines', '--dir', dir])).status).toBe(0);
      expect((await runLessons(['new', 'tlb', '--dir', dir])).stdout).toContain('02-tlb');
      const check = await runLessons(['check', dir]);
      expect(check.stdout).toContain('ok   01-cache-lines  Cache Lines');
      expect(check.status).toBe(0);
      await expect(runLessons(['new', 'Bad Slug', '--dir', dir])).rejects.toThrow(/SLUG/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a YAML "billion laughs" lesson', () => {
  it('is reported by name and field, and the other lessons still load', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = lessonTemplate('01-laughs')['lesson.md']!.replace('---\n', `---\n${levels.join('\n')}\n`);
    const cat = loadLessons({ ...tree('01-laughs', { ...lessonTemplate('01-laughs'), 'lesson.md': bomb }), ...tree('02-fine', lessonTemplate('02-fine')) });
    expect(cat.lessons.map((l) => l.id)).toEqual(['fine']);
    const broken = cat.entries[0]!;
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.problems.map(formatLessonProblem)).toEqual([
        'lessons/01-laughs/lesson.md:3: b[0]: YAML: Excessive alias count indicates a resource exhaustion attack (aliases may expand to at most 100 nodes each)',
      ]);
    }
  });
});
