// The page's interface, in-process: plain data out, progress reported, refusals as
// messages rather than exceptions.
import { describe, expect, it } from 'vitest';
import { DataCentreService, type MigrationProgress } from '../../../src/worker/datacenter-api.ts';

describe('DataCentreService', () => {
  it('views, advances, migrates with progress, fails a host, restores backups', async () => {
    const s = new DataCentreService();
    const v0 = await s.view();
    expect(v0.listing.hosts).toHaveLength(3);
    const v1 = await s.advance(30);
    expect(v1.now).toBe(v0.now + 3_000_000);
    expect(v1.series[0].samples.length).toBeGreaterThan(v0.series[0].samples.length);
    const seen: MigrationProgress[] = [];
    const m = await s.migrate('api-1', 'host-3', 1000, (p) => seen.push(p));
    expect(m.to).toBe('host-3');
    expect(seen.at(-1)!.percent).toBe(100);
    const f = await s.failHost('host-2');
    expect(f.vms.map((v) => v.vm).sort()).toEqual(['batch', 'cache']);
    const file = await s.exportBackup('web-1');
    expect(await s.restoreBackup(file, 'web-1b', 'host-3')).toEqual({ ok: true, message: 'web-1b restored on host-3' });
    const bad = await s.restoreBackup(file.subarray(0, 20), 'x');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^backup refused: snapshot truncated/);
    expect(JSON.parse(JSON.stringify(await s.view())).listing.vms).toHaveLength(6); // plain, cloneable data
    await expect(s.advance(-1)).rejects.toThrow(/advance takes/);
  });

  it('computes cost from given utilizations and follows its inputs', async () => {
    const s = new DataCentreService();
    const { defaults } = await s.costDefaults();
    const a = await s.cost(defaults, [5, 5, 50], [60]);
    const b = await s.cost({ ...defaults, years: 8 }, [5, 5, 50], [60]);
    expect(b.before.adminCost).toBeCloseTo(2 * a.before.adminCost, 6);
    expect(b.before.capital).toBe(a.before.capital);
  });
});
