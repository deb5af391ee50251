// The saved form of a whole data centre: the one clock, every host (its scheduler and
// utilization series), every VM (a vmm/snapshot of it, its console as its users saw it,
// its account, its kept backups, its image, where it is placed or why it is down), the
// scheduled-snapshot policy and the event log. Restoring builds everything aside and
// checks it first, so a damaged or other-version state changes nothing.
//
// A data centre is never saved in the middle of a live migration: the VM's memory is then
// half on each host, the transfer lives in the migrating call's local variables, and a
// restored copy could not finish it. Save before a migration starts or after it ends.

import type { ProgramImage } from '../asm/image.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { plainDataProblem } from '../isa/state-data.ts';
import { readSnapshot } from '../vmm/snapshot.ts';
import { loadAccount, saveAccount, type VmAccountState } from '../vmm/vm-account.ts';
import { loadImage, saveImage, type ImageState } from './image-state.ts';
import { PhysicalHost } from '../vmm/physical-host.ts';
import type { PhysicalHostState } from '../vmm/physical-host-state.ts';
import { fail, isArray, isBytes, isInt, isNumber, isObject, isString, orNull } from '../vmm/state-check.ts';
import type { DcEvent, DcVm, SnapshotRecord } from './inventory.ts';
import type { Vm } from '../vmm/vm.ts';

export const DATACENTRE_STATE_VERSION = 1;

export interface DcVmState {
  name: string;
  profile: string;
  image: ImageState;
  host: string | null;
  down: string | null;
  console: string;
  account: VmAccountState;
  snapshots: Array<{ at: number; instructions: number; bytes: Uint8Array }>;
  /** The VM itself, as a vmm/snapshot (versioned, checksummed). */
  vm: Uint8Array;
}

export interface DataCentreState {
  kind: 'datacentre';
  version: number;
  now: number;
  slice: number;
  bucketCycles: number;
  snapshotsKept: number;
  snapshotEvery: number;
  /** Null: no snapshots scheduled. */
  nextSnapshotAt: number | null;
  events: DcEvent[];
  hosts: PhysicalHostState[];
  vms: DcVmState[];
}

export function saveVmRecord(r: DcVm, snapshot: (vm: Vm) => Uint8Array, consoleText: string): DcVmState {
  return {
    name: r.name, profile: r.profile, image: saveImage(r.image), host: r.host, down: r.down, console: consoleText,
    account: saveAccount(r.account), snapshots: r.snapshots.map((s) => ({ ...s, bytes: s.bytes.slice() })), vm: snapshot(r.vm),
  };
}

/** What a restore builds before it touches the data centre. */
export interface DecodedDataCentre {
  state: DataCentreState;
  hosts: PhysicalHost[];
  records: DcVm[];
}

export interface DecodeContext {
  /** The VM of a record, rebuilt from its snapshot (DataCentre.vmFromSnapshot). */
  vmFromSnapshot(record: DcVm, snapshot: Uint8Array, image: ProgramImage): Vm;
  switchCost: number;
}

export function decodeDataCentre(value: unknown, ctx: DecodeContext): DecodedDataCentre {
  checkStateHeader(value, 'datacentre', DATACENTRE_STATE_VERSION);
  const problem = plainDataProblem(value);
  if (problem !== null) throw new Error(problem);
  const s = value as unknown as Record<string, unknown>;
  const now = isNumber(s.now, 'now');
  const bucketCycles = isInt(s.bucketCycles, 'bucketCycles', 1);
  const state: DataCentreState = {
    kind: 'datacentre', version: DATACENTRE_STATE_VERSION, now,
    slice: isInt(s.slice, 'slice', 1), bucketCycles, snapshotsKept: isInt(s.snapshotsKept, 'snapshotsKept', 1),
    snapshotEvery: isInt(s.snapshotEvery, 'snapshotEvery'),
    nextSnapshotAt: orNull(s.nextSnapshotAt, (x) => isNumber(x, 'nextSnapshotAt')),
    events: isArray(s.events, 'events').map((e, i) => {
      const o = isObject(e, `events[${i}]`);
      return { at: isNumber(o.at, `events[${i}].at`), text: isString(o.text, `events[${i}].text`) };
    }),
    hosts: isArray(s.hosts, 'hosts') as PhysicalHostState[],
    vms: isArray(s.vms, 'vms') as DcVmState[],
  };
  const records = state.vms.map((v, i) => decodeRecord(v, `vms[${i}]`, bucketCycles, ctx));
  const byName = new Map(records.map((r) => [r.name, r]));
  if (byName.size !== records.length) fail('vms', 'two VMs have the same name');
  const hosts = state.hosts.map((h, i) => decodeHost(h, `hosts[${i}]`, state, ctx, byName));
  checkPlacements(hosts, records);
  return { state, hosts, records };
}

function decodeRecord(value: unknown, path: string, bucketCycles: number, ctx: DecodeContext): DcVm {
  const s = isObject(value, path);
  const name = isString(s.name, `${path}.name`);
  const image: ProgramImage = loadImage(s.image, `${path}.image`);
  const snapshots: SnapshotRecord[] = isArray(s.snapshots, `${path}.snapshots`).map((v, i) => {
    const o = isObject(v, `${path}.snapshots[${i}]`);
    const bytes = isBytes(o.bytes, `${path}.snapshots[${i}].bytes`).slice();
    readSnapshot(bytes); // a damaged backup is refused now, not when a host fails
    return { at: isNumber(o.at, `${path}.snapshots[${i}].at`), instructions: isNumber(o.instructions, `${path}.snapshots[${i}].instructions`), bytes };
  });
  const record: DcVm = {
    name, profile: isString(s.profile, `${path}.profile`), image, vm: null as unknown as Vm,
    host: orNull(s.host, (x) => isString(x, `${path}.host`)), down: orNull(s.down, (x) => isString(x, `${path}.down`)),
    account: loadAccount(s.account, bucketCycles, `${path}.account`), console: [isString(s.console, `${path}.console`)], snapshots,
  };
  record.vm = ctx.vmFromSnapshot(record, isBytes(s.vm, `${path}.vm`), image);
  return record;
}

function decodeHost(value: unknown, path: string, dc: DataCentreState, ctx: DecodeContext, vms: Map<string, DcVm>): PhysicalHost {
  const s = isObject(value, path);
  const host = new PhysicalHost({
    name: isString(s.name, `${path}.name`), pcpus: isInt(s.pcpus, `${path}.pcpus`, 1), ramBytes: isInt(s.ramBytes, `${path}.ramBytes`, 1),
    slice: dc.slice, switchCost: ctx.switchCost, bucketCycles: dc.bucketCycles, startAt: dc.now,
  });
  host.setState(value as PhysicalHostState, (name) => {
    const r = vms.get(name);
    if (!r) fail(`${path}.placements`, `VM '${name}' is placed here but not saved`);
    return { vm: r.vm, account: r.account };
  });
  return host;
}

/** Each VM is placed on the host its record names, and nowhere else. */
function checkPlacements(hosts: PhysicalHost[], records: DcVm[]): void {
  const names = new Set(hosts.map((h) => h.name));
  if (names.size !== hosts.length) fail('hosts', 'two hosts have the same name');
  for (const r of records) {
    const on = hosts.filter((h) => h.find(r.name) !== undefined).map((h) => h.name);
    const expected = r.host === null ? [] : [r.host];
    if (on.join() !== expected.join()) fail(`VM '${r.name}'`, `its record says host ${r.host ?? 'none'}, but it is placed on ${on.join(', ') || 'none'}`);
  }
}
