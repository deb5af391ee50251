// The page's interface to lessons: parsing, validation and grading run here, in a worker,
// with the same engine the CLI uses (core/lessons over the machine runner). The page sends
// the lesson files and the learner's files and gets plain data back, so a learner's
// program never runs on the main thread and no code from a lesson file runs at all.

import {
  createCheckContext, evaluateFigure, evaluateStep, loadLessons, stepPassed,
  type CheckResult, type FigureValue, type Lesson, type LessonCatalogue, type Runner,
} from '../core/lessons/index.ts';
import { createMachineRunner } from '../core/lessons/machine-runner.ts';
import type { RunOutcome } from '../core/lessons/runner-port.ts';

/** The terminal's host as checks see it, after running the checks' commands on it. */
export type ObserveHost = (commands: string[]) => Promise<RunOutcome>;

export type { CheckResult, FigureValue, LessonCatalogue };

/** One step's verdict after a Check. */
export interface StepReport {
  stepId: string;
  passed: boolean;
  results: CheckResult[];
}

/** Every step of a lesson graded on one set of runs, plus the lesson's figure. */
export interface LessonReport {
  lessonId: string;
  steps: StepReport[];
  /** Absent when the lesson has none or its run did not finish. */
  figure?: FigureValue;
  /** What the checks looked at, in words ("the terminal's host: …"). */
  lookedAt: string;
}

export interface LessonsApi {
  /** Parses every lesson (path -> text); broken ones come back as error entries. */
  load(files: Record<string, string>): Promise<LessonCatalogue>;
  /**
   * Grades every step of a loaded lesson on the learner's files (by lesson file name).
   * With `observe`, a containers-mode lesson is graded on the terminal's host (what the
   * learner did there) instead of replaying the script on a fresh one.
   */
  grade(lessonId: string, files: Record<string, string>, observe?: ObserveHost): Promise<LessonReport>;
}

export class LessonService implements LessonsApi {
  private lessons = new Map<string, Lesson>();

  constructor(private readonly runner: Runner = createMachineRunner()) {}

  async load(files: Record<string, string>): Promise<LessonCatalogue> {
    const catalogue = loadLessons(files);
    this.lessons = new Map(catalogue.lessons.map((l) => [l.id, l]));
    return catalogue;
  }

  async grade(lessonId: string, files: Record<string, string>, observe?: ObserveHost): Promise<LessonReport> {
    const lesson = this.lessons.get(lessonId);
    if (!lesson) throw new Error(`no loaded lesson with id "${lessonId}"`);
    // Read-only files are the lesson's own: the learner's copy never counts.
    const learner = Object.fromEntries(lesson.files.filter((f) => !f.readonly && files[f.name] !== undefined).map((f) => [f.name, files[f.name]!]));
    // One context for all steps: each run is made once and every step reads it.
    let lookedAt = `your files (${Object.keys(learner).join(', ')}), run afresh`;
    let runner = this.runner;
    if (observe && lesson.machine.mode === 'containers') {
      runner = {
        run: async (request) => {
          if (request.mode !== 'containers') return this.runner.run(request);
          const outcome = await observe(request.shellCommands);
          const containers = outcome.status === 'ran' ? outcome.kernel?.containers.length ?? 0 : 0;
          const commands = request.shellCommands.length ? `, and ran ${request.shellCommands.map((c) => `\`${c}\``).join(', ')} there` : '';
          lookedAt = `the terminal's host: what it printed since it started, its ${containers} container(s)${commands}`;
          return outcome;
        },
      };
    }
    const context = createCheckContext({ lesson, files: learner, runner });
    const steps: StepReport[] = [];
    for (const step of lesson.steps) {
      const results = await evaluateStep(step, context);
      steps.push({ stepId: step.id, passed: stepPassed(results), results });
    }
    const figure = await evaluateFigure(context);
    return { lessonId, steps, lookedAt, ...(figure ? { figure } : {}) };
  }
}
