// How many cases a fuzz suite tries: a few in `npm test`, many in `npm run fuzz`
// (scripts/fuzz.mjs sets TRAPDOOR_FUZZ_RUNS). Work is bounded by the count, never by time.

/** `short` cases normally; TRAPDOOR_FUZZ_RUNS (a positive integer) when the fuzz script runs. */
export function fuzzRuns(short: number): number {
  const n = Number(process.env.TRAPDOOR_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : short;
}

/** A seed to replay one failing run: TRAPDOOR_FUZZ_SEED, else fast-check's own. */
export function fuzzSeed(): number | undefined {
  const n = Number(process.env.TRAPDOOR_FUZZ_SEED);
  return Number.isInteger(n) ? n : undefined;
}
