// One physical host saved on its own: its scheduler state names the VMs placed on it, and
// the owner hands them back (here rebuilt from vmm snapshots) when it is restored.
import { describe, expect, it } from 'vitest';
import { PhysicalHost, type VmAccount } from '../../../src/core/vmm/physical-host.ts';
import { UtilizationSeries } from '../../../src/core/vmm/utilization.ts';
import { workloadImage } from '../../../src/core/datacenter/workload.ts';
import { cloneFromSnapshot, saveSnapshot } from '../../../src/core/vmm/snapshot.ts';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { finite } from './helpers.ts';

const OPTIONS = { name: 'h', pcpus: 1, ramBytes: 64 << 20, slice: 100_000, switchCost: 500, bucketCycles: 1_000_000, startAt: 0 };
const account = (): VmAccount => ({ cpuTime: 0, slices: 0, responses: [], cpu: new UtilizationSeries(1_000_000, 1) });

function copyAccount(a: VmAccount): VmAccount {
  const cpu = new UtilizationSeries(1_000_000, 1);
  cpu.setState(a.cpu.getState());
  return { cpuTime: a.cpuTime, slices: a.slices, responses: a.responses.map((r) => ({ ...r })), cpu };
}

function loaded() {
  const host = new PhysicalHost(OPTIONS);
  const guests = new Map<string, { vm: Vm; account: VmAccount }>();
  for (const [name, spec] of [['x', finite('bursty', 20)], ['y', finite('cpu-bound', 6)], ['z', finite('idle', 20)]] as const) {
    const vm = new Vm({ mode: 'full', ramSize: spec.ramBytes });
    vm.load(workloadImage(spec));
    const g = { vm, account: account() };
    guests.set(name, g);
    host.add(vm, name, g.account, 0);
  }
  return { host, guests };
}

describe('PhysicalHost save and restore', () => {
  it('continues exactly as the original when its guests are handed back', () => {
    const a = loaded();
    a.host.advanceTo(2_500_000);
    const state = structuredClone(a.host.getState());
    const copies = new Map([...a.guests].map(([n, g]) => [n, { vm: cloneFromSnapshot(saveSnapshot(g.vm)), account: copyAccount(g.account) }]));
    const b = new PhysicalHost({ ...OPTIONS, startAt: 0 });
    b.setState(state, (n) => copies.get(n)!);
    for (const h of [a.host, b]) h.advanceTo(9_000_000);
    expect(b.getState()).toEqual(a.host.getState());
    expect(b.utilization.samples(9_000_000)).toEqual(a.host.utilization.samples(9_000_000));
    for (const n of ['x', 'y', 'z']) {
      expect(copies.get(n)!.vm.consoleText()).toBe(a.guests.get(n)!.vm.consoleText());
      expect(copies.get(n)!.vm.exits.byCause).toEqual(a.guests.get(n)!.vm.exits.byCause);
      expect(copies.get(n)!.account.cpuTime).toBe(a.guests.get(n)!.account.cpuTime);
    }
  });

  it('refuses a host of another shape, another version, or a guest the owner cannot supply, unchanged', () => {
    const a = loaded();
    a.host.advanceTo(1_000_000);
    const state = a.host.getState();
    const target = loaded();
    const before = target.host.getState();
    const lookup = (n: string) => target.guests.get(n)!;
    expect(() => target.host.setState({ ...state, pcpus: 2 }, lookup)).toThrow(/host 'h' state refused: pcpus: the saved host has 2, host 'h' has 1/);
    expect(() => target.host.setState({ ...state, version: 0 }, lookup)).toThrow(/version 0, this build reads version 1/);
    expect(() => target.host.setState(state, () => { throw new Error('no VM x here'); })).toThrow(/no VM x here/);
    expect(() => target.host.setState({ ...state, last: [7] }, lookup)).toThrow(/no placement number 7/);
    expect(target.host.getState()).toEqual(before);
  });
});
