// Central administration, cloning and the one virtual clock: one listing of everything,
// bulk actions by pattern, N clones in one call, and a schedule that does not depend on
// how the clock is stepped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulk, globToRegExp, listing } from '../../../src/core/datacenter/administration.ts';
import { cloneTemplate } from '../../../src/core/datacenter/clone.ts';
import { pack } from '../../../src/core/datacenter/placement-policy.ts';
import { workloadSpec } from '../../../src/core/datacenter/workload.ts';
import { alone, dataCentre, finite } from './helpers.ts';

describe('central administration', () => {
  it('lists every host, VM and container with state, CPU, memory and exits', () => {
    const dc = dataCentre(2);
    dc.createVm({ name: 'web-1', workload: workloadSpec('idle'), host: 'host-1' });
    dc.createVm({ name: 'batch', workload: workloadSpec('cpu-bound'), host: 'host-2' });
    dc.runFor(5_000_000);
    const containers = {
      list: () => [{ id: 'c1', name: 'redis', image: 'alpine', command: 'sh', status: 'running' as const, exitCode: null, createdNs: 0, startedNs: 0, finishedNs: null, hostPid: 7, hostname: 'r', limits: {} }],
      stats: () => [{ id: 'c1', name: 'redis', cpuPercent: 12.5, memoryBytes: 65536, memoryLimitBytes: 1 << 30, pids: 1 }],
    };
    const l = listing(dc, containers);
    expect(l.hosts.map((h) => [h.name, h.state, h.vms])).toEqual([['host-1', 'up', 1], ['host-2', 'up', 1]]);
    const web = l.vms.find((v) => v.name === 'web-1')!;
    const batch = l.vms.find((v) => v.name === 'batch')!;
    expect(batch.status).toBe('running');
    expect(batch.cpuPercent).toBeGreaterThan(90);
    expect(web.cpuPercent).toBeLessThan(20);
    expect(web.exits).toBeGreaterThan(0);
    expect(web.ramTouched).toBeGreaterThan(0);
    expect(web.ramTouched).toBeLessThan(web.ramBytes);
    expect(l.hosts[1].cpuPercent).toBeGreaterThan(l.hosts[0].cpuPercent);
    expect(l.containers).toEqual([{ name: 'redis', image: 'alpine', status: 'running', cpuPercent: 12.5, memoryBytes: 65536 }]);
  });

  it('pauses, resumes, snapshots and stops every VM matching a pattern', () => {
    const dc = dataCentre(2);
    for (const n of ['web-1', 'web-2', 'db']) dc.createVm({ name: n, workload: workloadSpec('cpu-bound') });
    dc.runFor(1_000_000);
    const paused = bulk(dc, 'pause', 'web-*');
    expect(paused.done).toEqual(['web-1', 'web-2']);
    const at = dc.vm('web-1').vm.vcpu.cpu.csr.instret;
    const db = dc.vm('db').vm.vcpu.cpu.csr.instret;
    dc.runFor(2_000_000);
    expect(dc.vm('web-1').vm.vcpu.cpu.csr.instret).toBeLessThanOrEqual(at + 200_000); // at most the slice in flight
    expect(dc.vm('db').vm.vcpu.cpu.csr.instret).toBeGreaterThan(db + 1_000_000);
    expect(listing(dc).vms.find((v) => v.name === 'web-2')!.status).toBe('paused');
    expect(bulk(dc, 'pause', 'web-?').skipped).toEqual([{ name: 'web-1', reason: 'already paused' }, { name: 'web-2', reason: 'already paused' }]);
    const frozen = dc.vm('web-1').vm.vcpu.cpu.csr.instret;
    expect(bulk(dc, 'resume', '*').done).toEqual(['web-1', 'web-2']);
    dc.runFor(2_000_000);
    expect(dc.vm('web-1').vm.vcpu.cpu.csr.instret).toBeGreaterThan(frozen);
    expect(bulk(dc, 'snapshot', '*').done).toHaveLength(3);
    expect(dc.vm('db').snapshots).toHaveLength(1);
    expect(bulk(dc, 'stop', 'db').done).toEqual(['db']);
    expect(listing(dc).vms.find((v) => v.name === 'db')!.status).toBe('stopped');
    expect(bulk(dc, 'pause', 'nothing-*').done).toEqual([]);
  });

  it('globs match whole names only, with regex characters taken literally', () => {
    expect(globToRegExp('web-*').test('web-12')).toBe(true);
    expect(globToRegExp('web-*').test('xweb-1')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('v?').test('v1')).toBe(true);
  });
});

describe('test/dev cloning', () => {
  it('clones a template N times; every clone continues exactly as the template', () => {
    const spec = finite('bursty', 20);
    const dc = dataCentre(3);
    dc.createVm({ name: 'tmpl', workload: spec, host: 'host-1' });
    dc.runFor(3_000_000);
    const r = cloneTemplate(dc, 'tmpl', 5, 'dev');
    expect(r.clones.map((c) => c.name)).toEqual(['dev-1', 'dev-2', 'dev-3', 'dev-4', 'dev-5']);
    expect(new Set(r.clones.map((c) => c.host)).size).toBeGreaterThanOrEqual(1);
    dc.runUntilIdle(200_000_000);
    const expected = alone(spec).console;
    for (const c of ['tmpl', ...r.clones.map((x) => x.name)]) expect(dc.vm(c).vm.consoleText()).toBe(expected);
    expect(() => cloneTemplate(dc, 'tmpl', 1, 'dev')).toThrow(/already exists/);
    expect(() => cloneTemplate(dc, 'tmpl', 0)).toThrow(/1 to 256/);
  });

  it('stops cleanly when the hosts are full', () => {
    const dc = dataCentre(1);
    dc.createVm({ name: 'big', workload: workloadSpec('memory-heavy') });
    expect(() => cloneTemplate(dc, 'big', 10)).toThrow(/no host has/);
    expect(dc.vms().length).toBeLessThan(10); // those that fitted stay, no half-made VM
    expect(dc.vms().every((v) => v.host !== null)).toBe(true);
  });
});

describe('one virtual clock', () => {
  it('gives the same schedule however the clock is stepped', () => {
    const build = () => {
      const dc = dataCentre(2);
      dc.createVm({ name: 'a', workload: workloadSpec('bursty'), host: 'host-1' });
      dc.createVm({ name: 'b', workload: workloadSpec('idle'), host: 'host-1' });
      dc.createVm({ name: 'c', workload: workloadSpec('cpu-bound'), host: 'host-1' });
      return dc;
    };
    const once = build();
    once.runUntil(12_000_000);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 1_400_000 }), { minLength: 1, maxLength: 8 }), (steps) => {
      const stepped = build();
      for (const s of steps) stepped.runFor(s); // at most 11.2 ms: the last step ends at 12 ms
      stepped.runUntil(12_000_000);
      expect(stepped.host('host-1').utilization.samples(12_000_000)).toEqual(once.host('host-1').utilization.samples(12_000_000));
      for (const n of ['a', 'b', 'c']) expect(stepped.vm(n).account.responses).toEqual(once.vm(n).account.responses);
    }), { numRuns: 4 });
  });
});

describe('placement', () => {
  it('first fit (decreasing) places every VM once, within capacity, never below the lower bound', () => {
    const demand = fc.record({ cpu: fc.double({ min: 0, max: 2, noNaN: true }), mem: fc.integer({ min: 1, max: 64 }) });
    fc.assert(fc.property(fc.array(demand, { maxLength: 30 }), fc.boolean(), (ds, decreasing) => {
      const demands = ds.map((d, i) => ({ name: `v${i}`, cpu: d.cpu, memBytes: d.mem }));
      const bins = pack(demands, { cpu: 1.5, memBytes: 64 }, decreasing ? 'first-fit-decreasing' : 'first-fit');
      expect(bins.flatMap((b) => b.items).sort()).toEqual(demands.map((d) => d.name).sort());
      for (const b of bins) {
        expect(b.memBytes).toBeLessThanOrEqual(64);
        if (b.items.length > 1) expect(b.cpu).toBeLessThanOrEqual(1.5 + 1e-9);
      }
      const memBound = Math.ceil(demands.reduce((s, d) => s + d.memBytes, 0) / 64);
      expect(bins.length).toBeGreaterThanOrEqual(memBound);
    }));
  });
});
