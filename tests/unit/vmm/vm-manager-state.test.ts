// Saving and restoring the `vm` backend (VmManager): run k, save, restore into a fresh
// backend, run m gives what running k + m does (consoles, exits, stats, states, tags); a
// damaged or other-version state is refused and the backend it was offered to is unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VmManager, type VmManagerState } from '../../../src/core/vmm/vm-manager.ts';
import { readState } from '../saved-state-fixture.ts';

const macrotask = () => new Promise<void>((r) => setImmediate(r));
const STEP = 700_000;

function bench(start = 0, pcpus = 1) {
  let now = start;
  const hv = new VmManager({ now: () => now, yieldToHost: macrotask, pcpus });
  return { hv, advance: (cycles: number) => { now += cycles; hv.sync(); }, get now() { return now; } };
}

/** Four VMs sharing one CPU: two kernels (full and PV), a console VM fed input, one left stopped. */
function scenario() {
  const b = bench();
  for (const [name, image] of [['a', 'rr-kernel'], ['b', 'rr-kernel-pv'], ['e', 'echo-console'], ['idle', 'hello-uart']] as const) {
    b.hv.create({ name, image, memoryBytes: 1 << 20 });
  }
  for (const name of ['a', 'b', 'e']) b.hv.start(name);
  b.advance(STEP);
  b.hv.snapshot('a', 'early');
  b.hv.console('e').input('first\n');
  return b;
}

function figures(b: ReturnType<typeof bench>) {
  const hv = b.hv;
  const list = hv.list();
  return {
    list,
    stats: hv.stats(),
    consoles: list.map((v) => hv.machineVm(v.name)!.consoleText()),
    exits: list.map((v) => ({ ...hv.machineVm(v.name)!.exits.byCause })),
  };
}

describe('VmManager save and restore', () => {
  it('run k, save, restore, run m equals run k + m', () => {
    // Bounded work (issue 16 item 23): at most 2 + 2 steps, three cases; never a time limit.
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }), (k, m) => {
      const straight = scenario();
      straight.advance(k * STEP);
      const saved = straight.hv.getState();
      const copy = bench(straight.now);
      copy.hv.setState(structuredClone(saved));
      for (const b of [straight, copy]) {
        b.hv.console('e').input('second\n');
        b.advance(m * STEP);
      }
      expect(figures(copy)).toEqual(figures(straight));
      expect(copy.hv.getState()).toEqual(straight.hv.getState());
    }), { numRuns: 3 });
  });

  it('a restored VM finishes with the output of an uninterrupted run, and its tags still restore', () => {
    const straight = scenario();
    const copy = bench(straight.now);
    copy.hv.setState(straight.hv.getState());
    for (const b of [straight, copy]) b.advance(100_000_000);
    expect(copy.hv.list().map((v) => v.state)).toEqual(['stopped', 'stopped', 'running', 'created']);
    expect(figures(copy)).toEqual(figures(straight));
    copy.hv.restore('a', 'early');
    straight.hv.restore('a', 'early');
    expect(copy.hv.machineVm('a')!.getState()).toEqual(straight.hv.machineVm('a')!.getState());
  });

  it('a fresh shell whose clock is behind waits for the saved host time', () => {
    const straight = scenario();
    const copy = bench(0);
    copy.hv.setState(straight.hv.getState());
    const saved = copy.hv.machineVm('a')!.vcpu.cpu.csr.instret;
    copy.advance(0);
    expect(copy.hv.machineVm('a')!.vcpu.cpu.csr.instret).toBe(saved); // not run twice
    for (const b of [straight, copy]) b.advance(3 * STEP);
    expect(copy.hv.machineVm('a')!.vcpu.cpu.csr.instret).toBeGreaterThan(saved);
    expect(figures(copy).consoles).toEqual(figures(straight).consoles);
    expect(copy.hv.getState().host).toEqual(straight.hv.getState().host);
  });
});

describe('a bad VmManager state is refused and changes nothing', () => {
  const good = scenario().hv.getState();

  type Damage = [string, (s: VmManagerState) => unknown, RegExp];
  const damages: Damage[] = [
    ['another version', (s) => ({ ...s, version: 9 }), /version 9, this build reads version 2/],
    ['a data centre state', (s) => ({ ...s, kind: 'datacentre' }), /not a saved hypervisor-host state/],
    ['a VM snapshot with a flipped byte', (s) => { s.machines[0].vm[100] ^= 1; return s; }, /checksum mismatch/],
    ['a damaged tagged snapshot', (s) => { s.machines[0].snapshots[0][1] = s.machines[0].snapshots[0][1].subarray(1); return s; }, /snapshot/],
    ['an image this build lacks', (s) => { s.machines[0].image = 'no-such-kernel'; return s; }, /no such image in this build/],
    ['a running VM not on the host', (s) => { s.host.placements.shift(); return s; }, /saved as running but not placed/],
    ['a host with more CPUs', (s) => { s.host.pcpus = 2; s.host.clocks.push(0); s.host.last.push(null); return s; }, /pcpus/],
    ['an unknown VM state', (s) => { (s.machines[3] as { state: string }).state = 'dreaming'; return s; }, /unknown state 'dreaming'/],
  ];

  it.each(damages)('refuses %s', (_what, damage, message) => {
    const target = bench(0);
    target.hv.create({ name: 'mine', image: 'rr-kernel', memoryBytes: 1 << 20 });
    target.hv.start('mine');
    target.advance(STEP);
    const before = target.hv.getState();
    expect(() => target.hv.setState(damage(structuredClone(good)) as VmManagerState)).toThrow(message);
    expect(() => target.hv.setState(damage(structuredClone(good)) as VmManagerState)).toThrow(/hypervisor state refused/);
    expect(target.hv.getState()).toEqual(before);
    target.advance(STEP);
    expect(target.hv.list().map((v) => v.name)).toEqual(['mine']);
    expect(target.hv.list()[0]!.instructions).toBeGreaterThan(0);
  });

  it('refuses while a terminal is attached to a console', () => {
    const target = bench(0);
    target.hv.create({ name: 'e', image: 'echo-console' });
    target.hv.start('e');
    const detach = target.hv.console('e').onOutput(() => {});
    expect(() => target.hv.setState(structuredClone(good))).toThrow(/attached .* detach it first/);
    expect(target.hv.list().map((v) => v.name)).toEqual(['e']);
    detach();
    target.hv.setState(structuredClone(good));
    expect(target.hv.list().map((v) => v.name)).toEqual(['a', 'b', 'e', 'idle']);
  });
});

describe('a VmManager state saved by version 1', () => {
  // tests/fixtures/states/hypervisor-host-v1.json.gz: saved by the VmManager of commit
  // b0f0478 (three VMs, two running on one CPU, a tagged snapshot), with what its restored
  // copy printed and listed after 100,000,000 more cycles.
  const fixture = readState('hypervisor-host-v1.json.gz') as {
    state: VmManagerState;
    after: { now: number; list: unknown[]; consoles: string[] };
  };

  it('restores and runs on to what version 1 itself ran it to', () => {
    expect(fixture.state.version).toBe(1);
    let now = fixture.state.now;
    const hv = new VmManager({ now: () => now, yieldToHost: macrotask, pcpus: 1 });
    hv.setState(fixture.state);
    now = fixture.after.now;
    hv.sync();
    expect(hv.list()).toEqual(fixture.after.list);
    expect(hv.list().map((v) => hv.machineVm(v.name)!.consoleText())).toEqual(fixture.after.consoles);
    expect(hv.list()[0]!.snapshots).toEqual(['early']);
    hv.restore('a', 'early');
  });
});
