// The lessons pane's state over the real grader (the worker's LessonService, in-process)
// and the shipped lessons: progress is saved and recovered, Check grades the learner's
// files, a hot update keeps the learner's work, a previewed folder replaces its namesake.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lessons, PROGRESS_BACKUP_PREFIX, PROGRESS_KEY } from '../../../src/ui/state/lessons.svelte.ts';
import { LessonService } from '../../../src/worker/lessons-api.ts';
import type { LessonWorkspace } from '../../../src/ui/lesson/lesson-workspace.ts';

const root = resolve(import.meta.dirname, '../../..');

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

class MemoryStorage {
  map = new Map<string, string>();
  get length() { return this.map.size; }
  key(i: number) { return [...this.map.keys()][i] ?? null; }
  getItem(k: string) { return this.map.get(k) ?? null; }
  setItem(k: string, v: string) { this.map.set(k, v); }
  removeItem(k: string) { this.map.delete(k); }
  clear() { this.map.clear(); }
}

function workspace(): LessonWorkspace & { active: string } {
  return { files: [], active: '', select(name) { this.active = name; }, scheduleSave() {} };
}

const shipped = readTree(join(root, 'lessons'));

async function started(storage = new MemoryStorage()) {
  let watcher: ((files: Record<string, string>) => void) | null = null;
  const lessons = new Lessons({
    api: () => new LessonService(),
    files: async () => ({ files: shipped, watch: (fn) => { watcher = fn; } }),
    storage: storage as unknown as Storage,
  });
  await lessons.start();
  return { lessons, storage, hot: (files: Record<string, string>) => watcher?.(files) };
}

describe('the lessons state', () => {
  it('loads every shipped lesson folder', async () => {
    const { lessons } = await started();
    const folders = new Set(Object.keys(shipped).filter((p) => p.endsWith('/lesson.md')).map((p) => p.split('/')[1]));
    expect(lessons.entries.map((e) => e.folder).sort()).toEqual([...folders].sort());
    expect(lessons.loadError).toBeNull();
  });

  it('grades the starter as failing and the solution as passing, and keeps the progress', async () => {
    const { lessons, storage } = await started();
    lessons.syncFromHash('#/lesson/01-the-machine/step/2');
    expect(lessons.current?.id).toBe('the-machine');
    expect(lessons.stepIndex).toBe(1);
    const ws = workspace();
    const lesson = lessons.openInWorkspace(ws)!;
    expect(ws.active).toBe('the-machine/main.s');

    const before = await lessons.check(ws);
    expect(before?.steps.map((s) => s.passed)).toEqual(lesson.steps.map((s) => !s.starterFails));
    expect(lessons.passedCount(lesson)).toBe(lesson.steps.filter((s) => !s.starterFails).length);

    ws.files.find((f) => f.name === 'the-machine/main.s')!.content = lesson.files[0]!.solution!;
    const after = await lessons.check(ws);
    expect(after?.steps.every((s) => s.passed)).toBe(true);
    expect(after?.figure?.value).toBeGreaterThan(0);
    const saved = JSON.parse(storage.getItem(PROGRESS_KEY)!);
    expect(saved.lessons['the-machine'].passed.sort()).toEqual(lesson.steps.map((s) => s.id).sort());

    // A new page with the same storage shows the same progress.
    const again = await started(storage);
    expect(again.lessons.passedCount(again.lessons.lessons[0]!)).toBe(lesson.steps.length);
  });

  it('recovers from unreadable progress with a notice and keeps the raw text', async () => {
    const storage = new MemoryStorage();
    storage.setItem(PROGRESS_KEY, '{"version":1,"lessons":{"a":{"passed":3}}}');
    const { lessons } = await started(storage);
    expect(lessons.notice).toMatch(/could not be read \(lesson "a": "passed"/);
    const backups = [...storage.map.keys()].filter((k) => k.startsWith(PROGRESS_BACKUP_PREFIX));
    expect(backups.map((k) => storage.getItem(k))).toEqual(['{"version":1,"lessons":{"a":{"passed":3}}}']);
    expect(lessons.progress.lessons).toEqual({});
  });

  it('takes a hot update without touching the learner’s files or reopening the lesson', async () => {
    const { lessons, hot } = await started();
    lessons.syncFromHash('#/lesson/01-the-machine');
    const ws = workspace();
    lessons.openInWorkspace(ws);
    ws.files[0]!.content = 'my work';
    const edited = { ...shipped, 'lessons/01-the-machine/lesson.md': shipped['lessons/01-the-machine/lesson.md']!.replace('title: The machine and its console', 'title: The machine, edited') };
    hot(edited);
    await expect.poll(() => lessons.current?.title).toBe('The machine, edited');
    expect(lessons.openInWorkspace(ws)).toBeNull();
    expect(ws.files[0]!.content).toBe('my work');
  });

  it('lets a previewed folder replace its namesake; a broken one is an error entry beside working lessons', async () => {
    const { lessons } = await started();
    const shippedCount = lessons.lessons.length;
    const fixtures = readTree(join(root, 'tests/fixtures/ui-lessons/98-broken-field'));
    const md = shipped['lessons/01-the-machine/lesson.md']!.replace('title: The machine and its console', 'title: Previewed');
    await lessons.previewFiles([
      { path: '01-the-machine/lesson.md', text: md },
      { path: '01-the-machine/starter.s', text: shipped['lessons/01-the-machine/starter.s']! },
      { path: '01-the-machine/solution.s', text: shipped['lessons/01-the-machine/solution.s']! },
      ...Object.entries(fixtures).map(([path, text]) => ({ path: path.replace('tests/fixtures/ui-lessons/', ''), text })),
    ]);
    expect(lessons.previewCount).toBe(2);
    expect(lessons.entries.filter((e) => e.folder === '01-the-machine')).toHaveLength(1);
    expect(lessons.lessons[0]!.title).toBe('Previewed');
    const broken = lessons.entries.find((e) => e.folder === '98-broken-field')!;
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]).toMatchObject({ file: 'preview/98-broken-field/lesson.md', field: 'level' });
    expect(lessons.lessons.length).toBe(shippedCount);
  });

  it('resets to starter keeping the learner’s version, and restores it', async () => {
    const { lessons } = await started();
    lessons.syncFromHash('#/lesson/the-machine');
    const ws = workspace();
    const lesson = lessons.openInWorkspace(ws)!;
    ws.files[0]!.content = 'my attempt';
    lessons.resetToStarter(ws);
    expect(ws.files[0]!.content).toBe(lesson.files[0]!.starter);
    expect(lessons.progressOf(lesson.id).backup).toEqual({ 'main.s': 'my attempt' });
    lessons.restoreBackup(ws);
    expect(ws.files[0]!.content).toBe('my attempt');
  });
});
