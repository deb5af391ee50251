// Live migration: the guest's console after moving is byte-identical to a run that never
// moved; rounds, pages and downtime are reported; a guest dirtying memory faster than the
// link forces pre-copy to stop with a long stop-and-copy.
import { describe, expect, it } from 'vitest';
import { migrate, MigrationError, type MigrationProgress } from '../../../src/core/datacenter/live-migration.ts';
import { alone, dataCentre, finite } from './helpers.ts';

describe('live migration', () => {
  const spec = finite('bursty', 60, { pages: 40 });
  const reference = alone(spec);

  it('the reference run prints and powers off', () => {
    expect(reference.exitCode).toBe(0);
    expect(reference.console.split('\n').length).toBeGreaterThan(10);
  });

  it('moves a running VM; its output is identical to a run that never moved', () => {
    const dc = dataCentre(2);
    dc.createVm({ name: 'api', workload: spec, host: 'host-1' });
    dc.runFor(8_000_000);
    const before = dc.consoleText('api');
    const progress: MigrationProgress[] = [];
    const report = migrate(dc, 'api', 'host-2', { onProgress: (p) => progress.push(p) });
    dc.runUntilIdle(200_000_000);

    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(reference.console.length); // it moved mid-run
    expect(dc.consoleText('api')).toBe(reference.console);
    expect(dc.vm('api').vm.consoleText()).toBe(reference.console);
    expect(dc.vm('api').vm.exitCode).toBe(0);
    expect(dc.vm('api').host).toBe('host-2');
    expect(dc.host('host-1').placements()).toHaveLength(0);

    expect(report.rounds.length).toBeGreaterThanOrEqual(1);
    expect(report.rounds[0].pages).toBeGreaterThanOrEqual(40); // all it ever wrote, first
    expect(report.pagesSent).toBe(report.rounds.reduce((n, r) => n + r.pages, 0) + report.finalPages);
    expect(report.downtimeCycles).toBeGreaterThan(0);
    expect(report.downtimeCycles).toBeLessThan(report.totalCycles);
    expect(report.stopReason).toBe('converged');
    expect(progress.at(-1)?.phase).toBe('done');
    expect(progress.map((p) => p.percent)).toEqual([...progress.map((p) => p.percent)].sort((a, b) => a - b));
  });

  it('a slower link means longer rounds and longer downtime', () => {
    const run = (bits: number) => {
      const dc = dataCentre(2);
      dc.createVm({ name: 'api', workload: spec, host: 'host-1' });
      dc.runFor(8_000_000);
      return migrate(dc, 'api', 'host-2', { linkBitsPerSecond: bits });
    };
    const fast = run(10e9);
    const slow = run(100e6);
    expect(slow.rounds[0].cycles).toBeGreaterThan(50 * fast.rounds[0].cycles);
    expect(slow.downtimeCycles).toBeGreaterThan(fast.downtimeCycles);
  });

  it('a guest that dirties memory faster than the link carries it makes pre-copy give up', () => {
    const heavy = finite('memory-heavy', 60, { pages: 1_000 });
    const calm = finite('idle', 60);
    const run = (s: typeof heavy) => {
      const dc = dataCentre(2);
      dc.createVm({ name: 'vm', workload: s, host: 'host-1' });
      dc.runFor(5_000_000);
      const report = migrate(dc, 'vm', 'host-2', { maxRounds: 30 });
      dc.runUntilIdle(200_000_000);
      return { report, console: dc.consoleText('vm') };
    };
    const h = run(heavy);
    const c = run(calm);
    expect(h.report.stopReason).not.toBe('converged');
    expect(h.report.rounds.length).toBeLessThan(30); // it saw the rounds were not shrinking
    expect(h.report.rounds.at(-1)!.dirtied).toBeGreaterThanOrEqual(900);
    expect(h.report.finalPages).toBeGreaterThanOrEqual(900);
    expect(c.report.stopReason).toBe('converged');
    expect(h.report.downtimeCycles).toBeGreaterThan(50 * c.report.downtimeCycles);
    // Even the long stop-and-copy loses nothing.
    expect(h.console).toBe(alone(heavy).console);
    expect(c.console).toBe(alone(calm).console);
  });

  it('refuses impossible moves with a reason', () => {
    const dc = dataCentre(2);
    dc.createVm({ name: 'a', workload: spec, host: 'host-1' });
    expect(() => migrate(dc, 'a', 'host-1')).toThrow(MigrationError);
    expect(() => migrate(dc, 'a', 'host-9')).toThrow(/no host named 'host-9'/);
    expect(() => migrate(dc, 'a', 'host-2', { linkBitsPerSecond: 0 })).toThrow(/bandwidth/);
  });
});
