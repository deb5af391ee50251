// Issue 16, items 12 and 13: a backup whose checksum is valid but whose contents lie is
// refused at once, with the field that is wrong, and changes nothing — a declared JSON
// length far past the file (no allocation follows it), and values no VM could have saved
// (a clock of 1e308, a register that is a string, `__proto__` keys).
import { describe, expect, it } from 'vitest';
import { BackupError, exportBackup, inspectBackup, restoreBackup } from '../../../src/core/datacenter/backup.ts';
import { crc32, readSnapshot } from '../../../src/core/vmm/snapshot.ts';
import type { VmState } from '../../../src/core/vmm/vm.ts';
import { dataCentre, finite } from './helpers.ts';

const spec = finite('bursty', 30, { pages: 8 });

function exported(): Uint8Array {
  const dc = dataCentre(1);
  dc.createVm({ name: 'api', workload: spec });
  dc.runFor(3_000_000);
  return exportBackup(dc, 'api', true);
}

/** A snapshot around `json` and the given pages, with a correct header and checksum. */
function snapshotOf(json: string, pages: Array<[number, Uint8Array]> = [], jsonLength = json.length): Uint8Array {
  const payload = new Uint8Array(4 + json.length + 4 + pages.length * 4100);
  const dv = new DataView(payload.buffer);
  dv.setUint32(0, jsonLength, true);
  for (let i = 0; i < json.length; i++) payload[4 + i] = json.charCodeAt(i);
  let at = 4 + json.length;
  dv.setUint32(at, pages.length, true);
  at += 4;
  for (const [index, bytes] of pages) { dv.setUint32(at, index, true); payload.set(bytes, at + 4); at += 4100; }
  const out = new Uint8Array(16 + payload.length);
  const h = new DataView(out.buffer);
  h.setUint32(0, 0x4d564454, true);
  h.setUint32(4, 1, true);
  h.setUint32(8, payload.length, true);
  h.setUint32(12, crc32(payload), true);
  out.set(payload, 16);
  return out;
}

const file = exported();
const good = readSnapshot(file);
const goodJson = (edit: (s: Record<string, any>) => void): string => {
  const s = structuredClone({ ...good, ram: { ...good.ram, pages: [] } }) as Record<string, any>;
  edit(s);
  return JSON.stringify(s);
};

describe('a backup with a valid checksum and lying lengths', () => {
  it('a JSON length of 0xFFFFFF00 in a 16 KB file is refused at once', () => {
    const bad = snapshotOf(goodJson(() => {}).padEnd(16_000, ' '), [], 0xffffff00);
    expect(bad.length).toBeLessThan(17_000);
    expect(() => inspectBackup(bad)).toThrow(/backup refused: snapshot corrupt: state length 4294967040 exceeds the \d+ bytes there/);
  });

  it('a page count that does not match the bytes that follow is refused', () => {
    const json = goodJson(() => {});
    const bad = snapshotOf(json, [[0, new Uint8Array(4096)]]);
    new DataView(bad.buffer).setUint32(16 + 4 + json.length, 0x7fffffff, true);
    new DataView(bad.buffer).setUint32(12, crc32(bad.subarray(16)), true);
    expect(() => inspectBackup(bad)).toThrow(/2147483647 pages declared, but 4100 bytes of page data follow/);
  });

  it('pages outside the RAM, or saved twice, are refused', () => {
    const page = new Uint8Array(4096);
    expect(() => inspectBackup(snapshotOf(goodJson(() => {}), [[good.ramSize / 4096, page]]))).toThrow(/outside the VM's RAM/);
    expect(() => inspectBackup(snapshotOf(goodJson(() => {}), [[1, page], [1, page]]))).toThrow(/saved twice/);
  });
});

describe('a backup with a valid checksum and nonsense values', () => {
  const cases: Array<[string, (s: Record<string, any>) => void, RegExp]> = [
    ['a clock of 1e308', (s) => { s.vcpu.cpu.clock.cycles = 1e308; }, /vcpu\.cpu\.clock\.cycles: must be <= 9007199254740992/],
    ['a clock that is a string', (s) => { s.vcpu.cpu.clock.cycles = '12'; }, /vcpu\.cpu\.clock\.cycles: must be number/],
    ['a register that is a string', (s) => { s.vcpu.cpu.x[5] = 'x'; }, /vcpu\.cpu\.x\.5: must be integer/],
    ['31 registers', (s) => { s.vcpu.cpu.x.pop(); }, /vcpu\.cpu\.x: must NOT have fewer than 32 items/],
    ['a pc past 2^32', (s) => { s.vcpu.cpu.pc = 2 ** 32; }, /vcpu\.cpu\.pc: must be <=/],
    ['an unknown privilege level', (s) => { s.vcpu.vpriv = 2; }, /vcpu\.vpriv: must be equal to one of the allowed values/],
    ['a CSR file with a field it does not have', (s) => { s.vcpu.cpu.csr.clock = 0; }, /vcpu\.cpu\.csr: must NOT have additional properties 'clock'/],
    ['a UART byte of 300', (s) => { s.uart.rx = [300]; }, /uart\.rx\.0: must be <= 255/],
    ['RAM of 3 GiB', (s) => { s.ramSize = 3 * 2 ** 30; s.ram.size = s.ramSize; }, /ramSize: must be <= 2147483648/],
    ['RAM sizes that disagree', (s) => { s.ram.size = 4096; }, /ram\.size 4096 is not ramSize/],
    ['an exit count of -1', (s) => { s.exits.byCause['csr-read'] = -1; }, /exits\.byCause\.csr-read: must be >= 0/],
  ];
  it.each(cases)('%s is refused with the field', (_what, edit, message) => {
    expect(() => inspectBackup(snapshotOf(goodJson(edit)))).toThrow(message);
  });

  it('__proto__ keys are refused, whatever object they are in, and nothing is polluted', () => {
    for (const [at, message] of [['{', /state: the key '__proto__' is not allowed/], ['"vcpu":{', /state\.vcpu: the key '__proto__' is not allowed/],
      ['"byCause":{', /state\.exits\.byCause: the key '__proto__' is not allowed/]] as const) {
      const json = goodJson(() => {}).replace(at, `${at}"__proto__":{"polluted":1,"timerPending":1},`);
      expect(() => inspectBackup(snapshotOf(json))).toThrow(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a refused backup leaves the data centre as it was', () => {
    const dc = dataCentre(1);
    const bad = snapshotOf(goodJson((s) => { s.vcpu.cpu.clock.cycles = 1e308; }));
    expect(() => restoreBackup(dc, bad, 'x')).toThrow(BackupError);
    expect(dc.vms()).toEqual([]);
    expect(restoreBackup(dc, file, 'x').name).toBe('x');
  });

  it('the exported backup itself passes (the schema is what the VM saves)', () => {
    const state: VmState = inspectBackup(file);
    expect(state.vcpu.cpu.x).toHaveLength(32);
  });
});
