// `lessons check` as a pure function: load every lesson from a file map, then prove each
// loaded one solvable with the given runner. The CLI prints the report; tests read it.

import type { LessonProblem } from './lesson-problem.ts';
import { loadLessons, type FileMap } from './lesson-loader.ts';
import { verifyLesson } from './lesson-verification.ts';
import type { Runner } from './runner-port.ts';
import type { FigureValue } from './step-engine.ts';

export interface LessonCheckLine {
  folder: string;
  title?: string;
  ok: boolean;
  problems: LessonProblem[];
  steps?: number;
  figure?: FigureValue;
}

export async function checkLessons(files: FileMap, runner: Runner): Promise<LessonCheckLine[]> {
  const catalogue = loadLessons(files);
  const lines: LessonCheckLine[] = [];
  for (const entry of catalogue.entries) {
    if (!entry.ok) {
      lines.push({ folder: entry.folder, title: entry.title, ok: false, problems: entry.problems });
      continue;
    }
    const v = await verifyLesson(entry.lesson, runner);
    lines.push({
      folder: entry.folder, title: entry.lesson.title, ok: v.problems.length === 0, problems: v.problems,
      steps: entry.lesson.steps.length, figure: v.figure,
    });
  }
  return lines;
}
