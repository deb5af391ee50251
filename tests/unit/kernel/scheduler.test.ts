import { describe, expect, it } from 'vitest';
import { CORE_HZ } from '../../../src/core/isa/clock.ts';
import { boot, build } from './kernel-harness.ts';

/** nanosleep(seconds) then exit(0). */
function sleeper(seconds: number) {
  return build(`
_start:
  la a0, ts
  li a1, 0
  li a7, 101
  ecall
  li a0, 0
  j exit
.data
ts: .word ${seconds}, 0
`).image;
}

describe('scheduler bookkeeping', () => {
  it('a killed sleeper leaves no timer behind: the idle clock jumps only to live wake-ups', () => {
    const { k } = boot();
    const long = k.spawn({ image: sleeper(1000), argv: ['long'] });
    const short = k.spawn({ image: sleeper(2), argv: ['short'] });
    k.run(10_000, false);
    expect([long.state, short.state]).toEqual(['sleeping', 'sleeping']);
    k.signal(long, 9);
    expect(k.run(1_000_000)).toEqual({ kind: 'all-exited' });
    expect(short.state).toBe('zombie');
    const seconds = k.now / CORE_HZ;
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(3);
  });

  it('killing thousands of sleepers is linear and leaves the queue empty', () => {
    const { k } = boot();
    const image = sleeper(100);
    const ps = Array.from({ length: 1000 }, (_, i) => k.spawn({ image, argv: [`s${i}`] }));
    k.run(1000 * 2000, false);
    expect(ps.every((p) => p.state === 'sleeping')).toBe(true);
    // Kill every other one, then the rest: wake-ups of the survivors still happen in order.
    for (let i = 0; i < ps.length; i += 2) k.signal(ps[i]!, 9);
    expect(k.run(10_000_000)).toEqual({ kind: 'all-exited' });
    expect(ps.filter((p, i) => i % 2 === 1 && p.killedBy === 0 && p.waitStatus === 0).length).toBe(500);
    expect(k.scheduler.runnableCount).toBe(0);
    expect(k.now / CORE_HZ).toBeGreaterThanOrEqual(100);
  });
});
