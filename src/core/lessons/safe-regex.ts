// Regular expressions from lesson files run on a linear-time engine (the Pike VM in
// pike-vm.ts), never on the host's backtracking RegExp: whatever a lesson author writes,
// one match costs at most 2 x MAX_PROGRAM x (MAX_SUBJECT_LENGTH + 1) steps. Patterns are
// short, use JavaScript syntax without backreferences and lookarounds (regex-syntax.ts),
// and the subject is the last MAX_SUBJECT_LENGTH characters of the output.

import { PikeVm } from './pike-vm.ts';
import { compileRegex, MAX_PROGRAM, RegexSyntaxError } from './regex-syntax.ts';

export const MAX_PATTERN_LENGTH = 200;
/** Matching looks at no more than this many characters of console or command output. */
export const MAX_SUBJECT_LENGTH = 16384;
/** The most steps one match may take (the bound the Pike VM guarantees). */
export const MAX_MATCH_STEPS = 2 * (MAX_PROGRAM + 2) * (MAX_SUBJECT_LENGTH + 1);

/** A compiled lesson regex: RegExp's test and exec, in linear time. */
export interface LessonRegex {
  readonly source: string;
  readonly flags: string;
  test(subject: string): boolean;
  /** The match and its groups (undefined for a group that did not take part), or null. */
  exec(subject: string): Array<string | undefined> | null;
  /** Steps the last match took (for the tests that prove the bound). */
  readonly steps: number;
}

export type SafeRegexResult = { ok: true; regex: LessonRegex } | { ok: false; reason: string };

export function compileSafeRegex(pattern: string, flags = ''): SafeRegexResult {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  if (!(/^[ims]{0,3}$/.test(flags) && new Set(flags).size === flags.length)) return { ok: false, reason: 'flags may only be i, m and s, each once' };
  try {
    const vm = new PikeVm(compileRegex(pattern, flags));
    return {
      ok: true,
      regex: {
        source: pattern, flags,
        test: (s) => vm.exec(s) !== null,
        exec: (s) => vm.exec(s)?.groups ?? null,
        get steps() { return vm.steps; },
      },
    };
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { ok: false, reason: reasonOf(e.message) };
    throw e;
  }
}

function reasonOf(message: string): string {
  return /not allowed|not supported|more than/.test(message) ? message : `not a valid regular expression (${message})`;
}

export function safeTest(regex: LessonRegex, subject: string): boolean {
  return regex.test(subject.length > MAX_SUBJECT_LENGTH ? subject.slice(-MAX_SUBJECT_LENGTH) : subject);
}
