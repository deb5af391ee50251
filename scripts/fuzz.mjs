#!/usr/bin/env node
// `npm run fuzz [-- RUNS] [--seed N]`: the fuzz suites (every tests/unit file named
// *-fuzz.test.ts) with many more cases than `npm test` gives them. Each suite reads the
// count from TRAPDOOR_FUZZ_RUNS (tests/unit/fuzz-runs.ts); a failure prints fast-check's
// seed, and --seed replays it. The work is bounded by the count, never by time.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? args.splice(seedAt, 2)[1] : undefined;
const runs = args[0] ?? '2000';
if (!/^[1-9][0-9]*$/.test(runs) || (seed !== undefined && !/^-?[0-9]+$/.test(seed))) {
  console.error('usage: npm run fuzz [-- RUNS] [--seed N]');
  process.exit(2);
}
const env = { ...process.env, TRAPDOOR_FUZZ_RUNS: runs, ...(seed !== undefined ? { TRAPDOOR_FUZZ_SEED: seed } : {}) };
const r = spawnSync('node_modules/.bin/vitest', ['run', '--project', 'unit', 'fuzz.test.ts'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
