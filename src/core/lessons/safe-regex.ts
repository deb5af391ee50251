// Regular expressions from lesson files, accepted only in a shape that cannot backtrack
// catastrophically: short, no backreferences or lookarounds, no repeated group that itself
// holds a repetition or an alternation ("(a+)+", "(a|a)*"), at most three unbounded
// repetitions (polynomial blow-up), and the subject is capped before matching.

export const MAX_PATTERN_LENGTH = 200;
/** Matching looks at no more than this many characters of console or command output. */
export const MAX_SUBJECT_LENGTH = 16384;
export const MAX_UNBOUNDED = 3;

export type SafeRegexResult = { ok: true; regex: RegExp } | { ok: false; reason: string };

export function compileSafeRegex(pattern: string, flags = ''): SafeRegexResult {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  if (!/^[ims]*$/.test(flags)) return { ok: false, reason: 'flags may only be i, m and s' };
  const shape = unsafeShape(pattern);
  if (shape) return { ok: false, reason: shape };
  try {
    return { ok: true, regex: new RegExp(pattern, flags) };
  } catch (e) {
    return { ok: false, reason: `not a valid regular expression (${(e as Error).message})` };
  }
}

export function safeTest(regex: RegExp, subject: string): boolean {
  return regex.test(subject.length > MAX_SUBJECT_LENGTH ? subject.slice(-MAX_SUBJECT_LENGTH) : subject);
}

/** Scans the pattern once, tracking for each open group whether it holds a quantifier. */
function unsafeShape(pattern: string): string | undefined {
  const groups: boolean[] = [];
  let quantifiedInside = false;
  let inClass = false;
  let unbounded = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return 'backreferences are not allowed';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (pattern[i + 1] === '?' && /[=!<]/.test(pattern[i + 2] ?? '')) {
        if (!(pattern[i + 2] === '<' && /[A-Za-z]/.test(pattern[i + 3] ?? ''))) return 'lookarounds are not allowed';
      }
      groups.push(quantifiedInside);
      quantifiedInside = false;
    } else if (c === ')') {
      const inner: boolean = quantifiedInside;
      quantifiedInside = groups.pop() ?? false;
      if (inner && isQuantifier(pattern, i + 1)) {
        return 'a repeated group may not contain a repetition or an alternation, e.g. (a+)+ or (a|b)*';
      }
      quantifiedInside ||= inner;
    } else if (c === '|') {
      quantifiedInside = true;
    } else if (isQuantifier(pattern, i)) {
      quantifiedInside = true;
      if (c === '*' || c === '+' || /^\{\d+,\}/.test(pattern.slice(i))) unbounded++;
    }
  }
  return unbounded > MAX_UNBOUNDED ? `more than ${MAX_UNBOUNDED} unbounded repetitions (*, +)` : undefined;
}

function isQuantifier(pattern: string, i: number): boolean {
  const c = pattern[i];
  return c === '*' || c === '+' || c === '?' && pattern[i - 1] !== '(' || c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i));
}
