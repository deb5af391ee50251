// `trapdoor lessons check [DIR]`: validate every lesson and prove each one solvable.
// `trapdoor lessons new SLUG [--dir DIR]`: write a template lesson that passes check.
// `trapdoor lessons schema [--output FILE]`: write the front-matter JSON Schema.

import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from './args.ts';
import { CliError, EXIT_USAGE, type CliIo } from './io.ts';
import {
  LESSON_FILE, LESSON_SCHEMA, checkLessons, folderOrder, formatLessonProblem, lessonTemplate,
  type LessonCheckLine,
} from '../core/lessons/index.ts';
import { createMachineRunner } from '../core/lessons/machine-runner.ts';

export const LESSONS_HELP = `usage: trapdoor lessons <check|new|schema> ...

  lessons check [DIR]              validate every lesson under DIR (default lessons/),
                                   run each solution (every step must pass) and each
                                   starter (the steps marked starterFails must fail)
  lessons new SLUG [--dir DIR]     write DIR/NN-SLUG/, a template lesson that passes check
  lessons schema [--output FILE]   write the front matter's JSON Schema
                                   (default DIR lessons/lesson.schema.json)
`;

export const DEFAULT_DIR = 'lessons';
export const SCHEMA_FILE = 'lesson.schema.json';
/** Files bigger than this are not lesson material; skipping them keeps check fast. */
const MAX_FILE_BYTES = 1 << 20;

export async function lessonsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.stderr : io.stdout).write(LESSONS_HELP);
    return sub === undefined ? EXIT_USAGE : 0;
  }
  if (sub === 'check') return check(rest, io);
  if (sub === 'new') return newLesson(rest, io);
  if (sub === 'schema') return schema(rest, io);
  throw new CliError(`lessons: unknown subcommand '${sub}' (expected check, new or schema)`, EXIT_USAGE);
}

async function check(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs('lessons check', argv, {});
  if (args.flags.has('--help')) { io.stdout.write(LESSONS_HELP); return 0; }
  const dir = (args.positional[0] ?? DEFAULT_DIR).replace(/\/+$/, '') || '.';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`lessons check: no directory '${dir}'`);
  const { files, strays, refused } = readLessonTree(dir);
  const lines = await checkLessons(files, createMachineRunner());
  for (const r of refused) {
    const line = lines.find((l) => l.folder === r.folder);
    const problem = { file: r.path, line: 1, field: '', message: r.message };
    if (line) { line.ok = false; line.problems.push(problem); } else lines.push({ folder: r.folder, ok: false, problems: [problem] });
  }
  for (const line of lines) io.stdout.write(formatLine(line));
  for (const stray of strays) io.stdout.write(`FAIL ${stray}\n${dir}/${stray}/${LESSON_FILE}:1: a lesson folder needs a ${LESSON_FILE}\n`);
  const failed = lines.filter((l) => !l.ok).length + strays.length;
  const total = lines.length + strays.length;
  io.stdout.write(`${total} lesson${total === 1 ? '' : 's'}: ${total - failed} ok, ${failed} failed\n`);
  return failed > 0 || total === 0 ? 1 : 0;
}

export function formatLine(line: LessonCheckLine): string {
  const title = line.title ? `  ${line.title}` : '';
  if (!line.ok) return `FAIL ${line.folder}${title}\n${line.problems.map((p) => `${formatLessonProblem(p)}\n`).join('')}`;
  const figure = line.figure ? `; ${line.figure.text}` : '';
  return `ok   ${line.folder}${title} (${line.steps} step${line.steps === 1 ? '' : 's'}${figure})\n`;
}

/** A file of a lesson folder that is not read: it leads outside the folder. */
export interface RefusedFile {
  folder: string;
  path: string;
  message: string;
}

/** Every file of every lesson folder, keyed "DIR/folder/path"; folders without lesson.md;
 *  and files refused because they are links (or paths) leading outside their lesson folder. */
export function readLessonTree(dir: string): { files: Record<string, string>; strays: string[]; refused: RefusedFile[] } {
  const files: Record<string, string> = {};
  const strays: string[] = [];
  const refused: RefusedFile[] = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (!lstatSync(path).isDirectory() || folder.startsWith('.')) continue;
    if (!existsSync(join(path, LESSON_FILE))) { strays.push(folder); continue; }
    readInto(realpathSync(path), path, `${dir}/${folder}`, files, (p, message) => refused.push({ folder, path: p, message }));
  }
  return { files, strays, refused };
}

/** Reads the folder's files; a symbolic link is followed only if it stays inside `root`. */
function readInto(root: string, path: string, key: string, files: Record<string, string>, refuse: (path: string, why: string) => void): void {
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      refuse(`${key}/${name}`, 'a symbolic link to nothing');
      continue;
    }
    const rel = relative(root, real);
    if (rel.startsWith('..') || isAbsolute(rel)) { refuse(`${key}/${name}`, 'a symbolic link to a file outside the lesson folder is not read'); continue; }
    const st = statSync(real);
    if (st.isDirectory()) readInto(root, p, `${key}/${name}`, files, refuse);
    else if (st.isFile() && st.size <= MAX_FILE_BYTES) files[`${key}/${name}`] = readFileSync(real, 'utf8');
  }
}

function newLesson(argv: string[], io: CliIo): number {
  const args = parseArgs('lessons new', argv, { values: ['--dir'] });
  if (args.flags.has('--help')) { io.stdout.write(LESSONS_HELP); return 0; }
  const slug = args.positional[0];
  if (!slug || !/^([0-9]+-)?[a-z0-9][a-z0-9-]*$/.test(slug)) {
    throw new CliError('lessons new: give a SLUG of lowercase letters, digits and dashes, e.g. "memory-ballooning"', EXIT_USAGE);
  }
  const dir = String(args.flags.get('--dir') ?? DEFAULT_DIR);
  const folder = folderOrder(slug) === undefined ? `${nextNumber(dir)}-${slug}` : slug;
  const target = join(dir, folder);
  if (existsSync(target)) throw new CliError(`lessons new: ${target} already exists`);
  mkdirSync(target, { recursive: true });
  for (const [name, text] of Object.entries(lessonTemplate(folder))) writeFileSync(join(target, name), text);
  io.stdout.write(`wrote ${target}/ (${LESSON_FILE}, starter.s, solution.s); check it with: trapdoor lessons check ${dir}\n`);
  return 0;
}

/** One more than the highest number prefix in DIR, two digits at least. */
function nextNumber(dir: string): string {
  const numbers = existsSync(dir) ? readdirSync(dir).map((f) => folderOrder(f) ?? 0) : [];
  return String(Math.max(0, ...numbers) + 1).padStart(2, '0');
}

function schema(argv: string[], io: CliIo): number {
  const args = parseArgs('lessons schema', argv, { values: ['--output'], aliases: { '-o': '--output' } });
  if (args.flags.has('--help')) { io.stdout.write(LESSONS_HELP); return 0; }
  const out = String(args.flags.get('--output') ?? join(DEFAULT_DIR, SCHEMA_FILE));
  writeFileSync(out, schemaText());
  io.stdout.write(`wrote ${out}\n`);
  return 0;
}

export function schemaText(): string {
  return `${JSON.stringify(LESSON_SCHEMA, null, 2)}\n`;
}
