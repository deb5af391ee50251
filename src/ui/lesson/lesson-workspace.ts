// A lesson's files in the learner's workspace. Each lesson file lives in the editor as
// "<lesson id>/<file name>", so every lesson keeps its own copy of main.s, saved with
// the rest of the workspace, and opening a lesson again finds the learner's work there.
import type { Lesson } from '../../core/lessons/lesson.ts';
import type { WorkspaceFile } from '../state/workspace-format.ts';

/** The part of the Workspace a lesson needs (the class itself, or a test double). */
export interface LessonWorkspace {
  files: WorkspaceFile[];
  select(name: string): void;
  scheduleSave(): void;
}

export function workspaceName(lesson: Lesson, fileName: string): string {
  return `${lesson.id}/${fileName}`;
}

/** Adds the starter of every file the learner does not have yet and shows the first one. */
export function openLessonFiles(ws: LessonWorkspace, lesson: Lesson): void {
  for (const f of lesson.files) {
    const name = workspaceName(lesson, f.name);
    const existing = ws.files.find((x) => x.name === name);
    if (!existing) ws.files.push({ name, content: f.starter });
    else if (f.readonly && existing.content !== f.starter) existing.content = f.starter;
  }
  const first = lesson.files.find((f) => !f.readonly) ?? lesson.files[0];
  if (first) ws.select(workspaceName(lesson, first.name));
}

/** The learner's files by lesson file name (what the grader runs). */
export function learnerFiles(ws: LessonWorkspace, lesson: Lesson): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of lesson.files) {
    const file = ws.files.find((x) => x.name === workspaceName(lesson, f.name));
    out[f.name] = file?.content ?? f.starter;
  }
  return out;
}

/** Puts the starters back; returns the learner's editable files as they were, to keep. */
export function resetToStarter(ws: LessonWorkspace, lesson: Lesson): Record<string, string> {
  const before = learnerFiles(ws, lesson);
  const backup: Record<string, string> = {};
  for (const f of lesson.files) {
    if (f.readonly) continue;
    backup[f.name] = before[f.name] ?? f.starter;
  }
  writeFiles(ws, lesson, Object.fromEntries(lesson.files.map((f) => [f.name, f.starter])));
  return backup;
}

/** Writes files (by lesson file name) into the workspace, adding any that are missing. */
export function writeFiles(ws: LessonWorkspace, lesson: Lesson, files: Record<string, string>): void {
  for (const [fileName, content] of Object.entries(files)) {
    const name = workspaceName(lesson, fileName);
    const existing = ws.files.find((x) => x.name === name);
    if (existing) existing.content = content;
    else ws.files.push({ name, content });
  }
  ws.scheduleSave();
}
