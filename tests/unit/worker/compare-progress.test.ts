// Progress and cancel of a comparison run: reports name each mode in order with
// instructions that only grow, and pause() ends a run that would never finish.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/worker/engine.ts';
import { coreDeps } from '../../../src/worker/core-deps.ts';
import type { CompareProgress } from '../../../src/worker/engine-api.ts';

const SPIN = '        .text\n_start:\n        addi a0, a0, 1\n        j _start\n';

/** A fake wall clock that moves 40 ms per reading, so every slice may report. */
function engine(): Engine {
  let t = 0;
  return new Engine(coreDeps({ yieldToEvents: () => new Promise((r) => setImmediate(r)), now: () => (t += 40) }));
}

describe('comparison progress', () => {
  it('reports every mode in order, instructions growing within a mode, up to the limit', async () => {
    const seen: CompareProgress[] = [];
    const rows = await engine().compare(SPIN, 'spin.s', ['bare', 'full', 'pv'], 300_000, (p) => seen.push({ ...p }));
    expect(rows.map((r) => r.end)).toEqual(['budget', 'budget', 'budget']);
    expect([...new Set(seen.map((p) => p.mode))]).toEqual(['bare', 'full', 'pv']);
    for (const mode of ['bare', 'full', 'pv']) {
      const ns = seen.filter((p) => p.mode === mode).map((p) => p.instructions);
      expect(ns[0]).toBe(0);
      expect(ns.every((n, i) => i === 0 || n >= ns[i - 1]!)).toBe(true);
      expect(Math.max(...ns)).toBeLessThanOrEqual(300_000);
    }
    expect(seen.every((p) => p.count === 3 && p.limit === 300_000 && p.index === ['bare', 'full', 'pv'].indexOf(p.mode))).toBe(true);
  });

  it('is cancelled by pause(): the unfinished mode stops early and the rest do not run', async () => {
    const e = engine();
    const seen: CompareProgress[] = [];
    const running = e.compare(SPIN, 'spin.s', ['bare', 'full'], 1e12, (p) => {
      seen.push(p);
      if (p.instructions > 0) void e.pause();
    });
    const rows = await running;
    expect(rows[0]!.end).toBe('budget');
    expect(rows[0]!.instructions).toBeLessThan(1e9);
    expect(rows[1]!.instructions).toBeLessThan(1e9);
  });
});
