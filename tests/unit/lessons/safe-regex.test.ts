import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSafeRegex } from '../../../src/core/lessons/index.ts';

describe('compileSafeRegex', () => {
  it.each(['^Hello, .+!$', 'exits: [0-9]{1,3}', '(?:ab)c+', 'a|b', '[(+)]+'])('accepts %s', (p) => {
    expect(compileSafeRegex(p).ok).toBe(true);
  });

  it.each([
    ['(a+)+$', 'repeated group'], ['(a|aa)*b', 'repeated group'], ['(\\w*)*', 'repeated group'],
    ['(a)\\1', 'backreferences'], ['(?=a)b', 'lookarounds'], ['a*b*c*d*', 'unbounded'],
    ['x'.repeat(201), 'longer'], ['(', 'not a valid'],
  ])('rejects %s', (p, reason) => {
    const r = compileSafeRegex(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('never throws, whatever the pattern', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z]{0,3}$/), (p, flags) => {
      const r = compileSafeRegex(p, flags);
      expect(typeof r.ok).toBe('boolean');
    }));
  });
});
