// Consolidation and cost, computed from the simulation: measured demands decide the
// placement, fewer servers run hotter, latency grows as a host fills, and the TCO figures
// follow their inputs and the measured utilization.
import { describe, expect, it } from 'vitest';
import { consolidate } from '../../../src/core/datacenter/consolidation.ts';
import { serverWatts, tcoInputs, totalCostOfOwnership, TCO_DEFAULTS, TCO_SOURCES } from '../../../src/core/datacenter/tco.ts';

describe('consolidation', () => {
  const report = consolidate({ duration: 20_000_000, fillDuration: 6_000_000 });

  it('measures each service on its own server at low utilization', () => {
    expect(report.before.servers).toBe(8);
    const by = new Map(report.before.services.map((s) => [s.name, s]));
    expect(by.get('web-1')!.cpu).toBeGreaterThan(0.02);
    expect(by.get('web-1')!.cpu).toBeLessThan(0.15);
    expect(by.get('api-1')!.cpu).toBeGreaterThan(by.get('web-1')!.cpu);
    expect(by.get('batch')!.cpu).toBeGreaterThan(0.95);
    expect(by.get('batch')!.latency).toBeNull(); // it never waits for requests
    expect(report.before.utilization).toBeLessThan(20);
  });

  it('packs them onto fewer hosts within the target utilization and RAM', () => {
    expect(report.after.servers).toBeLessThan(report.before.servers);
    expect(report.after.utilization).toBeGreaterThan(2 * report.before.utilization);
    const cpu = new Map(report.before.services.map((s) => [s.name, s]));
    for (const h of report.after.hosts) {
      const demand = h.services.reduce((sum, n) => sum + cpu.get(n)!.cpu, 0);
      const ram = h.services.reduce((sum, n) => sum + cpu.get(n)!.ramBytes, 0);
      if (h.services.length > 1) expect(demand).toBeLessThanOrEqual(report.server.pcpus * report.targetUtilization);
      expect(ram).toBeLessThanOrEqual(report.server.ramBytes);
      expect(h.series.length).toBe(20); // one sample per 10 ms
      expect(h.series.every((s) => s.percent >= 0 && s.percent <= 100)).toBe(true);
    }
    expect(report.after.hosts.flatMap((h) => h.services).sort()).toEqual(report.before.services.map((s) => s.name).sort());
  });

  it('a stricter target needs more hosts', () => {
    const strict = consolidate({ duration: 10_000_000, fill: false, targetUtilization: 0.2 });
    expect(strict.after.servers).toBeGreaterThan(report.after.servers);
  });

  it('service latency grows as one host fills up', () => {
    const first = report.fill[0].latency!;
    const last = report.fill.at(-1)!.latency!;
    expect(report.fill.map((f) => f.services)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(first.meanWaitUs).toBe(0); // alone, it never waits for a CPU
    expect(last.meanUs).toBeGreaterThan(first.meanUs);
    expect(last.meanWaitUs).toBeGreaterThan(0);
    expect(report.fill.at(-1)!.hostUtilization).toBeGreaterThan(report.fill[0].hostUtilization);
  });
});

describe('total cost of ownership', () => {
  const before = [5, 5, 5, 5, 17, 17, 6, 50];
  const after = [70, 10];

  it('every default has a source', () => {
    for (const key of Object.keys(TCO_DEFAULTS)) expect(TCO_SOURCES[key as keyof typeof TCO_SOURCES].length).toBeGreaterThan(20);
  });

  it('capital follows the server price, one server at a time', () => {
    const a = totalCostOfOwnership(tcoInputs(), before, after);
    const b = totalCostOfOwnership(tcoInputs({ serverPrice: 5_000 }), before, after);
    expect(a.before.capital - b.before.capital).toBe(8 * 1_000);
    expect(a.after.capital - b.after.capital).toBe(2 * 1_000);
    expect(b.before.energyCost).toBe(a.before.energyCost);
  });

  it('energy follows the price per kWh, the PUE and the measured utilization', () => {
    const base = totalCostOfOwnership(tcoInputs(), before, after);
    const dear = totalCostOfOwnership(tcoInputs({ pricePerKwh: 0.26 }), before, after);
    expect(dear.before.energyCost).toBeCloseTo(2 * base.before.energyCost, 6);
    const pue = totalCostOfOwnership(tcoInputs({ pue: 2 }), before, after);
    expect(pue.after.facilityWatts).toBeCloseTo((2 / 1.58) * base.after.facilityWatts, 6);
    const busier = totalCostOfOwnership(tcoInputs(), before, [90, 30]);
    expect(busier.after.energyCost).toBeGreaterThan(base.after.energyCost);
    expect(serverWatts(TCO_DEFAULTS, 50)).toBe(225);
  });

  it('uses the utilization the simulation measured', () => {
    const r = consolidate({ duration: 10_000_000, fill: false });
    const t = totalCostOfOwnership(tcoInputs(), r.before.hosts.map((h) => h.utilization), r.after.hosts.map((h) => h.utilization));
    expect(t.before.servers).toBe(r.before.servers);
    expect(t.after.servers).toBe(r.after.servers);
    const expectedWatts = r.after.hosts.reduce((s, h) => s + 150 + 150 * h.utilization / 100, 0);
    expect(t.after.itWatts).toBeCloseTo(expectedWatts, 6);
    expect(t.savings).toBeGreaterThan(0);
    expect(t.after.total).toBeLessThan(t.before.total);
  });

  it('rejects nonsense inputs by name', () => {
    expect(() => tcoInputs({ pue: 0.5 })).toThrow(/PUE must be at least 1/);
    expect(() => tcoInputs({ serverPrice: -1 })).toThrow(/serverPrice/);
    expect(() => tcoInputs({ idleWatts: 400 })).toThrow(/peak watts/);
  });
});
