// The lessons pane's state: the catalogue (from the lessons worker), where the pane is
// (the URL hash), the learner's progress (localStorage) and the last grading of each
// lesson. Grading and parsing happen in the worker; this class only moves data.
import type { Lesson, LessonEntry } from '../../core/lessons/index.ts';
import type { LessonReport, LessonsApi, ObserveHost } from '../../worker/lessons-api.ts';
import { parseRoute, routeHash, type LessonRoute } from '../lesson/lesson-route.ts';
import { emptyProgress, parseProgress, ProgressFormatError, type LessonProgress, type ProgressData } from '../lesson/progress-format.ts';
import { learnerFiles, openLessonFiles, resetToStarter, writeFiles, type LessonWorkspace } from '../lesson/lesson-workspace.ts';

export const PROGRESS_KEY = 'trapdoor.lessons.v1';
export const PROGRESS_BACKUP_PREFIX = 'trapdoor.lessons.unreadable.';

export interface LessonsDeps {
  /** The grader (the lessons worker in the page, a LessonService in tests). */
  api: () => LessonsApi;
  /** The bundled lesson files; `watch` receives new ones on a hot update. */
  files: () => Promise<{ files: Record<string, string>; watch(fn: (files: Record<string, string>) => void): void }>;
  storage: Storage | null;
}

export class Lessons {
  entries: LessonEntry[] = $state.raw([]);
  loading = $state(true);
  loadError: string | null = $state(null);
  route: LessonRoute = $state({ view: 'list' });
  progress: ProgressData = $state(emptyProgress());
  /** The latest grading of each lesson (by id), this session. */
  reports: Record<string, LessonReport> = $state({});
  checking = $state(false);
  notice: string | null = $state(null);
  /** Lesson folders the author opened from disk this session (path -> text). */
  previewCount = $state(0);

  /** The terminal's host, which containers-mode lessons are graded on (when the page has one). */
  observeHost: ObserveHost | null = null;

  private api: LessonsApi | null = null;
  private bundled: Record<string, string> = {};
  private preview: Record<string, string> = {};
  private opened: string | null = null;

  constructor(private readonly deps: LessonsDeps) {
    this.progress = this.restore();
  }

  async start(): Promise<void> {
    if (this.api) return; // the pane was shown again: the catalogue is already here
    try {
      this.api = this.deps.api();
      const bundle = await this.deps.files();
      this.bundled = bundle.files;
      bundle.watch((files) => {
        this.bundled = files;
        void this.reload();
      });
      await this.reload();
    } catch (e) {
      this.loadError = `The lessons could not be loaded: ${String(e)}`;
    } finally {
      this.loading = false;
    }
  }

  /** Parses bundled + previewed lessons again; the learner's files are not touched. */
  async reload(): Promise<void> {
    if (!this.api) return;
    // A previewed folder replaces the bundled lesson of the same folder name.
    const previewFolders = lessonFolders(this.preview);
    const bundled = Object.entries(this.bundled).filter(([p]) => !previewFolders.has(p.split('/')[1] ?? ''));
    const catalogue = await this.api.load({ ...Object.fromEntries(bundled), ...this.preview });
    this.entries = catalogue.entries;
  }

  /** Lesson folders from the author's disk (paths relative to the chosen folder). */
  async previewFiles(files: { path: string; text: string }[]): Promise<void> {
    for (const f of files) this.preview[`preview/${f.path}`] = f.text;
    this.previewCount = lessonFolders(this.preview).size;
    await this.reload();
  }

  get lessons(): Lesson[] {
    return this.entries.flatMap((e) => (e.ok ? [e.lesson] : []));
  }

  /** The entry the route names, by folder or lesson id. */
  get currentEntry(): LessonEntry | null {
    const r = this.route;
    if (r.view !== 'lesson') return null;
    return this.entries.find((e) => e.folder === r.lesson || (e.ok && e.lesson.id === r.lesson)) ?? null;
  }

  get current(): Lesson | null {
    const e = this.currentEntry;
    return e?.ok ? e.lesson : null;
  }

  /** 0-based index of the step on screen, clamped to the lesson. */
  get stepIndex(): number {
    const lesson = this.current;
    if (!lesson || this.route.view !== 'lesson') return 0;
    return Math.min(Math.max(this.route.step - 1, 0), lesson.steps.length - 1);
  }

  syncFromHash(hash: string): void {
    this.route = parseRoute(hash);
  }

  go(route: LessonRoute): void {
    this.route = route;
    if (typeof location !== 'undefined' && location.hash !== routeHash(route)) location.hash = routeHash(route);
  }

  /** Puts the lesson's files in the editor once per visit (not again on a hot reload). */
  openInWorkspace(ws: LessonWorkspace): Lesson | null {
    const lesson = this.current;
    if (!lesson || this.opened === lesson.id) return null;
    this.opened = lesson.id;
    openLessonFiles(ws, lesson);
    return lesson;
  }

  leave(): void {
    this.opened = null;
  }

  progressOf(lessonId: string): LessonProgress {
    return this.progress.lessons[lessonId] ?? { passed: [], hints: {} };
  }

  /** Steps that passed a Check, now or in an earlier visit. */
  passedCount(lesson: Lesson): number {
    const passed = new Set(this.progressOf(lesson.id).passed);
    return lesson.steps.filter((s) => passed.has(s.id)).length;
  }

  async check(ws: LessonWorkspace): Promise<LessonReport | null> {
    const lesson = this.current;
    if (!lesson || !this.api || this.checking) return null;
    this.checking = true;
    try {
      const observe = lesson.machine.mode === 'containers' ? this.observeHost ?? undefined : undefined;
      const report = await this.api.grade(lesson.id, learnerFiles(ws, lesson), observe);
      this.reports[lesson.id] = report;
      const p = this.editProgress(lesson.id);
      for (const s of report.steps) if (s.passed && !p.passed.includes(s.stepId)) p.passed.push(s.stepId);
      this.save();
      return report;
    } catch (e) {
      this.notice = `Checking failed: ${String(e)}`;
      return null;
    } finally {
      this.checking = false;
    }
  }

  /**
   * Merges lesson progress from an exported workspace file (its "progress" field):
   * passed steps join, hint counts keep the larger. Returns how many lessons it named,
   * or null when the file has no progress; throws ProgressFormatError when it is bad.
   */
  importProgress(exported: unknown): number | null {
    const raw = (exported as { progress?: unknown } | null)?.progress;
    if (raw === undefined) return null;
    const incoming = parseProgress(JSON.stringify(raw));
    for (const [id, p] of Object.entries(incoming.lessons)) {
      const mine = this.editProgress(id);
      for (const s of p.passed) if (!mine.passed.includes(s)) mine.passed.push(s);
      for (const [step, n] of Object.entries(p.hints)) mine.hints[step] = Math.max(mine.hints[step] ?? 0, n);
    }
    this.save();
    return Object.keys(incoming.lessons).length;
  }

  showHint(lessonId: string, stepId: string, total: number): void {
    const p = this.editProgress(lessonId);
    p.hints[stepId] = Math.min((p.hints[stepId] ?? 0) + 1, total);
    this.save();
  }

  resetToStarter(ws: LessonWorkspace): void {
    const lesson = this.current;
    if (!lesson) return;
    const backup = resetToStarter(ws, lesson);
    this.editProgress(lesson.id).backup = backup;
    delete this.reports[lesson.id];
    this.save();
  }

  restoreBackup(ws: LessonWorkspace): void {
    const lesson = this.current;
    const backup = lesson ? this.progressOf(lesson.id).backup : undefined;
    if (!lesson || !backup) return;
    const current = learnerFiles(ws, lesson);
    writeFiles(ws, lesson, backup);
    // The starter (or whatever was there) becomes the backup, so restoring is undoable too.
    this.editProgress(lesson.id).backup = Object.fromEntries(Object.keys(backup).map((k) => [k, current[k] ?? '']));
    delete this.reports[lesson.id];
    this.save();
  }

  private editProgress(lessonId: string): LessonProgress {
    this.progress.lessons[lessonId] ??= { passed: [], hints: {} };
    return this.progress.lessons[lessonId];
  }

  private restore(): ProgressData {
    let raw: string | null = null;
    try {
      raw = this.deps.storage?.getItem(PROGRESS_KEY) ?? null;
    } catch { /* storage disabled: start fresh */ }
    if (raw === null) return emptyProgress();
    try {
      return parseProgress(raw);
    } catch (e) {
      const why = e instanceof ProgressFormatError ? e.message : String(e);
      const key = `${PROGRESS_BACKUP_PREFIX}${Date.now()}`;
      let kept = false;
      try {
        this.deps.storage?.setItem(key, raw);
        kept = this.deps.storage !== null;
      } catch { /* full: say so below */ }
      this.notice = kept
        ? `Your lesson progress could not be read (${why}). It was kept under "${key}" in this browser's storage; progress starts afresh.`
        : `Your lesson progress could not be read (${why}) nor backed up; progress starts afresh.`;
      return emptyProgress();
    }
  }

  private save(): void {
    try {
      this.deps.storage?.setItem(PROGRESS_KEY, JSON.stringify(this.progress));
    } catch {
      this.notice = 'Your browser refused to save lesson progress (storage full or disabled).';
    }
  }
}

/** Names of the folders that hold a lesson.md ("…/01-x/lesson.md" -> "01-x"). */
function lessonFolders(files: Record<string, string>): Set<string> {
  const names = Object.keys(files).filter((p) => p.endsWith('/lesson.md')).map((p) => p.split('/').at(-2) ?? '');
  return new Set(names);
}
