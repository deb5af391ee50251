// cgroup v2 event counters: pids.events, memory.events (and their .local twins) and the
// bandwidth figures of cpu.stat, counted where Linux counts them, shown by cgroupfs and
// kept by a checkpoint.

import { describe, expect, it } from 'vitest';
import type { Cgroup } from '../../../src/core/kernel/cgroup.ts';
import { KernelStateError, type KernelState } from '../../../src/core/kernel/checkpoint-state.ts';
import { EAGAIN } from '../../../src/core/kernel/errno.ts';
import type { Kernel } from '../../../src/core/kernel/kernel.ts';
import { boot, build, readCgroupFile as cat, runAll } from './kernel-harness.ts';

/** Tries 10 forks; children sleep; prints how many forks failed with EAGAIN, then exits. */
const tenForks = build(`
_start:
  li s0, 10               # forks to try
  li s1, 0                # of them refused
1:
  beqz s0, 3f
  addi s0, s0, -1
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  bgez a0, 1b
  li t0, -${EAGAIN}
  bne a0, t0, 1b
  addi s1, s1, 1
  j 1b
3:
  mv a0, s1
  call print_int
  li a0, 0
  j exit
child:
  la a0, req
  li a1, 0
  li a7, 101              # nanosleep 1 s, so the children hold their pids
  ecall
  li a0, 0
  j exit
.data
req: .word 1, 0
`).image;

/** Touches 4 MiB of heap a page at a time (memory.max stops it). */
const hog = build(`
_start:
  li a0, 0
  li a7, 214
  ecall
  mv s0, a0
  li t0, 4194304
  add a0, s0, t0
  li a7, 214
  ecall
  mv t1, s0
1:
  sw t1, 0(t1)
  li t2, 4096
  add t1, t1, t2
  bltu t1, a0, 1b
  li a0, 0
  j exit
`).image;

const spin = build('_start:\n  j _start').image;

/** A cgroup interface file as `cat` would read it, through the host's /sys/fs/cgroup. */
/** The flat-keyed pairs of a cgroup file ("max 3\n" -> { max: 3 }). */
function keyed(text: string): Record<string, number> {
  return Object.fromEntries(text.trim().split('\n').map((l) => {
    const [key, value] = l.split(' ');
    return [key!, Number(value)];
  }));
}

describe('pids.events', () => {
  it('counts each fork refused by pids.max, on the limiting group and its ancestors', () => {
    const { k, output } = boot();
    const box = k.rootCgroup.child('box');
    const inner = box.child('inner');
    box.pidsMax = 4; // the forker and three children
    k.spawn({ image: tenForks, argv: ['forks'], cgroup: inner });
    runAll(k, 20_000_000);
    const refused = Number(output().trim());
    expect(refused).toBe(7);
    expect(keyed(cat(k, 'box/pids.events'))).toEqual({ max: refused });
    expect(keyed(cat(k, 'box/pids.events.local'))).toEqual({ max: refused });
    // The limit was box's: the group below it saw no event of its own; the root totals it.
    expect(keyed(cat(k, 'box/inner/pids.events'))).toEqual({ max: 0 });
    expect(keyed(cat(k, 'pids.events'))).toEqual({ max: refused });
    expect(keyed(cat(k, 'pids.events.local'))).toEqual({ max: 0 });
    expect(inner.pidsCurrent).toBe(0);
  });

  it('a limit lower down counts there, and only hierarchically above', () => {
    const { k, output } = boot();
    const box = k.rootCgroup.child('box');
    const inner = box.child('inner');
    box.pidsMax = 100;
    inner.pidsMax = 2;
    k.spawn({ image: tenForks, argv: ['forks'], cgroup: inner });
    runAll(k, 20_000_000);
    expect(output()).toBe('9\n');
    expect(inner.eventsLocal['pids.max']).toBe(9);
    expect(inner.events['pids.max']).toBe(9);
    expect(box.eventsLocal['pids.max']).toBe(0);
    expect(box.events['pids.max']).toBe(9);
  });
});

describe('memory.events', () => {
  it('a hog hitting memory.max counts max, oom and oom_kill', () => {
    const { k } = boot();
    const g = k.rootCgroup.child('hog');
    g.memoryMax = 256 * 1024;
    const p = k.spawn({ image: hog, argv: ['hog'], cgroup: g });
    runAll(k);
    expect(p.killReason).toMatch(/^Out of memory/);
    // The first refused page ends the hog: one of each. No memory.low/high in the model.
    expect(cat(k, 'hog/memory.events')).toBe('low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n');
    expect(cat(k, 'hog/memory.events.local')).toBe('low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n');
    expect(keyed(cat(k, 'memory.events'))).toMatchObject({ max: 1, oom: 1, oom_kill: 1 });
  });

  it('max and oom go to the group whose limit was hit, oom_kill to the victim\'s group', () => {
    const { k } = boot();
    const outer = k.rootCgroup.child('outer');
    const inner = outer.child('inner');
    outer.memoryMax = 256 * 1024;
    k.spawn({ image: hog, argv: ['hog'], cgroup: inner });
    runAll(k);
    expect(keyed(cat(k, 'outer/memory.events.local'))).toMatchObject({ max: 1, oom: 1, oom_kill: 0 });
    expect(keyed(cat(k, 'outer/inner/memory.events.local'))).toMatchObject({ max: 0, oom: 0, oom_kill: 1 });
    expect(keyed(cat(k, 'outer/memory.events'))).toMatchObject({ max: 1, oom: 1, oom_kill: 1 });
    expect(keyed(cat(k, 'outer/inner/memory.events'))).toMatchObject({ max: 0, oom: 0, oom_kill: 1 });
  });

  it('processes that fit their limit count nothing', () => {
    const { k, output } = boot();
    const g = k.rootCgroup.child('roomy');
    g.memoryMax = 64 << 20;
    g.pidsMax = 50;
    k.spawn({ image: tenForks, argv: ['forks'], cgroup: g });
    k.spawn({ image: hog, argv: ['hog'], cgroup: g });
    runAll(k, 20_000_000);
    expect(output()).toBe('0\n');
    expect(Object.values(g.events).every((n) => n === 0)).toBe(true);
  });
});

describe('cpu.stat', () => {
  const PERIOD = 1_000_000;
  const QUOTA = 250_000;

  function throttledSpinner(): { k: Kernel; g: Cgroup } {
    const { k } = boot();
    const g = k.rootCgroup.child('slow');
    g.cpuPeriod = PERIOD;
    g.cpuQuota = QUOTA;
    k.spawn({ image: spin, argv: ['spin'], cgroup: g });
    k.run(3_000_000);
    return { k, g };
  }

  it('a spinner under cpu.max is throttled once in every period it runs', () => {
    const { k, g } = throttledSpinner();
    const stat = keyed(cat(k, 'slow/cpu.stat'));
    expect(stat.nr_throttled).toBeGreaterThanOrEqual(8);
    // Every period the spinner ran in, it used its quota: at most the last one is unfinished.
    expect(stat.nr_periods! - stat.nr_throttled!).toBeLessThanOrEqual(1);
    // Throttled from running out (about QUOTA into the period) to the period's end.
    const perThrottle = g.throttledCycles / g.nrThrottled;
    expect(perThrottle).toBeGreaterThan(0.6 * (PERIOD - QUOTA));
    expect(perThrottle).toBeLessThanOrEqual(PERIOD - QUOTA);
    expect(stat.throttled_usec).toBe(Math.round(g.throttledCycles / 100));
    expect(stat.usage_usec).toBe(Math.round(g.cpuUsage / 100));
  });

  it('a group without a quota, or with one it never reaches, is never throttled', () => {
    const { k } = boot();
    const free = k.rootCgroup.child('free');
    const roomy = k.rootCgroup.child('roomy');
    roomy.cpuPeriod = PERIOD;
    roomy.cpuQuota = PERIOD; // a whole CPU: with one process it cannot run out
    k.spawn({ image: spin, argv: ['a'], cgroup: free });
    k.spawn({ image: spin, argv: ['b'], cgroup: roomy });
    k.run(3_000_000);
    expect(keyed(cat(k, 'free/cpu.stat'))).toMatchObject({ nr_periods: 0, nr_throttled: 0, throttled_usec: 0 });
    const roomyStat = keyed(cat(k, 'roomy/cpu.stat'));
    expect(roomyStat.nr_throttled).toBe(0);
    expect(roomyStat.nr_periods).toBeGreaterThanOrEqual(2);
    expect(keyed(cat(k, 'free/cpu.stat')).usage_usec).toBeGreaterThan(0);
  });
});

describe('checkpoint', () => {
  it('keeps every counter, and refuses corrupt ones', () => {
    const { k } = boot();
    const box = k.rootCgroup.child('box');
    box.pidsMax = 4;
    k.spawn({ image: tenForks, argv: ['forks'], cgroup: box });
    const slow = k.rootCgroup.child('slow');
    slow.cpuPeriod = 1_000_000;
    slow.cpuQuota = 250_000;
    k.spawn({ image: spin, argv: ['spin'], cgroup: slow });
    k.run(3_000_000);
    expect(box.events['pids.max']).toBe(7);
    const state = k.getState();
    const b = boot().k;
    b.setState(structuredClone(state));
    const box2 = b.rootCgroup.children.get('box')!;
    const slow2 = b.rootCgroup.children.get('slow')!;
    expect(box2.events).toEqual(box.events);
    expect(box2.eventsLocal).toEqual(box.eventsLocal);
    expect([slow2.nrPeriods, slow2.nrThrottled, slow2.throttledCycles, slow2.throttledAt])
      .toEqual([slow.nrPeriods, slow.nrThrottled, slow.throttledCycles, slow.throttledAt]);
    expect(b.getState()).toEqual(state);

    const corrupt = structuredClone(state);
    corrupt.cgroups.children.find((c) => c.name === 'box')!.events['pids.max'] = -1;
    expect(() => b.setState(corrupt)).toThrow(/corrupt kernel state: event counters of cgroup \/box/);
    const missing = structuredClone(state) as unknown as { cgroups: { eventsLocal?: unknown } };
    delete missing.cgroups.eventsLocal;
    expect(() => b.setState(missing as unknown as KernelState)).toThrow(KernelStateError);
    expect(b.getState()).toEqual(state);
  });
});
