// Levenshtein distance, for "did you mean" hints.

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that still reads as a typo, or undefined.
 *  Ties go to a candidate the word contains letter by letter: `addd` is `add` typed with
 *  a doubled key more likely than `addi` with a wrong one. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 2)));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = word.toLowerCase() === c ? 0.5 : editDistance(word, c);
    if (d > limit) continue;
    const score = 2 * d - (isSubsequence(c, word) ? 1 : 0);
    if (score < bestScore) { best = c; bestScore = score; }
  }
  return best;
}

function isSubsequence(small: string, big: string): boolean {
  let i = 0;
  for (const ch of big) if (ch === small[i]) i++;
  return i === small.length;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : ` (did you mean '${n}'?)`;
}
