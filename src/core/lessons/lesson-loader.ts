// Loads every lesson from an in-memory map of files (path -> text), so the same code runs
// in the page (files bundled by the build) and in Node (the CLI reads a directory). A broken
// lesson becomes an error entry naming its file and field; the others load regardless.

import { isPair, isScalar, isSeq, visit } from 'yaml';
import type { Lesson, LessonFile, LessonStep, RunSpec } from './lesson.ts';
import { splitFrontMatter } from './front-matter.ts';
import { fieldPath, type LessonProblem } from './lesson-problem.ts';
import { checkSemantics } from './lesson-semantics.ts';
import { parseSize, type RawLesson } from './raw-lesson.ts';
import { validateFrontMatter } from './schema-validation.ts';
import { lineOf, parseYaml, type ParsedYaml } from './yaml-locations.ts';

export const LESSON_FILE = 'lesson.md';
/** The most nodes one YAML alias may expand to (the yaml package's default, made explicit). */
export const MAX_YAML_ALIASES = 100;

export type LessonEntry =
  | { ok: true; folder: string; path: string; lesson: Lesson }
  /** A lesson that did not load; `title` is its title when the front matter got that far. */
  | { ok: false; folder: string; path: string; title?: string; problems: LessonProblem[] };

export interface LessonCatalogue {
  /** Every lesson folder in curriculum order, broken ones included (for error cards). */
  entries: LessonEntry[];
  /** Only the lessons that loaded. */
  lessons: Lesson[];
}

export type FileMap = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

export function loadLessons(input: FileMap): LessonCatalogue {
  const files = input instanceof Map ? input : new Map(Object.entries(input));
  const paths = [...files.keys()].filter((p) => basename(p) === LESSON_FILE).sort(byFolderOrder);
  const entries = paths.map((path) => loadGuarded(path, files));
  const checked = checkAcrossLessons(entries, files);
  return { entries: checked, lessons: checked.flatMap((e) => (e.ok ? [e.lesson] : [])) };
}

/** One lesson's failure, whatever it is, stays that lesson's: the others still load. */
function loadGuarded(path: string, files: ReadonlyMap<string, string>): LessonEntry {
  try {
    return loadLesson(path, files);
  } catch (e) {
    const message = `could not be read: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, folder: basename(dirname(path)), path, problems: [{ file: path, line: 1, field: '', message }] };
  }
}

/** Loads one lesson.md; `files` must hold the files it names, relative to its folder. */
export function loadLesson(path: string, files: ReadonlyMap<string, string>): LessonEntry {
  const folder = basename(dirname(path));
  const fail = (problems: LessonProblem[], title?: string): LessonEntry => ({ ok: false, folder, path, title, problems });
  const order = folderOrder(folder);
  if (order === undefined) {
    return fail([{ file: path, line: 1, field: '', message: `folder "${folder}" must start with a number, e.g. "07-${folder}"` }]);
  }
  const split = splitFrontMatter(files.get(path) ?? '');
  if (!split.ok) return fail([{ file: path, line: split.line, field: '', message: split.message }]);
  const parsed = parseYaml(split.value.yaml, split.value.firstLine);
  const yamlProblems = [...parsed.doc.errors].map((e) => ({
    file: path, line: parsed.lines.linePos(e.pos[0]).line + parsed.lineOffset - 1, field: '', message: `YAML: ${e.message.split('\n')[0]}`,
  }));
  if (yamlProblems.length > 0) return fail(yamlProblems);
  const built = buildYaml(parsed, path);
  if (!built.ok) return fail([built.problem]);
  const data = built.data;
  const title = typeof (data as { title?: unknown } | null)?.title === 'string' ? (data as { title: string }).title : undefined;
  const schemaProblems = validateFrontMatter(data, parsed, path);
  if (schemaProblems.length > 0) return fail(schemaProblems, title);
  const raw = data as RawLesson;
  const runs = resolveRuns(raw);
  const problems = checkSemantics(raw, new Set(Object.keys(runs))).map((p) => at(parsed, path, p.path, p.message));
  const lessonFiles = readLessonFiles(raw, path, files, parsed, problems);
  if (problems.length > 0) return fail(problems, title);
  const lesson = buildLesson(raw, folder, order, lessonFiles, runs, split.value.body);
  lesson.source = { path, lines: stepLines(raw, parsed) };
  return { ok: true, folder, path, lesson };
}

/** The front matter as plain data. Aliases are expanded with the yaml package's bound
 *  (maxAliasCount), so a "billion laughs" document is refused here, by file, line and field. */
function buildYaml(parsed: ParsedYaml, file: string): { ok: true; data: unknown } | { ok: false; problem: LessonProblem } {
  try {
    return { ok: true, data: parsed.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (e) {
    const alias = firstAlias(parsed);
    const message = `YAML: ${e instanceof Error ? e.message : String(e)} (aliases may expand to at most ${MAX_YAML_ALIASES} nodes each)`;
    return { ok: false, problem: { file, line: alias ? lineOf(parsed, alias) : parsed.lineOffset, field: alias ? fieldPath(alias) : '', message } };
  }
}

/** The field path of the first alias (`*name`) in the document, if any. */
function firstAlias(parsed: ParsedYaml): (string | number)[] | undefined {
  let found: (string | number)[] | undefined;
  visit(parsed.doc, {
    Alias(key, _node, ancestors) {
      found = ancestors.flatMap((a, i): (string | number)[] => {
        if (isPair(a) && isScalar(a.key)) return [String(a.key.value)];
        const next = ancestors[i + 1];
        if (isSeq(a) && next !== undefined) return [a.items.indexOf(next as never)];
        return [];
      });
      if (typeof key === 'number') found.push(key);
      return visit.BREAK;
    },
  });
  return found;
}

function at(parsed: ParsedYaml, file: string, path: (string | number)[], message: string): LessonProblem {
  return { file, line: lineOf(parsed, path), field: fieldPath(path), message };
}

/** "main" is the first file in the machine's mode (every guest on one host when the
 *  machine has vms) unless the lesson defines it. */
function resolveRuns(raw: RawLesson): Record<string, RunSpec> {
  const runs: Record<string, RunSpec> = {};
  const first = raw.files[0];
  const guests = (raw.machine.vms?.length ?? 0) > 0;
  if (first) runs.main = { file: raw.machine.vms?.[0]?.file ?? first.name, mode: raw.machine.mode, ...(guests ? { host: true } : {}) };
  for (const [name, run] of Object.entries(raw.runs ?? {})) {
    const spec: RunSpec = { file: run.file ?? raw.machine.vms?.[0]?.file ?? first?.name ?? '', mode: run.mode ?? raw.machine.mode };
    if (run.host) spec.host = true;
    if (run.cpus !== undefined) spec.cpus = run.cpus;
    if (run.snapshotAt !== undefined) spec.snapshotAt = run.snapshotAt;
    runs[name] = spec;
  }
  return runs;
}

function readLessonFiles(
  raw: RawLesson, lessonPath: string, files: ReadonlyMap<string, string>, parsed: ParsedYaml, problems: LessonProblem[],
): LessonFile[] {
  const dir = dirname(lessonPath);
  const read = (rel: string, field: (string | number)[]): { path: string; text: string } | undefined => {
    const path = joinInside(dir, rel);
    const text = path === undefined ? undefined : files.get(path);
    if (path === undefined) problems.push(at(parsed, lessonPath, field, `"${rel}" must be a path inside the lesson folder`));
    else if (text === undefined) problems.push(at(parsed, lessonPath, field, `file "${rel}" not found in the lesson folder`));
    return path === undefined || text === undefined ? undefined : { path, text };
  };
  return raw.files.map((f, i) => {
    const starter = read(f.starter, ['files', i, 'starter']);
    const solution = f.solution === undefined ? undefined : read(f.solution, ['files', i, 'solution']);
    return {
      name: f.name,
      starter: starter?.text ?? '',
      solution: solution?.text,
      readonly: f.readonly ?? false,
      starterPath: starter?.path ?? f.starter,
      solutionPath: solution?.path,
    };
  });
}

function buildLesson(
  raw: RawLesson, folder: string, order: number, files: LessonFile[], runs: Record<string, RunSpec>, body: string,
): Lesson {
  const m = raw.machine;
  const steps: LessonStep[] = raw.steps.map((s) => ({
    id: s.id, title: s.title, text: s.text, checks: s.checks, hints: s.hints ?? [], starterFails: s.starterFails ?? false,
  }));
  return {
    id: raw.id, folder, order, title: raw.title, summary: raw.summary, level: raw.level, minutes: raw.minutes,
    prerequisites: raw.prerequisites ?? [],
    machine: {
      mode: m.mode,
      memory: m.memory === undefined ? undefined : parseSize(m.memory),
      cpus: m.cpus,
      costModel: m.costModel,
      vms: m.vms?.map((vm) => ({ ...vm, memory: vm.memory === undefined ? undefined : parseSize(vm.memory) })),
      maxInstructions: m.maxInstructions,
    },
    files, runs, steps, figure: raw.figure, body, source: { path: '', lines: {} },
  };
}

function stepLines(raw: RawLesson, parsed: ParsedYaml): Record<string, number> {
  const lines: Record<string, number> = {};
  raw.steps.forEach((step, s) => {
    lines[fieldPath(['steps', s])] = lineOf(parsed, ['steps', s]);
    step.checks.forEach((_, c) => { lines[fieldPath(['steps', s, 'checks', c])] = lineOf(parsed, ['steps', s, 'checks', c]); });
  });
  return lines;
}

/** Ids must be unique and prerequisites must name lessons that exist. */
function checkAcrossLessons(entries: LessonEntry[], files: ReadonlyMap<string, string>): LessonEntry[] {
  const ids = new Map<string, string>();
  for (const e of entries) if (e.ok && !ids.has(e.lesson.id)) ids.set(e.lesson.id, e.folder);
  return entries.map((e) => {
    if (!e.ok) return e;
    const problems: LessonProblem[] = [];
    const text = files.get(e.path) ?? '';
    const owner = ids.get(e.lesson.id);
    if (owner !== e.folder) problems.push({ file: e.path, line: keyLine(text, 'id'), field: 'id', message: `id "${e.lesson.id}" is already used by ${owner}` });
    for (const pre of e.lesson.prerequisites) {
      if (!ids.has(pre)) problems.push({ file: e.path, line: keyLine(text, 'prerequisites'), field: 'prerequisites', message: `no lesson with id "${pre}"` });
    }
    return problems.length > 0 ? { ok: false, folder: e.folder, path: e.path, title: e.lesson.title, problems } : e;
  });
}

/** Line of a top-level front-matter key (the loader has already accepted the YAML). */
function keyLine(text: string, key: string): number {
  const i = text.split(/\r?\n/).findIndex((line) => line.startsWith(`${key}:`));
  return i < 0 ? 1 : i + 1;
}

export function folderOrder(folder: string): number | undefined {
  const m = /^([0-9]+)-/.exec(folder);
  return m ? Number(m[1]) : undefined;
}

function byFolderOrder(a: string, b: string): number {
  const fa = basename(dirname(a));
  const fb = basename(dirname(b));
  return (folderOrder(fa) ?? Infinity) - (folderOrder(fb) ?? Infinity) || (fa < fb ? -1 : fa > fb ? 1 : 0);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** dir + rel, refusing anything that climbs out of dir (".." or absolute paths). */
function joinInside(dir: string, rel: string): string | undefined {
  const parts: string[] = [];
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' || rel.startsWith('/')) return undefined;
    parts.push(part);
  }
  if (parts.length === 0) return undefined;
  return dir === '' ? parts.join('/') : `${dir}/${parts.join('/')}`;
}
