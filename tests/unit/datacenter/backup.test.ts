// Backup and recovery: an exported snapshot restores on another host (or a fresh data
// centre, as in another browser) and continues identically; wrong or damaged files are
// refused with a clear message and change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackupError, exportBackup, inspectBackup, restoreBackup } from '../../../src/core/datacenter/backup.ts';
import { workloadImage } from '../../../src/core/datacenter/workload.ts';
import { crc32 } from '../../../src/core/vmm/snapshot.ts';
import { VM_STATE_VERSION } from '../../../src/core/vmm/vm.ts';
import { alone, dataCentre, finite } from './helpers.ts';

const spec = finite('bursty', 30, { pages: 8 });

function exported(): Uint8Array {
  const dc = dataCentre(1);
  dc.createVm({ name: 'api', workload: spec });
  dc.runFor(6_000_000);
  return exportBackup(dc, 'api', true);
}

/** A well-formed snapshot container around any JSON state (to test what is inside). */
function container(state: unknown): Uint8Array {
  const json = JSON.stringify(state);
  const payload = new Uint8Array(4 + json.length + 4);
  const dv = new DataView(payload.buffer);
  dv.setUint32(0, json.length, true);
  for (let i = 0; i < json.length; i++) payload[4 + i] = json.charCodeAt(i);
  dv.setUint32(4 + json.length, 0, true);
  const out = new Uint8Array(16 + payload.length);
  const h = new DataView(out.buffer);
  h.setUint32(0, 0x4d564454, true);
  h.setUint32(4, 1, true);
  h.setUint32(8, payload.length, true);
  h.setUint32(12, crc32(payload), true);
  out.set(payload, 16);
  return out;
}

describe('backup and recovery', () => {
  const file = exported();

  it('restores an exported file in another data centre and continues identically', () => {
    const other = dataCentre(2);
    other.addHost({ name: 'spare' });
    const r = restoreBackup(other, file.slice(), 'api-restored', 'spare');
    expect(r.host).toBe('spare');
    other.runUntilIdle(200_000_000);
    expect(other.vm('api-restored').vm.consoleText()).toBe(alone(spec).console);
    expect(other.consoleText('api-restored')).toBe(alone(spec).console);
  });

  it('refuses a truncated file', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: file.length - 1 }), (n) => {
      expect(() => inspectBackup(file.subarray(0, n))).toThrow(/backup refused: snapshot truncated/);
    }), { numRuns: 60 });
  });

  it('refuses a file with any single bit flipped', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: file.length * 8 - 1 }), (bit) => {
      const bad = file.slice();
      bad[bit >>> 3] ^= 1 << (bit & 7);
      expect(() => inspectBackup(bad)).toThrow(/backup refused: (snapshot corrupt|not a Trapdoor VM snapshot|snapshot format version|snapshot truncated)/);
    }), { numRuns: 200 });
  });

  it('refuses another format version', () => {
    const bad = file.slice();
    new DataView(bad.buffer).setUint32(4, 2, true);
    expect(() => inspectBackup(bad)).toThrow('backup refused: snapshot format version 2, this build reads version 1');
  });

  it('refuses the wrong kind of file', () => {
    const elf = workloadImage(spec); // any other file: here an ELF-less image's bytes
    expect(() => inspectBackup(elf.segments[0].bytes)).toThrow('backup refused: not a Trapdoor VM snapshot (bad magic)');
    expect(() => inspectBackup(new TextEncoder().encode('{"kind":"vm"}'))).toThrow(/backup refused: snapshot truncated|bad magic/);
    expect(() => inspectBackup(container({ kind: 'ram', version: 1, ram: {} }))).toThrow("backup refused: the file is a Trapdoor snapshot but not a saved vm state");
    expect(() => inspectBackup(container({ kind: 'vm', version: 99, ram: {} }))).toThrow(/saved vm state has version 99/);
    expect(() => inspectBackup(container({ kind: 'vm', version: VM_STATE_VERSION }))).toThrow(/backup refused: snapshot corrupt: state: must have required property/);
  });

  it('a refused restore leaves the data centre as it was', () => {
    const dc = dataCentre(1);
    const bad = file.slice(0, file.length - 1);
    expect(() => restoreBackup(dc, bad, 'x')).toThrow(BackupError);
    expect(() => restoreBackup(dc, container({ kind: 'vm', version: 1, mode: 'full', ramSize: 4096, ram: {} }), 'x')).toThrow(BackupError);
    expect(dc.vms()).toEqual([]);
    restoreBackup(dc, file, 'x');
    expect(() => restoreBackup(dc, file, 'x')).toThrow("backup refused: a VM named 'x' already exists");
  });
});
