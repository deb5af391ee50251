// How long each decoder fuzz property runs. In `npm test` a fixed, small number of cases
// (bounded work, never dependent on the machine's speed); `npm run fuzz [-- RUNS]` gives
// RUNS cases (tests/unit/fuzz-runs.ts); `npm run fuzz -- --seconds S` (TRAPDOOR_FUZZ_SECONDS)
// keeps generating cases for S seconds per property — a campaign, not a pass/fail timing.
import type { Parameters } from 'fast-check';
import { fuzzRuns, fuzzSeed } from '../fuzz-runs.ts';

const seconds = Number(process.env.TRAPDOOR_FUZZ_SECONDS ?? 0);

/** fast-check parameters: `runs` cases (or the fuzz script's count), or S seconds of cases. */
export function budget<T>(runs: number): Parameters<T> {
  const seed = fuzzSeed();
  const base = seed === undefined ? {} : { seed };
  if (!(seconds > 0)) return { ...base, numRuns: fuzzRuns(runs) };
  return { ...base, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false };
}

/** Vitest's per-test timeout: the unit project's hang detector, or the campaign's length. */
export const FUZZ_TIMEOUT = seconds > 0 ? seconds * 1000 + 120_000 : 120_000;

/** Byte-level mutations of a valid input: overwrites, bit flips, cuts and hostile words. */
export function mutate(bytes: Uint8Array, edits: Array<{ at: number; byte: number; kind: number }>): Uint8Array {
  let out = bytes.slice();
  for (const { at, byte, kind } of edits) {
    const i = at % Math.max(1, out.length);
    if (kind === 0) out[i] = byte;
    else if (kind === 1) out[i] ^= 1 << (byte & 7);
    else if (kind === 2) out = out.slice(0, i);
    else if (i + 4 <= out.length) {
      new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(i, [0, 0xffffffff, 0x7fffffff, 0x80000000, byte << 24][byte % 5]!, true);
    }
  }
  return out;
}
