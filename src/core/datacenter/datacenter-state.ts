// The saved form of a whole data centre: the one clock, every host as its hypervisor saves
// itself (vmm/vm-manager-state.ts: the scheduler, utilization series and the VMs placed on
// it, each a vmm/snapshot with its account), every VM's record (its profile and program,
// where it runs or why it is down, its console as its users saw it, its kept backups, and
// for a VM on no host what was left of it), the scheduled-snapshot policy and the event
// log. Restoring builds everything aside and checks it first, so a damaged or
// other-version state changes nothing.
//
// Version 1 (before each host ran a VmManager) saved hosts as bare schedulers and each
// VM's snapshot and account in its record; it is read by moving those into the hosts.
//
// A data centre is never saved in the middle of a live migration: the VM's memory is then
// half on each host, the transfer lives in the migrating call's local variables, and a
// restored copy could not finish it. Save before a migration starts or after it ends.

import type { ProgramImage } from '../asm/image.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { plainDataProblem } from '../isa/state-data.ts';
import { readSnapshot, saveSnapshot } from '../vmm/snapshot.ts';
import { loadAccount, saveAccount, type VmAccountState } from '../vmm/vm-account.ts';
import { loadImage, saveImage, type ImageState } from '../vmm/image-state.ts';
import type { Vm } from '../vmm/vm.ts';
import type { VmManager } from '../vmm/vm-manager.ts';
import { HYPERVISOR_STATE_VERSION, type MachineState, type VmManagerState } from '../vmm/vm-manager-state.ts';
import { fail, isArray, isBytes, isInt, isNumber, isObject, isString, orNull } from '../vmm/state-check.ts';
import type { DcEvent, DcVm, HostSpec, SnapshotRecord } from './inventory.ts';

export const DATACENTRE_STATE_VERSION = 2;

export interface DcVmState {
  name: string;
  profile: string;
  image: ImageState;
  host: string | null;
  down: string | null;
  console: string;
  snapshots: Array<{ at: number; instructions: number; bytes: Uint8Array }>;
  /** A VM on no host (down): what was left of it, as a vmm/snapshot and its account. */
  remains: { vm: Uint8Array; account: VmAccountState } | null;
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
  /** Each host's hypervisor, with the VMs placed on it. */
  hosts: VmManagerState[];
  vms: DcVmState[];
}

export function saveVmRecord(r: DcVm, consoleText: string): DcVmState {
  return {
    name: r.name, profile: r.profile, image: saveImage(r.image), host: r.host, down: r.down, console: consoleText,
    snapshots: r.snapshots.map((s) => ({ ...s, bytes: s.bytes.slice() })),
    remains: r.remains && { vm: saveSnapshot(r.remains.vm), account: saveAccount(r.remains.account) },
  };
}

/** What a restore builds before it touches the data centre. */
export interface DecodedDataCentre {
  state: DataCentreState;
  hosts: VmManager[];
  records: DcVm[];
}

export interface DecodeContext {
  /** The restored clock the hosts' hypervisors run on; set to the saved time first. */
  clock: { now: number };
  /** A host's hypervisor, as the data centre makes one. */
  hypervisor(spec: HostSpec, slice: number, bucketCycles: number): VmManager;
  /** A VM record, as the data centre makes one. */
  record(name: string, profile: string, image: ProgramImage): DcVm;
  /** A down VM's remains, rebuilt as the data centre's VMs are built. */
  vmFromSnapshot(bytes: Uint8Array, image: ProgramImage): Vm;
}

export function decodeDataCentre(value: unknown, ctx: DecodeContext): DecodedDataCentre {
  const v = value as { kind?: unknown; version?: unknown } | null;
  const current = v?.kind === 'datacentre' && v.version === 1 ? fromVersion1(value) : value;
  checkStateHeader(current, 'datacentre', DATACENTRE_STATE_VERSION);
  const problem = plainDataProblem(current);
  if (problem !== null) throw new Error(problem);
  const s = current as unknown as Record<string, unknown>;
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
    hosts: isArray(s.hosts, 'hosts') as VmManagerState[],
    vms: isArray(s.vms, 'vms') as DcVmState[],
  };
  const records = state.vms.map((r, i) => decodeRecord(r, `vms[${i}]`, bucketCycles, ctx));
  if (new Set(records.map((r) => r.name)).size !== records.length) fail('vms', 'two VMs have the same name');
  ctx.clock.now = now;
  const hosts = state.hosts.map((h, i) => decodeHost(h, `hosts[${i}]`, state, ctx));
  checkPlacements(hosts, records);
  return { state, hosts, records };
}

function decodeRecord(value: unknown, path: string, bucketCycles: number, ctx: DecodeContext): DcVm {
  const s = isObject(value, path);
  const snapshots: SnapshotRecord[] = isArray(s.snapshots, `${path}.snapshots`).map((v, i) => {
    const o = isObject(v, `${path}.snapshots[${i}]`);
    const bytes = isBytes(o.bytes, `${path}.snapshots[${i}].bytes`).slice();
    readSnapshot(bytes); // a damaged backup is refused now, not when a host fails
    return { at: isNumber(o.at, `${path}.snapshots[${i}].at`), instructions: isNumber(o.instructions, `${path}.snapshots[${i}].instructions`), bytes };
  });
  const record = ctx.record(isString(s.name, `${path}.name`), isString(s.profile, `${path}.profile`), loadImage(s.image, `${path}.image`));
  record.host = orNull(s.host, (x) => isString(x, `${path}.host`));
  record.down = orNull(s.down, (x) => isString(x, `${path}.down`));
  record.console = [isString(s.console, `${path}.console`)];
  record.snapshots = snapshots;
  record.remains = orNull(s.remains, (x) => {
    const o = isObject(x, `${path}.remains`);
    const vm = ctx.vmFromSnapshot(isBytes(o.vm, `${path}.remains.vm`), record.image);
    return { vm, account: loadAccount(o.account, bucketCycles, `${path}.remains.account`) };
  });
  return record;
}

function decodeHost(value: unknown, path: string, dc: DataCentreState, ctx: DecodeContext): VmManager {
  const s = isObject(isObject(value, path).host, `${path}.host`);
  const spec = { name: isString(s.name, `${path}.host.name`), pcpus: isInt(s.pcpus, `${path}.host.pcpus`, 1), ramBytes: isInt(s.ramBytes, `${path}.host.ramBytes`, 1) };
  const host = ctx.hypervisor(spec, dc.slice, dc.bucketCycles);
  try {
    host.setState(value as VmManagerState);
  } catch (e) {
    fail(`${path} (${spec.name})`, e instanceof Error ? e.message : String(e));
  }
  return host;
}

/** Each VM runs on the host its record names, and nowhere else; a VM on no host has its remains. */
function checkPlacements(hosts: VmManager[], records: DcVm[]): void {
  const names = new Set(hosts.map((h) => h.name));
  if (names.size !== hosts.length) fail('hosts', 'two hosts have the same name');
  const known = new Set(records.map((r) => r.name));
  for (const h of hosts) {
    for (const v of h.list()) if (!known.has(v.name)) fail(`host ${h.name}`, `VM '${v.name}' is placed here but not saved`);
  }
  for (const r of records) {
    const on = hosts.filter((h) => h.guest(r.name) !== undefined).map((h) => h.name);
    const expected = r.host === null ? [] : [r.host];
    if (on.join() !== expected.join()) fail(`VM '${r.name}'`, `its record says host ${r.host ?? 'none'}, but it is placed on ${on.join(', ') || 'none'}`);
    if ((r.host === null) !== (r.remains !== null)) fail(`VM '${r.name}'`, r.host === null ? 'it is on no host and nothing is left of it' : 'it runs on a host and has remains too');
  }
}

/**
 * A version-1 state in this version's shape: each host's placed VMs (their snapshots and
 * accounts, from their records) become the machines of its hypervisor; a VM placed nowhere
 * keeps its snapshot and account as its remains.
 */
function fromVersion1(value: unknown): unknown {
  const s = isObject(value, 'state');
  const now = isNumber(s.now, 'now');
  const vms = isArray(s.vms, 'vms').map((v, i) => isObject(v, `vms[${i}]`));
  const byName = new Map(vms.map((r) => [r.name, r]));
  const placed = new Set<unknown>();
  const hosts = isArray(s.hosts, 'hosts').map((h, i) => {
    const host = isObject(h, `hosts[${i}]`);
    const machines = isArray(host.placements, `hosts[${i}].placements`).map((p, j): MachineState => {
      const at = `hosts[${i}].placements[${j}]`;
      const placement = isObject(p, at);
      const r = byName.get(placement.name);
      if (!r) fail(at, `VM '${String(placement.name)}' is placed here but not saved`);
      placed.add(r.name);
      const account = isObject(r.account, `vms.${String(r.name)}.account`);
      const vm = isBytes(r.vm, `vms.${String(r.name)}.vm`);
      const ended = placement.end !== null && placement.end !== undefined;
      return {
        name: r.name as string, image: r.profile as string, program: r.image as ImageState, mode: readSnapshot(vm).mode,
        state: ended ? 'stopped' : 'running', boot: ended, account: account as unknown as VmAccountState, snapshots: [],
        window: { at: now, cpu: account.cpuTime as number }, vm,
      };
    });
    return { kind: 'hypervisor-host', version: HYPERVISOR_STATE_VERSION, now, host, machines };
  });
  const records = vms.map((r) => ({
    name: r.name, profile: r.profile, image: r.image, host: r.host, down: r.down, console: r.console, snapshots: r.snapshots,
    remains: placed.has(r.name) ? null : { vm: r.vm, account: r.account },
  }));
  return { ...s, version: DATACENTRE_STATE_VERSION, hosts, vms: records };
}
