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

describe('hierarchical cpu.weight (CFS group scheduling)', () => {
  const spin = () => build('_start:\n  j _start').image;

  it('a parent group\'s weight is split among its children, not multiplied by them', () => {
    const { k } = boot();
    const a = k.rootCgroup.child('a');
    const b = k.rootCgroup.child('b');
    const b1 = b.child('b1');
    const b2 = b.child('b2');
    b2.cpuWeight = 300;
    const pa = k.spawn({ image: spin(), argv: ['a'], cgroup: a });
    const pb1 = k.spawn({ image: spin(), argv: ['b1'], cgroup: b1 });
    const pb2 = [0, 1].map((i) => k.spawn({ image: spin(), argv: [`b2-${i}`], cgroup: b2 }));
    k.run(12_000_000);
    const total = pa.cpuCycles + pb1.cpuCycles + pb2[0]!.cpuCycles + pb2[1]!.cpuCycles;
    const share = (c: number): number => c / total;
    // a and b split 50/50; inside b, b1:b2 = 100:300; b2's two processes take turns.
    expect(share(pa.cpuCycles)).toBeCloseTo(0.5, 1);
    expect(share(pb1.cpuCycles)).toBeCloseTo(0.125, 1);
    expect(share(pb2[0]!.cpuCycles + pb2[1]!.cpuCycles)).toBeCloseTo(0.375, 1);
    expect(Math.abs(pb2[0]!.cpuCycles - pb2[1]!.cpuCycles) / total).toBeLessThan(0.03);
  });

  it('the group\'s own processes compete with its child groups as one entity', () => {
    const { k } = boot();
    const docker = k.rootCgroup.child('docker');
    const host = k.spawn({ image: spin(), argv: ['host'] });
    const containers = [0, 1, 2, 3].map((i) => k.spawn({ image: spin(), argv: [`c${i}`], cgroup: docker.child(`c${i}`) }));
    k.run(12_000_000);
    const total = host.cpuCycles + containers.reduce((n, p) => n + p.cpuCycles, 0);
    expect(host.cpuCycles / total).toBeCloseTo(0.5, 1);
    for (const p of containers) expect(p.cpuCycles / total).toBeCloseTo(0.125, 1);
  });
});
