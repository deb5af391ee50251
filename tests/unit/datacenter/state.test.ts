// Saving and restoring a whole data centre: run k, save, restore into a fresh data centre,
// run m gives exactly what running k + m without a break gives (consoles, utilization,
// exit counts, accounts, events). A damaged or other-version state is refused with a
// message and the data centre it was offered to is left as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulk } from '../../../src/core/datacenter/administration.ts';
import { DataCentre } from '../../../src/core/datacenter/datacenter.ts';
import type { DataCentreState } from '../../../src/core/datacenter/datacenter-state.ts';
import { failHost } from '../../../src/core/datacenter/failover.ts';
import { migrate } from '../../../src/core/datacenter/live-migration.ts';
import { readState } from '../saved-state-fixture.ts';
import { dataCentre, finite } from './helpers.ts';

const STEP = 2_000_000;

/**
 * Three hosts, five guests of different profiles, backups every 3 ms, one VM paused; three
 * busy guests share host-1's one CPU, so the round-robin order shows in every figure.
 */
function scenario(): DataCentre {
  const dc = new DataCentre();
  dc.addHost({ name: 'host-1', pcpus: 1 });
  dc.addHost({ name: 'host-2', pcpus: 2 });
  dc.addHost({ name: 'host-3', pcpus: 2 });
  dc.scheduleSnapshots(3_000_000);
  dc.createVm({ name: 'web', workload: finite('bursty', 40, { pages: 6 }), host: 'host-1' });
  dc.createVm({ name: 'batch', workload: finite('cpu-bound', 12), host: 'host-1' });
  dc.createVm({ name: 'crunch', workload: finite('cpu-bound', 10, { work: 7_000 }), host: 'host-1' });
  dc.createVm({ name: 'quiet', workload: finite('idle', 30), host: 'host-2' });
  dc.createVm({ name: 'held', workload: finite('bursty', 20), host: 'host-3' });
  dc.runFor(STEP / 2);
  bulk(dc, 'pause', 'held');
  return dc;
}

/** Everything a learner can read off the data centre. */
function figures(dc: DataCentre) {
  return {
    now: dc.now,
    events: dc.events.map((e) => `${e.at} ${e.text}`),
    hosts: dc.hosts().map((h) => ({ name: h.name, switches: h.switches, utilization: h.utilization.samples(dc.now), horizon: h.horizon() })),
    vms: dc.vms().map((r) => ({
      name: r.name, host: r.host, down: r.down, console: dc.consoleText(r.name), guestConsole: r.vm.consoleText(),
      exits: r.vm.exits.total, byCause: { ...r.vm.exits.byCause }, instret: r.vm.vcpu.cpu.csr.instret,
      cpuTime: r.account.cpuTime, slices: r.account.slices, responses: r.account.responses.length,
      backups: r.snapshots.map((s) => s.at), end: dc.placement(r.name)?.end ?? null,
    })),
  };
}

function restored(state: DataCentreState): DataCentre {
  const fresh = new DataCentre();
  fresh.setState(structuredClone(state)); // as if it had crossed a worker boundary
  return fresh;
}

describe('data centre save and restore', () => {
  it('run k, save, restore, run m equals run k + m', () => {
    // Bounded work (issue 16 item 23): at most 2 + 2 steps, three cases; never a time limit.
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }), (k, m) => {
      const straight = scenario();
      straight.runFor(k * STEP);
      const saved = straight.getState();
      const copy = restored(saved);
      expect(figures(copy)).toEqual(figures(straight));
      straight.runFor(m * STEP);
      copy.runFor(m * STEP);
      expect(figures(copy)).toEqual(figures(straight));
      expect(copy.getState()).toEqual(straight.getState());
    }), { numRuns: 3 });
  });

  it('keeps the scheduled-snapshot policy, paused VMs and a failed host across a restore', () => {
    const dc = scenario();
    dc.runFor(STEP);
    failHost(dc, 'host-2');
    dc.runFor(STEP);
    const copy = restored(dc.getState());
    expect(copy.host('host-2').failed).toBe(true);
    expect(copy.placement('held')?.paused).toBe(true);
    dc.runFor(4 * STEP);
    copy.runFor(4 * STEP);
    expect(figures(copy)).toEqual(figures(dc));
    expect(copy.vm('web').snapshots.map((s) => s.at)).toEqual(dc.vm('web').snapshots.map((s) => s.at));
    expect(copy.vm('quiet').host).not.toBe('host-2');
  });

  it('a restored data centre live-migrates a VM exactly as the original does', () => {
    const dc = scenario();
    dc.runFor(STEP);
    const copy = restored(dc.getState());
    for (const d of [dc, copy]) {
      migrate(d, 'web', 'host-2');
      d.runUntilIdle(100_000_000);
    }
    expect(figures(copy)).toEqual(figures(dc));
  });

  it('refuses to save during a live migration, and saves again once it ends', () => {
    const dc = scenario();
    dc.runFor(STEP);
    const attempts: string[] = [];
    migrate(dc, 'web', 'host-2', {
      onProgress: () => {
        try { dc.getState(); attempts.push('saved'); } catch (e) { attempts.push((e as Error).message); }
      },
    });
    expect(attempts.length).toBeGreaterThan(0);
    for (const a of attempts) expect(a).toMatch(/cannot save the data centre while 'web' is being live-migrated/);
    expect(dc.getState().vms.find((v) => v.name === 'web')?.host).toBe('host-2');
  });
});

describe('a bad data centre state is refused and changes nothing', () => {
  const source = scenario();
  source.runFor(STEP);
  const good = source.getState();

  type Damage = [string, (s: DataCentreState) => unknown, RegExp];
  const damages: Damage[] = [
    ['another version', (s) => ({ ...s, version: s.version + 1 }), /version 3, this build reads version 2/],
    ['not a data centre', (s) => ({ ...s, kind: 'vm' }), /not a saved datacentre state/],
    ['nothing at all', () => null, /not a saved datacentre state/],
    ['a VM snapshot with a flipped byte', (s) => { s.hosts[0].machines[1].vm[40] ^= 0x10; return s; }, /hosts\[0\] \(host-1\): .*machines\[1\]\.vm: snapshot corrupt: checksum mismatch/],
    ['a damaged kept backup', (s) => { s.vms[0].snapshots[0].bytes = s.vms[0].snapshots[0].bytes.subarray(0, 30); return s; }, /truncated/],
    ['a negative clock', (s) => { s.hosts[0].host.clocks[0] = -1; return s; }, /clocks\[0\]/],
    ['a placement of an unknown VM', (s) => { s.hosts[0].host.placements[0].name = 'ghost'; return s; }, /web: saved as running but not placed/],
    ['a VM on a host with no record of it', (s) => { s.vms = s.vms.filter((v) => v.name !== 'web'); return s; }, /VM 'web' is placed here but not saved/],
    ['a VM placed where its record does not say', (s) => { s.vms[0].host = 'host-3'; return s; }, /record says host host-3/],
    ['a VM on no host with nothing left of it', (s) => { s.vms[0].host = null; s.hosts[0].machines.shift(); s.hosts[0].host.placements.shift(); s.hosts[0].host.last = [null]; s.hosts[0].host.next = 0; return s; }, /on no host and nothing is left of it/],
    ['a host of another shape', (s) => { s.hosts[1].host.slice = 7; return s; }, /slice/],
    ['an unknown end of a VM', (s) => { s.hosts[0].host.placements[0].end = { kind: 'melted' } as never; return s; }, /unknown end 'melted'/],
    ['a damaged utilization series', (s) => { s.hosts[0].host.utilization.busy[0] = Number.NaN; return s; }, /hosts\[0\]\.host\.utilization\.busy\[0\]: NaN is not a finite number/],
    ['a console that is not text', (s) => { (s.vms[0] as { console: unknown }).console = 5; return s; }, /console: expected a string/],
  ];

  it.each(damages)('refuses %s', (_what, damage, message) => {
    const target = dataCentre(1);
    target.createVm({ name: 'mine', workload: finite('bursty', 10) });
    target.runFor(STEP);
    const before = target.getState();
    const cpuTime = target.vm('mine').account.cpuTime;
    expect(() => target.setState(damage(structuredClone(good)) as DataCentreState)).toThrow(message);
    expect(() => target.setState(damage(structuredClone(good)) as DataCentreState)).toThrow(/data centre state refused/);
    expect(target.getState()).toEqual(before);
    target.runFor(STEP); // and it carries on
    expect(target.vm('mine').account.cpuTime).toBeGreaterThan(cpuTime);
  });

  it('refuses any single bit flipped in any VM snapshot', () => {
    const count = good.hosts.reduce((n, h) => n + h.machines.length, 0);
    fc.assert(fc.property(fc.integer({ min: 0, max: count - 1 }), fc.nat(), (v, bit) => {
      const bad = structuredClone(good);
      const bytes = bad.hosts.flatMap((h) => h.machines)[v].vm;
      const at = bit % (bytes.length * 8);
      bytes[at >>> 3] ^= 1 << (at & 7);
      const target = new DataCentre();
      expect(() => target.setState(bad)).toThrow(/data centre state refused: .*snapshot/);
      expect(target.vms()).toHaveLength(0);
      expect(target.hosts()).toHaveLength(0);
    }), { numRuns: 25 });
  });
});

describe('a data centre state saved by version 1', () => {
  // tests/fixtures/states/datacentre-v1.json.gz: saved by the DataCentre of commit b0f0478
  // (hosts as bare schedulers, each VM's snapshot and account in its record): a failed host,
  // a paused VM, ended VMs, one restarted elsewhere and one down for want of room; with the
  // figures its restored copy showed 4,000,000 cycles later.
  const fixture = readState('datacentre-v1.json.gz') as { state: DataCentreState; after: { runFor: number; figures: unknown } };

  /** What the version-1 code recorded of its restored copy. */
  function recorded(dc: DataCentre) {
    return {
      now: dc.now,
      events: dc.events.map((e) => `${e.at} ${e.text}`),
      hosts: dc.hosts().map((h) => ({ name: h.name, failed: h.failed, switches: h.switches, utilization: h.utilization.samples(dc.now), horizon: h.horizon() })),
      vms: dc.vms().map((r) => ({
        name: r.name, host: r.host, down: r.down, console: r.console.join(''), guestConsole: r.vm.consoleText(),
        exits: r.vm.exits.total, instret: r.vm.vcpu.cpu.csr.instret,
        cpuTime: r.account.cpuTime, slices: r.account.slices, responses: r.account.responses.length,
        backups: r.snapshots.map((s) => s.at), end: dc.placement(r.name)?.end ?? null, paused: dc.placement(r.name)?.paused ?? null,
      })),
    };
  }

  it('restores, and runs on exactly as version 1 ran its own copy', () => {
    expect(fixture.state.version).toBe(1);
    const dc = restored(fixture.state);
    expect(dc.vm('orphan').down).toMatch(/no surviving host has room/);
    expect(dc.host('host-3').failed).toBe(true);
    dc.runFor(fixture.after.runFor);
    expect(recorded(dc)).toEqual(fixture.after.figures);
  });

  it('saves it again in this version, which restores to the same data centre', () => {
    const dc = restored(fixture.state);
    const again = restored(dc.getState());
    expect(figures(again)).toEqual(figures(dc));
    expect(again.getState()).toEqual(dc.getState());
    expect(again.getState().version).toBe(2);
  });
});
