// Starts the lessons worker on first use and wraps it with comlink: the page holds a
// LessonsApi whose calls are messages, so grading never runs on the main thread.
import * as Comlink from 'comlink';
import type { LessonsApi } from '../../worker/lessons-api.ts';

export function startLessonsWorker(): LessonsApi {
  const worker = new Worker(new URL('../../worker/lessons.worker.ts', import.meta.url), { type: 'module', name: 'lessons' });
  return Comlink.wrap<LessonsApi>(worker) as unknown as LessonsApi;
}
