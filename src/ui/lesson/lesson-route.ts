// Deep links: the page's hash names what the left pane shows, so a link can open a lesson
// at a step ("#/lesson/03-trap-and-emulate/step/2", steps counted from 1). Share links
// ("#code=...") are the workspace's and read as the lesson list here.

export type LessonRoute =
  | { view: 'list' }
  | { view: 'sandbox' }
  /** The end of the course: what the learner did and where to go next. */
  | { view: 'complete' }
  | { view: 'lesson'; lesson: string; step: number };

export function parseRoute(hash: string): LessonRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').map(safeDecode);
  if (parts[0] === 'sandbox') return { view: 'sandbox' };
  if (parts[0] === 'complete') return { view: 'complete' };
  if (parts[0] === 'lesson' && parts[1]) {
    const n = parts[2] === 'step' ? Number(parts[3]) : 1;
    return { view: 'lesson', lesson: parts[1], step: Number.isInteger(n) && n >= 1 ? n : 1 };
  }
  return { view: 'list' };
}

export function routeHash(route: LessonRoute): string {
  if (route.view === 'sandbox') return '#/sandbox';
  if (route.view === 'complete') return '#/complete';
  if (route.view === 'lesson') return `#/lesson/${encodeURIComponent(route.lesson)}/step/${route.step}`;
  return '#/lessons';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
