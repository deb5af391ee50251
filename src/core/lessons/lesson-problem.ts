// A problem found in a lesson file, pointing at the file, line and field an author must fix.

export interface LessonProblem {
  /** Path as given to the loader, e.g. "lessons/01-the-machine/lesson.md". */
  file: string;
  /** 1-based; 1 when the problem is not tied to a line (e.g. a missing file). */
  line: number;
  /** Dotted field path, e.g. "steps[1].checks[0].max"; "" for the file as a whole. */
  field: string;
  message: string;
}

/** `FILE:LINE: field.path: message`, the format `lessons check` prints. */
export function formatLessonProblem(p: LessonProblem): string {
  const field = p.field === '' ? '' : `${p.field}: `;
  return `${p.file}:${p.line}: ${field}${p.message}`;
}

/** ["steps", 1, "checks", 0] -> "steps[1].checks[0]". */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
