// Validates parsed front matter against LESSON_SCHEMA with ajv and turns ajv's errors into
// LessonProblems an author can act on: the field, its line, and a plain-words message.

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LESSON_SCHEMA } from './lesson-schema.ts';
import { fieldPath, type LessonProblem } from './lesson-problem.ts';
import { lineOf, type ParsedYaml } from './yaml-locations.ts';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Compiled once, on first use: the schema is ours, never a lesson's.
  compiled ??= new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, strict: true, verbose: true })
    .compile(LESSON_SCHEMA);
  return compiled;
}

export function validateFrontMatter(data: unknown, parsed: ParsedYaml, file: string): LessonProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const problems = (validate.errors ?? []).filter(isUseful).map((e) => toProblem(e, parsed, file));
  return dedupe(problems);
}

/** A oneOf failure repeats what its branch already said; skip it when a branch spoke. */
function isUseful(e: ErrorObject): boolean {
  return e.keyword !== 'oneOf' && e.keyword !== 'if';
}

function toProblem(e: ErrorObject, parsed: ParsedYaml, file: string): LessonProblem {
  const path = e.instancePath.split('/').slice(1).map(unescapePointer);
  const at = (p: (string | number)[], onKey = false) => ({
    file, line: lineOf(parsed, p, onKey), field: fieldPath(p),
  });
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { ...at(path), field: fieldPath([...path, String(params.missingProperty)]), message: 'missing required field' };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
      return { ...at([...path, name], true), message: `unknown field${hint}` };
    }
    case 'enum':
      return { ...at(path), message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'discriminator':
      return { ...at(params.tag ? [...path, String(params.tag)] : path), message: discriminatorMessage(params) };
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      const value = JSON.stringify(e.data);
      return { ...at(path), message: description ? `${value} is not valid: expected ${description}` : `${value} must match ${String(params.pattern)}` };
    }
    default:
      return { ...at(path), message: e.message ?? `fails ${e.keyword}` };
  }
}

function discriminatorMessage(params: Record<string, unknown>): string {
  if (params.error === 'mapping') {
    return `unknown check kind "${String(params.tagValue)}" (known: ${knownKinds().join(', ')})`;
  }
  return 'every check needs a "kind" string';
}

function knownKinds(): string[] {
  const branches = LESSON_SCHEMA.properties.steps.items.properties.checks.items.oneOf;
  return branches.map((b) => b.properties.kind.const);
}

function unescapePointer(segment: string): string | number {
  const s = segment.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s;
}

function dedupe(problems: LessonProblem[]): LessonProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}|${p.field}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
