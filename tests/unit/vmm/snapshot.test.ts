// Snapshots: run k, save, restore into a fresh VM, run m == run k+m, bit for bit; clones;
// corrupt, truncated and other-version snapshots refused without changing anything.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneFromSnapshot, restoreSnapshot, saveSnapshot, SnapshotError } from '../../../src/core/vmm/snapshot.ts';
import { Vm, type VmMode } from '../../../src/core/vmm/vm.ts';
import { guest } from './corpus.ts';

function fresh(kind: 'bare' | 'pv', name: string): Vm {
  const vm = new Vm({ mode: kind === 'bare' ? 'full' : 'pv' as VmMode });
  vm.load(guest(kind, name).image);
  return vm;
}

/** Runs exactly n guest instructions' worth (sleeping through wfi like a lone VM). */
function advance(vm: Vm, n: number): void {
  let left = n;
  while (left > 0) {
    const before = vm.vcpu.cpu.csr.instret;
    const stop = vm.run(left);
    left -= Math.max(1, vm.vcpu.cpu.csr.instret - before);
    if (stop.kind === 'idle') vm.sleep();
    else if (stop.kind !== 'budget' && stop.kind !== 'yield') break;
  }
}

function fingerprint(vm: Vm): string {
  const s = vm.getState();
  return JSON.stringify({ ...s, ram: s.ram.pages.map(([i, p]) => [i, Array.from(p).join(',')]) });
}

describe('VM snapshots', () => {
  it('run k, snapshot, restore into a fresh VM, run m equals running k+m (property)', () => {
    fc.assert(fc.property(
      fc.constantFrom<['bare' | 'pv', string]>(['bare', 'rr-kernel'], ['pv', 'rr-kernel'], ['bare', 'timer-wfi'], ['pv', 'timer-wfi']),
      fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 60_000 }),
      ([kind, name], k, m) => {
        const straight = fresh(kind, name);
        advance(straight, k + m);
        const first = fresh(kind, name);
        advance(first, k);
        const snap = saveSnapshot(first);
        const restored = new Vm({ mode: first.mode });
        restoreSnapshot(restored, snap);
        advance(restored, m);
        expect(fingerprint(restored)).toBe(fingerprint(straight));
      }), { numRuns: 12 });
  });

  it('holds only the pages the guest touched', () => {
    const vm = fresh('bare', 'rr-kernel');
    advance(vm, 10_000);
    const snap = saveSnapshot(vm);
    expect(snap.length).toBeLessThan(64 * 1024);
  });

  it('clones continue independently from the same point', () => {
    const vm = fresh('pv', 'rr-kernel');
    advance(vm, 5_000);
    const snap = saveSnapshot(vm);
    const a = cloneFromSnapshot(snap);
    const b = cloneFromSnapshot(snap);
    advance(a, 2_000_000);
    advance(b, 2_000_000);
    expect(a.consoleText()).toBe(guest('pv', 'rr-kernel').expectedStdout);
    expect(b.consoleText()).toBe(a.consoleText());
    expect(a.exitCode).toBe(0);
  });

  it('refuses corrupt, truncated, foreign and other-version snapshots and changes nothing', () => {
    const vm = fresh('bare', 'timer-wfi');
    advance(vm, 3_000);
    const good = saveSnapshot(vm);
    const target = fresh('bare', 'hello-uart');
    const before = fingerprint(target);
    const corrupt = good.slice(); corrupt[good.length - 100] ^= 0xff;
    const truncated = good.slice(0, good.length - 1);
    const version = good.slice(); version[4] = 99;
    const magic = good.slice(); magic[0] = 0;
    expect(() => restoreSnapshot(target, corrupt)).toThrow(/checksum/);
    expect(() => restoreSnapshot(target, truncated)).toThrow(/truncated/);
    expect(() => restoreSnapshot(target, version)).toThrow(/version 99/);
    expect(() => restoreSnapshot(target, magic)).toThrow(SnapshotError);
    expect(() => restoreSnapshot(target, good.slice(0, 5))).toThrow(/truncated/);
    expect(() => restoreSnapshot(new Vm({ mode: 'pv' }), good)).toThrow(/'full'/);
    expect(fingerprint(target)).toBe(before);
  });
});
