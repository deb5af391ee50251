// The lessons module's public API: load lessons from files, grade steps, prove lessons
// solvable, and find the custom Markdown blocks. Everything here is pure (no DOM, no Node).

export type * from './check.ts';
export { CHECK_KINDS, KERNEL_CHECK_KINDS } from './check.ts';
export type * from './lesson.ts';
export { LESSON_MODES } from './lesson.ts';
export { LESSON_SCHEMA } from './lesson-schema.ts';
export { formatLessonProblem, type LessonProblem } from './lesson-problem.ts';
export { LESSON_FILE, folderOrder, loadLesson, loadLessons, type FileMap, type LessonCatalogue, type LessonEntry } from './lesson-loader.ts';
export type * from './runner-port.ts';
export { unsupportedReason } from './runner-port.ts';
export type { RunRecord } from './check-evaluation.ts';
export {
  DEFAULT_MAX_INSTRUCTIONS, createCheckContext, evaluateFigure, evaluateStep, runRequest, stepPassed,
  type CheckContext, type CheckContextOptions, type FigureValue,
} from './step-engine.ts';
export { solutionFiles, starterFiles, verifyLesson, type LessonVerification } from './lesson-verification.ts';
export { splitMarkdownBlocks, type MarkdownBlock } from './markdown-blocks.ts';
export { lessonTemplate } from './lesson-template.ts';
export { compileSafeRegex } from './safe-regex.ts';
export { checkLessons, type LessonCheckLine } from './lessons-check.ts';
