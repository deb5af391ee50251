// VmManager as a data centre's host runs it: VMs that arrive (a program image booted, a
// snapshot, the state a migration carried) and leave with their account, on a clock the
// owner moves, with ended VMs kept placed until they are handed over.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGuestImage } from '../../../src/core/vmm/images/index.ts';
import { saveSnapshot } from '../../../src/core/vmm/snapshot.ts';
import { VmManager, type VmManagerOptions } from '../../../src/core/vmm/vm-manager.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const expected = (dir: string) => readFileSync(join(FIXTURES, dir, 'expected.stdout'), 'latin1');

/** A host whose clock the test moves, as a data centre moves its one clock. */
function host(options: Partial<VmManagerOptions> = {}) {
  const clock = { now: 0 };
  const hv = new VmManager({ now: () => clock.now, ended: 'keep', responsesKept: Infinity, ...options });
  return { hv, clock, run: (t: number) => { hv.advanceTo(t); clock.now = t; } };
}

const rr = () => buildGuestImage('rr-kernel');

describe('VmManager on a data centre host', () => {
  it('boots any program image that arrives and keeps the ended VM placed, its RAM free', () => {
    const seen: Array<[string, string]> = [];
    const h = host({ name: 'host-1', ramBytes: 4 << 20, onConsole: (vm, t) => seen.push([vm, t]) });
    h.hv.adopt({ name: 'a', image: 'rr', origin: { kind: 'boot', program: rr(), mode: 'full', ramBytes: 1 << 20 } });
    expect(h.hv.name).toBe('host-1');
    expect(h.hv.freeRam()).toBe(3 << 20);
    h.run(100_000_000);
    expect(seen.map(([, t]) => t).join('')).toBe(expected('bare/rr-kernel'));
    expect(new Set(seen.map(([vm]) => vm))).toEqual(new Set(['a']));
    expect(h.hv.placement('a')?.end).toEqual({ kind: 'exit', exitCode: 0 });
    expect(h.hv.freeRam()).toBe(4 << 20);
    expect(h.hv.list().map((v) => [v.name, v.state, v.image])).toEqual([['a', 'stopped', 'rr']]);
  });

  it('hands a VM over with its account; another host continues it from a snapshot to the same output', () => {
    const one = host({ name: 'one' });
    const two = host({ name: 'two' });
    one.hv.adopt({ name: 'a', image: 'rr', origin: { kind: 'boot', program: rr(), mode: 'full', ramBytes: 1 << 20 } });
    one.run(1_000_000);
    const gone = one.hv.handOver('a');
    expect(one.hv.placements()).toHaveLength(0);
    expect(one.hv.list()).toHaveLength(0);
    const cpuBefore = gone.account.cpuTime;
    expect(cpuBefore).toBeGreaterThan(0);
    two.clock.now = one.clock.now;
    two.run(one.clock.now);
    two.hv.adopt({ name: 'a', image: 'rr', origin: { kind: 'snapshot', bytes: saveSnapshot(gone.vm), program: rr() }, account: gone.account });
    two.run(200_000_000);
    expect(two.hv.guest('a')!.vm.consoleText()).toBe(expected('bare/rr-kernel'));
    expect(two.hv.guest('a')!.account).toBe(gone.account);
    expect(two.hv.guest('a')!.account.cpuTime).toBeGreaterThan(cpuBefore); // one account, wherever it ran
  });

  it('continues a VM from the state a migration carried, asleep where it slept', () => {
    const one = host();
    const two = host();
    one.hv.adopt({ name: 'a', image: 'rr', origin: { kind: 'boot', program: rr(), mode: 'pv', ramBytes: 1 << 20 } });
    one.run(2_000_000);
    const gone = one.hv.handOver('a');
    const p = gone.placement!;
    two.hv.adopt({
      name: 'a', image: 'rr', origin: { kind: 'state', state: gone.vm.getState(), program: rr() }, account: gone.account,
      readyAt: p.readyAt, resume: { blocked: p.blocked, sleepFor: p.sleepFor, requestAt: p.requestAt },
    });
    expect(two.hv.placement('a')).toMatchObject({ blocked: p.blocked, sleepFor: p.sleepFor, readyAt: p.readyAt });
    two.run(200_000_000);
    expect(two.hv.guest('a')!.vm.consoleText()).toBe(expected('bare/rr-kernel'));
  });

  it('pauses and resumes a VM, and stops it in place', () => {
    const h = host();
    h.hv.adopt({ name: 'a', image: 'rr', origin: { kind: 'boot', program: rr(), mode: 'full', ramBytes: 1 << 20 } });
    h.run(500_000);
    h.hv.pause('a');
    const at = h.hv.guest('a')!.vm.vcpu.cpu.csr.instret;
    h.run(5_000_000);
    expect(h.hv.guest('a')!.vm.vcpu.cpu.csr.instret).toBe(at);
    h.hv.resume('a');
    expect(h.hv.placement('a')!.readyAt).toBeGreaterThanOrEqual(h.clock.now);
    h.run(6_000_000);
    expect(h.hv.guest('a')!.vm.vcpu.cpu.csr.instret).toBeGreaterThan(at);
    h.hv.stop('a');
    expect(h.hv.placement('a')!.end).toEqual({ kind: 'stopped' });
    h.hv.handOver('a');
    expect(() => h.hv.pause('a')).toThrow('no such VM: a');
  });

  it('saves a VM that boots a program image with the program, and restores it to run on identically', () => {
    const h = host({ name: 'h' });
    h.hv.adopt({ name: 'a', image: 'workload', origin: { kind: 'boot', program: rr(), mode: 'full', ramBytes: 1 << 20 } });
    h.hv.adopt({ name: 'b', image: 'restored', origin: { kind: 'snapshot', bytes: saveSnapshot(h.hv.guest('a')!.vm) } });
    h.run(1_000_000);
    const saved = h.hv.getState();
    expect(saved.machines.map((m) => [m.image, m.program === null ? null : typeof m.program])).toEqual([['workload', 'object'], ['restored', null]]);
    const copy = host({ name: 'h' });
    copy.clock.now = h.clock.now;
    copy.hv.setState(structuredClone(saved));
    for (const x of [h, copy]) x.run(100_000_000);
    expect(copy.hv.getState()).toEqual(h.hv.getState());
    expect(copy.hv.guest('a')!.vm.consoleText()).toBe(expected('bare/rr-kernel'));
  });

  it('refuses an arrival on a failed host, under a name in use, or without room, and changes nothing', () => {
    const h = host({ ramBytes: 2 << 20 });
    const boot = { kind: 'boot', program: rr(), mode: 'full', ramBytes: 1 << 20 } as const;
    h.hv.adopt({ name: 'a', image: 'rr', origin: boot });
    expect(() => h.hv.adopt({ name: 'a', image: 'rr', origin: boot })).toThrow('a VM named a exists');
    expect(() => h.hv.adopt({ name: 'b', image: 'rr', origin: { ...boot, ramBytes: 2 << 20 } })).toThrow(/not enough host RAM for b/);
    expect(() => h.hv.adopt({ name: 'c', image: 'rr', origin: { kind: 'snapshot', bytes: new Uint8Array(8) } })).toThrow(/snapshot/);
    h.hv.failed = true;
    expect(() => h.hv.adopt({ name: 'd', image: 'rr', origin: boot })).toThrow("host 'host' is down");
    expect(h.hv.list().map((v) => v.name)).toEqual(['a']);
    expect(h.hv.placements().map((p) => p.name)).toEqual(['a']);
    const shell = new VmManager({ now: () => 0 });
    shell.create({ name: 'c', image: 'hello-uart' });
    expect(() => shell.pause('c')).toThrow("c is not on the host's CPUs");
  });
});
