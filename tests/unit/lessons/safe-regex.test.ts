// Lesson regexes run on a linear-time engine (the Pike VM): same answers as JavaScript's
// RegExp on the syntax lessons may use, a clear refusal for the rest, and a cost measured
// in steps that grows linearly with the console, whatever the pattern.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSafeRegex } from '../../../src/core/lessons/index.ts';
import { MAX_MATCH_STEPS, safeTest, type LessonRegex } from '../../../src/core/lessons/safe-regex.ts';

function compiled(p: string, flags = ''): LessonRegex {
  const r = compileSafeRegex(p, flags);
  if (!r.ok) throw new Error(r.reason);
  return r.regex;
}

describe('compileSafeRegex', () => {
  it.each(['^Hello, .+!$', 'exits: [0-9]{1,3}', '(?:ab)c+', 'a|b', '[(+)]+', '(a+)+$', '(a|aa)*b', 'a*b*c*d*', '(?<n>\\d+)'])('accepts %s', (p) => {
    expect(compileSafeRegex(p).ok).toBe(true);
  });

  it.each([
    ['(a)\\1', 'backreferences'], ['(?=a)b', 'lookarounds'], ['(?<!a)b', 'lookarounds'],
    ['x'.repeat(201), 'longer'], ['(', 'not a valid'], ['a**', 'not a valid'], ['[b-a]', 'not a valid'],
    ['(a{1000}){1000}', 'more than'],
  ])('rejects %s', (p, reason) => {
    const r = compileSafeRegex(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('never throws, whatever the pattern', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z]{0,3}$/), (p, flags) => {
      const r = compileSafeRegex(p, flags);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) r.regex.exec('ab\nc 12 abc');
    }), { numRuns: 300 });
  });
});

describe('the linear-time matcher', () => {
  it('finds what JavaScript RegExp finds, groups included', () => {
    const cases: Array<[string, string, string]> = [
      ['^Hello, (\\w+)!$', '', 'Hello, world!'], ['exits: ([0-9,]+)', '', 'total exits: 1,234 ok'],
      ['(a|ab)(c|bcd)(d*)', '', 'abcd'], ['a+?b', '', 'aaab'], ['(a*)*b', '', 'aaaa'], ['x(?:y|z){2,3}', '', 'xyzzy'],
      ['^b$', 'm', 'a\nb\nc'], ['hello', 'i', 'HeLLo'], ['a.c', 's', 'a\nc'], ['a.c', '', 'a\nc'],
      ['\\bcat\\b', '', 'concat cat'], ['[^\\d\\s]+', '', '12 ab3'], ['\\x41\\u0042', '', 'zAB'],
      ['(?<num>\\d+)\\s*cycles', '', 'took 4200 cycles'], ['saving \\$([0-9,]+)', '', 'saving $12,000 a year'],
      ['a{2}', '', 'a aa'], ['a{2,}?', '', 'aaaa'], ['(a)|(b)', '', 'b'], ['[a-c-]+', '', 'x-ab-'], ['a{,2}', '', 'a{,2}'],
    ];
    for (const [p, flags, s] of cases) {
      const expected = new RegExp(p, flags).exec(s);
      expect(compiled(p, flags).exec(s), `/${p}/${flags} on ${JSON.stringify(s)}`).toEqual(expected === null ? null : [...expected]);
    }
  });

  it('agrees with RegExp on random patterns and subjects (property)', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\w', '\\s', ' ', '^', '$', '\\b');
    const piece = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{1,2}', '*?', '+?')).map(([a, q]) => (/^[$^]|\\b/.test(a) ? a : a + q));
    const seq = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
    const pattern = fc.array(seq, { minLength: 1, maxLength: 3 }).map((alts) => alts.map((a, i) => (i % 2 ? `(${a})` : a)).join('|'));
    fc.assert(fc.property(pattern, fc.stringMatching(/^[ab \n]{0,12}$/), fc.constantFrom('', 'm', 's', 'i'), (p, s, flags) => {
      const expected = new RegExp(p, flags).exec(s);
      expect(compiled(p, flags).exec(s)).toEqual(expected === null ? null : [...expected]);
    }), { numRuns: 400 });
  });

  it('matches .*.*.*= on a long console in steps linear in its length', () => {
    const re = compiled('.*.*.*=');
    const steps = (n: number) => { re.test('x'.repeat(n)); return re.steps; };
    const short = steps(600);
    const long = steps(6000);
    // Ten times the console, ten times the steps (a backtracking engine: about 10^4 times).
    expect(long / short).toBeGreaterThan(9);
    expect(long / short).toBeLessThan(11);
    expect(steps(16384)).toBeLessThan(MAX_MATCH_STEPS);
  });

  it('stays under its step bound on the worst patterns a lesson may write', () => {
    const subject = `${'a'.repeat(16000)}!`;
    for (const p of ['(a*)*b', '(a|aa)*c', '(.*a){20}x', '(?:a?){30}a{30}b', '(\\w+\\s?)*$x']) {
      const re = compiled(p);
      expect(safeTest(re, subject)).toBe(false);
      expect(re.steps).toBeLessThan(MAX_MATCH_STEPS);
    }
  });
});
