// The lessons pane's pure parts: saved progress, deep-link routes, and how a lesson's
// files live in the learner's workspace.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyProgress, parseProgress, ProgressFormatError, type ProgressData } from '../../../src/ui/lesson/progress-format.ts';
import { parseRoute, routeHash, type LessonRoute } from '../../../src/ui/lesson/lesson-route.ts';
import { isLocalUrl } from '../../../src/ui/lesson/markdown-render.ts';
import { learnerFiles, openLessonFiles, resetToStarter, workspaceName, type LessonWorkspace } from '../../../src/ui/lesson/lesson-workspace.ts';
import type { Lesson } from '../../../src/core/lessons/index.ts';

/** Keys a saved record may have: any text but the names of prototype slots (refused). */
const key = (min = 0) => fc.string({ minLength: min }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
const progressArb: fc.Arbitrary<ProgressData> = fc.record({
  version: fc.constant(1 as const),
  lessons: fc.dictionary(key(1), fc.record({
    passed: fc.uniqueArray(fc.string()),
    hints: fc.dictionary(key(), fc.nat(5)),
    backup: fc.option(fc.dictionary(key(), fc.string()), { nil: undefined }),
  }, { requiredKeys: ['passed', 'hints'] })),
});

describe('saved progress', () => {
  it('reads back what was written', () => {
    fc.assert(fc.property(progressArb, (p) => {
      expect(parseProgress(JSON.stringify(p))).toEqual(JSON.parse(JSON.stringify(p)));
    }));
  });

  it('rejects what it cannot trust, saying why', () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[]', /not an object/],
      ['{"version":2,"lessons":{}}', /unknown version 2/],
      ['{"version":1}', /"lessons"/],
      ['{"version":1,"lessons":{"a":{"passed":"all"}}}', /lesson "a": "passed"/],
      ['{"version":1,"lessons":{"a":{"passed":[],"hints":{"s":-1}}}}', /"hints"/],
      ['{"version":1,"lessons":{"a":{"passed":[],"hints":{},"backup":{"f":3}}}}', /"backup"/],
    ];
    for (const [text, why] of cases) expect(() => parseProgress(text)).toThrow(why);
    expect(() => parseProgress('{}')).toThrow(ProgressFormatError);
  });

  it('never throws anything but a ProgressFormatError on arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      try {
        parseProgress(text);
      } catch (e) {
        expect(e).toBeInstanceOf(ProgressFormatError);
      }
    }));
  });

  it('starts empty', () => {
    expect(emptyProgress()).toEqual({ version: 1, lessons: {} });
  });
});

describe('deep links', () => {
  it('opens a lesson at a step, counted from 1', () => {
    expect(parseRoute('#/lesson/03-trap-and-emulate/step/2')).toEqual({ view: 'lesson', lesson: '03-trap-and-emulate', step: 2 });
    expect(parseRoute('#/lesson/the-machine')).toEqual({ view: 'lesson', lesson: 'the-machine', step: 1 });
    expect(parseRoute('#/lesson/x/step/0')).toEqual({ view: 'lesson', lesson: 'x', step: 1 });
    expect(parseRoute('#/lesson/x/step/abc')).toEqual({ view: 'lesson', lesson: 'x', step: 1 });
    expect(parseRoute('#/sandbox')).toEqual({ view: 'sandbox' });
    expect(parseRoute('')).toEqual({ view: 'list' });
    expect(parseRoute('#code=abc')).toEqual({ view: 'list' });
    expect(parseRoute('#/lesson/%E0%A4%A')).toMatchObject({ view: 'lesson' });
  });

  it('reads back every route it writes', () => {
    const route: fc.Arbitrary<LessonRoute> = fc.oneof(
      fc.constant({ view: 'list' } as const),
      fc.constant({ view: 'sandbox' } as const),
      fc.record({ view: fc.constant('lesson' as const), lesson: fc.string({ minLength: 1 }), step: fc.integer({ min: 1, max: 99 }) }),
    );
    fc.assert(fc.property(route, (r) => {
      expect(parseRoute(routeHash(r))).toEqual(r);
    }));
  });
});

function lessonWith(files: Lesson['files']): Lesson {
  return { id: 'demo', files } as unknown as Lesson;
}

function workspace(files: { name: string; content: string }[] = []): LessonWorkspace & { selected: string | null; saves: number } {
  return {
    files, selected: null, saves: 0,
    select(name) { this.selected = name; },
    scheduleSave() { this.saves++; },
  };
}

describe('a lesson in the workspace', () => {
  const lesson = lessonWith([
    { name: 'main.s', starter: 'start', solution: 'done', readonly: false, starterPath: 's' },
    { name: 'ref.s', starter: 'reference', readonly: true, starterPath: 'r' },
  ]);

  it('adds starters once and never overwrites the learner’s work, except read-only files', () => {
    const ws = workspace([{ name: 'demo/main.s', content: 'mine' }, { name: 'demo/ref.s', content: 'tampered' }]);
    openLessonFiles(ws, lesson);
    expect(ws.files).toEqual([{ name: 'demo/main.s', content: 'mine' }, { name: 'demo/ref.s', content: 'reference' }]);
    expect(ws.selected).toBe('demo/main.s');
    const fresh = workspace([{ name: 'hello.s', content: 'x' }]);
    openLessonFiles(fresh, lesson);
    expect(fresh.files.map((f) => f.name)).toEqual(['hello.s', workspaceName(lesson, 'main.s'), workspaceName(lesson, 'ref.s')]);
    expect(learnerFiles(fresh, lesson)).toEqual({ 'main.s': 'start', 'ref.s': 'reference' });
  });

  it('resets to the starter and hands back the learner’s version', () => {
    const ws = workspace([{ name: 'demo/main.s', content: 'mine' }]);
    const backup = resetToStarter(ws, lesson);
    expect(backup).toEqual({ 'main.s': 'mine' });
    expect(learnerFiles(ws, lesson)['main.s']).toBe('start');
    expect(ws.saves).toBeGreaterThan(0);
  });
});

describe('which image URLs a lesson may load (no remote fetches, e.g. tracking pixels)', () => {
  it.each(['pic.png', './img/a.png', '/lessons/01/a.png', 'data:image/gif;base64,R0lGOD', '#x'])('%s is local', (u) => {
    expect(isLocalUrl(u)).toBe(true);
  });
  it.each(['https://tracker.example/p.gif', 'http://x/y', '//tracker.example/p.gif', '\\\\tracker.example\\p', '/\\tracker.example/p',
    ' HTTPS://x', 'ht\ttps://x', 'data:text/html,<b>', 'javascript:alert(1)', 'file:///etc/passwd'])('%s is remote', (u) => {
    expect(isLocalUrl(u)).toBe(false);
  });
});

describe('saved progress with hostile keys', () => {
  it.each([
    '{"version":1,"lessons":{"__proto__":{"passed":["x"],"hints":{}}}}',
    '{"version":1,"lessons":{"a":{"passed":[],"hints":{"__proto__":1}}}}',
    '{"version":1,"lessons":{"a":{"passed":[],"hints":{},"backup":{"constructor":"x"}}}}',
    '{"version":1,"lessons":{"a":{"passed":[],"hints":{"s":1e308}}}}',
  ])('%s is refused, and no prototype changes', (text) => {
    expect(() => parseProgress(text)).toThrow(ProgressFormatError);
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
  });
});
