// The learner's lesson progress as saved in localStorage: which steps passed, how many
// hints were opened, and the learner's files from before the last reset to starter.
// parseProgress rejects anything it cannot trust, so the caller can back it up and start
// fresh instead of acting on garbage.

export const PROGRESS_VERSION = 1;

export interface LessonProgress {
  /** Ids of the steps that have passed a Check (they stay passed). */
  passed: string[];
  /** Hints shown, by step id. */
  hints: Record<string, number>;
  /** The learner's files (by lesson file name) as they were before "Reset to starter". */
  backup?: Record<string, string>;
}

export interface ProgressData {
  version: typeof PROGRESS_VERSION;
  lessons: Record<string, LessonProgress>;
}

export class ProgressFormatError extends Error {}

export function emptyProgress(): ProgressData {
  return { version: PROGRESS_VERSION, lessons: {} };
}

export function parseProgress(text: string): ProgressData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProgressFormatError('it is not valid JSON');
  }
  if (!isRecord(data)) throw new ProgressFormatError('it is not an object');
  if (data['version'] !== PROGRESS_VERSION) throw new ProgressFormatError(`unknown version ${JSON.stringify(data['version'])}`);
  const lessons = data['lessons'];
  if (!isRecord(lessons)) throw new ProgressFormatError('"lessons" is not an object');
  const entries = Object.entries(lessons);
  if (entries.length > MAX_LESSONS) throw new ProgressFormatError(`it holds ${entries.length} lessons, more than ${MAX_LESSONS}`);
  // fromEntries defines keys, so a lesson id like "__proto__" cannot replace a prototype;
  // such ids are refused anyway (no lesson has one).
  return { version: PROGRESS_VERSION, lessons: Object.fromEntries(entries.map(([id, value]) => [safeKey(id, 'a lesson id'), parseLesson(id, value)])) };
}

function parseLesson(id: string, value: unknown): LessonProgress {
  const bad = (why: string) => new ProgressFormatError(`lesson "${id}": ${why}`);
  if (!isRecord(value)) throw bad('not an object');
  const passed = value['passed'];
  if (!Array.isArray(passed) || !passed.every((s) => typeof s === 'string')) throw bad('"passed" is not a list of step ids');
  const hints = value['hints'] ?? {};
  if (!isRecord(hints) || !Object.values(hints).every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1000)) throw bad('"hints" is not a map of counts');
  for (const key of [...Object.keys(hints), ...Object.keys(isRecord(value['backup']) ? value['backup'] : {})]) safeKey(key, `a key of lesson "${id}"`);
  const backup = value['backup'];
  if (backup !== undefined && !(isRecord(backup) && Object.values(backup).every((t) => typeof t === 'string'))) throw bad('"backup" is not a map of files');
  return { passed: [...new Set(passed as string[])], hints: hints as Record<string, number>, ...(backup ? { backup: backup as Record<string, string> } : {}) };
}

/** More lessons than any course has: a bigger record is not progress. */
const MAX_LESSONS = 10_000;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function safeKey(key: string, what: string): string {
  if (UNSAFE_KEYS.has(key)) throw new ProgressFormatError(`${what} may not be "${key}"`);
  return key;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
