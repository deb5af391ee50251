// Proves a lesson solvable: its solution passes every step, and its starter fails each
// step the lesson says it should (so a student never starts with a step already done).

import type { CheckResult } from './check.ts';
import type { Lesson } from './lesson.ts';
import type { LessonProblem } from './lesson-problem.ts';
import type { Runner } from './runner-port.ts';
import { createCheckContext, evaluateFigure, evaluateStep, stepPassed, type FigureValue } from './step-engine.ts';

export interface LessonVerification {
  lesson: Lesson;
  problems: LessonProblem[];
  figure?: FigureValue;
}

export function solutionFiles(lesson: Lesson): Record<string, string> {
  return Object.fromEntries(lesson.files.map((f) => [f.name, f.solution ?? f.starter]));
}

export function starterFiles(lesson: Lesson): Record<string, string> {
  return Object.fromEntries(lesson.files.map((f) => [f.name, f.starter]));
}

export async function verifyLesson(lesson: Lesson, runner: Runner): Promise<LessonVerification> {
  const problems: LessonProblem[] = [];
  const solution = createCheckContext({ lesson, files: solutionFiles(lesson), runner });
  for (const [s, step] of lesson.steps.entries()) {
    const results = await evaluateStep(step, solution);
    for (const r of results.filter((x) => x.status !== 'pass')) {
      problems.push(problemAt(lesson, s, r, `the solution does not pass: ${describe(r)}`));
    }
  }
  const starter = createCheckContext({ lesson, files: starterFiles(lesson), runner });
  let starterPassesAll = true;
  for (const [s, step] of lesson.steps.entries()) {
    const results = await evaluateStep(step, starter);
    const passed = stepPassed(results);
    starterPassesAll &&= passed;
    if (step.starterFails && (passed || results.some((r) => r.status === 'unavailable'))) {
      const why = passed ? 'the starter already passes it' : `the starter cannot be graded: ${describe(results.find((r) => r.status === 'unavailable') as CheckResult)}`;
      problems.push({ file: lesson.source.path, line: lineOf(lesson, `steps[${s}]`), field: `steps[${s}].starterFails`, message: why });
    }
  }
  if (starterPassesAll && !lesson.steps.some((s) => s.starterFails)) {
    problems.push({ file: lesson.source.path, line: lineOf(lesson, 'steps[0]'), field: 'steps', message: 'the starter passes every step: mark the steps the student must do with starterFails: true' });
  }
  const figure = problems.length === 0 ? await evaluateFigure(solution) : undefined;
  return { lesson, problems, figure };
}

function describe(r: CheckResult): string {
  const detail = r.detail === '' ? '' : ` (${r.detail})`;
  return `${r.kind} check: ${r.message}${detail}`;
}

function problemAt(lesson: Lesson, step: number, r: CheckResult, message: string): LessonProblem {
  const field = `steps[${step}].checks[${r.index}]`;
  return { file: lesson.source.path, line: lineOf(lesson, field), field, message };
}

function lineOf(lesson: Lesson, field: string): number {
  return lesson.source.lines[field] ?? 1;
}
