#!/usr/bin/env node
// `npm run fuzz [-- RUNS] [--seed N] [--seconds S]`: the fuzz suites (every tests/unit file
// named *-fuzz.test.ts) with many more cases than `npm test` gives them. Each suite reads the
// count from TRAPDOOR_FUZZ_RUNS (tests/unit/fuzz-runs.ts); a failure prints fast-check's
// seed, and --seed replays it. The work is bounded by the count, never by time — except
// with --seconds, a campaign: the decoder suites (tests/unit/fuzz) then keep generating
// cases for S seconds per property (TRAPDOOR_FUZZ_SECONDS).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? args.splice(seedAt, 2)[1] : undefined;
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? args.splice(secondsAt, 2)[1] : undefined;
const runs = args[0] ?? '2000';
if (!/^[1-9][0-9]*$/.test(runs) || (seed !== undefined && !/^-?[0-9]+$/.test(seed)) || (seconds !== undefined && !/^[1-9][0-9]{0,4}$/.test(seconds))) {
  console.error('usage: npm run fuzz [-- RUNS] [--seed N] [--seconds S]  (S from 1 to 99999)');
  process.exit(2);
}
const env = {
  ...process.env, TRAPDOOR_FUZZ_RUNS: runs,
  ...(seed !== undefined ? { TRAPDOOR_FUZZ_SEED: seed } : {}), ...(seconds !== undefined ? { TRAPDOOR_FUZZ_SECONDS: seconds } : {}),
};
const r = spawnSync('node_modules/.bin/vitest', ['run', '--project', 'unit', 'fuzz.test.ts'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
