// A data centre: several physical hosts, each a hypervisor with its own CPUs and RAM, and
// the VMs placed on them — all in one simulation with ONE virtual clock (`now`, in cycles
// of the 100 MHz core clock). Between steps of that clock the data centre can act on any
// VM: pause it, snapshot it, move it, restart it elsewhere. Everything is deterministic:
// the same calls give the same figures, byte for byte.
//
//   const dc = new DataCentre()
//   dc.addHost({ name: 'host-1', pcpus: 2, ramBytes: 64 << 20 })
//   dc.createVm({ name: 'web-1', workload: workloadSpec('idle') })
//   dc.runFor(10_000_000)

import type { VmMode } from '../run-result.ts';
import type { ProgramImage } from '../asm/image.ts';
import { CORE_HZ } from '../isa/clock.ts';
import { DEFAULT_COST_MODEL } from '../vmm/cost-model.ts';
import { cloneFromSnapshot, saveSnapshot } from '../vmm/snapshot.ts';
import { DATACENTRE_STATE_VERSION, decodeDataCentre, saveVmRecord, type DataCentreState } from './datacenter-state.ts';
import { StateError, refused } from '../vmm/state-check.ts';
import { Vm } from '../vmm/vm.ts';
import { firstFitHost } from './placement-policy.ts';
import { PhysicalHost, type Placement, type VmAccount } from '../vmm/physical-host.ts';
import { newAccount } from '../vmm/vm-account.ts';
import { workloadImage, type WorkloadSpec } from './workload.ts';
import type { DcEvent, DcVm, HostSpec, SnapshotRecord, VmSpec } from './inventory.ts';

export interface DataCentreOptions {
  /** Scheduler time slice on every host, cycles (default 200,000 = 2 ms). */
  slice?: number;
  /** Utilization time-series bucket, cycles (default 1,000,000 = 10 ms). */
  bucketCycles?: number;
  /** Snapshots kept per VM (oldest dropped). */
  snapshotsKept?: number;
}

export type { DcEvent, DcVm, HostSpec, SnapshotRecord, VmSpec } from './inventory.ts';

export const DEFAULT_HOST_PCPUS = 2;
export const DEFAULT_HOST_RAM = 64 * 1024 * 1024;
const DEFAULT_VM_RAM = 8 * 1024 * 1024;
const EXIT_LOG_SIZE = 16;

export class DataCentre {
  now = 0;
  readonly events: DcEvent[] = [];
  private readonly hostMap = new Map<string, PhysicalHost>();
  private readonly vmMap = new Map<string, DcVm>();
  private sliceCycles: number;
  private bucket: number;
  private snapshotsKept: number;
  private snapshotEvery = 0;
  private nextSnapshotAt = Infinity;
  /** The VM being live-migrated, while migrate() runs. */
  private migrating: string | null = null;

  constructor(options: DataCentreOptions = {}) {
    this.sliceCycles = Math.max(1_000, Math.floor(options.slice ?? 200_000));
    this.bucket = Math.max(10_000, Math.floor(options.bucketCycles ?? 1_000_000));
    this.snapshotsKept = Math.max(1, options.snapshotsKept ?? 3);
  }

  /** Scheduler time slice on every host, cycles. */
  get slice(): number {
    return this.sliceCycles;
  }

  /** Utilization time-series bucket, cycles. */
  get bucketCycles(): number {
    return this.bucket;
  }

  addHost(spec: HostSpec): PhysicalHost {
    if (this.hostMap.has(spec.name)) throw new RangeError(`a host named '${spec.name}' already exists`);
    const host = new PhysicalHost({
      name: spec.name, pcpus: spec.pcpus ?? DEFAULT_HOST_PCPUS, ramBytes: spec.ramBytes ?? DEFAULT_HOST_RAM,
      slice: this.slice, switchCost: DEFAULT_COST_MODEL.vmSwitch, bucketCycles: this.bucketCycles, startAt: this.now,
    });
    this.hostMap.set(spec.name, host);
    return host;
  }

  hosts(): PhysicalHost[] {
    return [...this.hostMap.values()];
  }

  host(name: string): PhysicalHost {
    const h = this.hostMap.get(name);
    if (!h) throw new RangeError(`no host named '${name}' (hosts: ${[...this.hostMap.keys()].join(', ') || 'none'})`);
    return h;
  }

  vms(): DcVm[] {
    return [...this.vmMap.values()];
  }

  vm(name: string): DcVm {
    const v = this.vmMap.get(name);
    if (!v) throw new RangeError(`no VM named '${name}'`);
    return v;
  }

  hasVm(name: string): boolean {
    return this.vmMap.has(name);
  }

  /** Creates a VM from a workload or image and starts it on a host. */
  createVm(spec: VmSpec): DcVm {
    const isSpec = 'profile' in spec.workload;
    const image = isSpec ? workloadImage(spec.workload as WorkloadSpec) : spec.workload as ProgramImage;
    const ramBytes = spec.ramBytes ?? (isSpec ? (spec.workload as WorkloadSpec).ramBytes : DEFAULT_VM_RAM);
    const record = this.newRecord(spec.name, isSpec ? (spec.workload as WorkloadSpec).profile : 'program', image);
    return this.settle(spec.name, record, () => {
      record.vm = this.newVm('full', ramBytes, record);
      record.vm.load(image);
      this.place(record, spec.host);
    });
  }

  /** Sets up a record just registered; if that fails (no room, a bad snapshot), the name is free again. */
  private settle(name: string, record: DcVm, setUp: () => void): DcVm {
    try {
      setUp();
    } catch (e) {
      this.vmMap.delete(name);
      throw e;
    }
    return record;
  }

  /**
   * Registers a VM restored from a snapshot (a backup, a clone of a template) and places it;
   * `image` is the program it runs, when known (for symbols and a cold restart).
   */
  adoptVm(name: string, profile: string, snapshot: Uint8Array, image: ProgramImage | null, host?: string, readyAt = this.now): DcVm {
    const record = this.newRecord(name, profile, image);
    return this.settle(name, record, () => {
      record.vm = this.vmFromSnapshot(record, snapshot, image ?? undefined);
      record.console.push(record.vm.consoleText());
      this.place(record, host, readyAt);
    });
  }

  /** A fresh VM whose console bytes go to the record. */
  newVm(mode: VmMode, ramBytes: number, record: DcVm): Vm {
    return new Vm({ mode, ramSize: ramBytes, exitLogSize: EXIT_LOG_SIZE, onConsole: (b) => this.consoleOf(record, b) });
  }

  /** A VM rebuilt from a snapshot (a backup, a clone, a restart) whose console goes to the record. */
  vmFromSnapshot(record: DcVm, snapshot: Uint8Array, image?: ProgramImage): Vm {
    return cloneFromSnapshot(snapshot, { onConsole: (b) => this.consoleOf(record, b), exitLogSize: EXIT_LOG_SIZE }, image);
  }

  consoleOf(record: DcVm, bytes: Uint8Array): void {
    record.console.push(String.fromCharCode(...bytes));
  }

  /** Puts a VM on a host (the named one, or the first with room), runnable from `readyAt`. */
  place(record: DcVm, hostName?: string, readyAt = this.now): Placement {
    const bytes = record.vm.ram.size;
    const host = hostName !== undefined ? this.host(hostName) : firstFitHost(this.hostMap.values(), bytes);
    if (!host) throw new RangeError(`no host has ${mib(bytes)} of RAM free for '${record.name}'`);
    if (host.failed) throw new RangeError(`host '${host.name}' is down`);
    if (bytes > host.freeRam()) {
      throw new RangeError(`host '${host.name}' has ${mib(host.freeRam())} free, '${record.name}' needs ${mib(bytes)}`);
    }
    record.host = host.name;
    record.down = null;
    this.log(`${record.name} placed on ${host.name}`);
    return host.add(record.vm, record.name, record.account, readyAt);
  }

  /** The VM's current placement on its host, if it is placed. */
  placement(name: string): Placement | undefined {
    const r = this.vm(name);
    return r.host === null ? undefined : this.hostMap.get(r.host)?.find(name);
  }

  /** Removes a VM entirely. */
  removeVm(name: string): void {
    const r = this.vm(name);
    if (r.host !== null) this.hostMap.get(r.host)?.remove(name);
    this.vmMap.delete(name);
  }

  /** Advances the one virtual clock to `t`, running every host, taking scheduled snapshots. */
  runUntil(t: number): void {
    while (this.now < t) {
      const step = Math.min(t, this.nextSnapshotAt);
      for (const h of this.hostMap.values()) h.advanceTo(step);
      this.now = step;
      if (this.now >= this.nextSnapshotAt) {
        this.snapshotAll();
        this.nextSnapshotAt += this.snapshotEvery;
      }
    }
  }

  runFor(cycles: number): void {
    this.runUntil(this.now + Math.max(0, Math.floor(cycles)));
  }

  /** Runs until every VM has ended (or `limit` cycles from now have passed). */
  runUntilIdle(limit: number, step = 10 * this.bucketCycles): void {
    const end = this.now + limit;
    while (this.now < end && this.vms().some((r) => this.isLive(r))) this.runUntil(Math.min(end, this.now + step));
  }

  isLive(r: DcVm): boolean {
    const p = r.host === null ? undefined : this.hostMap.get(r.host)?.find(r.name);
    return p !== undefined && p.end === null;
  }

  /** Scheduled backups: a snapshot of every running VM each `everyCycles` (0 turns them off). */
  scheduleSnapshots(everyCycles: number): void {
    this.snapshotEvery = Math.max(0, Math.floor(everyCycles));
    this.nextSnapshotAt = this.snapshotEvery > 0 ? this.now + this.snapshotEvery : Infinity;
  }

  /** Takes a snapshot of one VM now and keeps it as its latest backup. */
  snapshot(name: string): SnapshotRecord {
    const r = this.vm(name);
    const snap: SnapshotRecord = { at: this.now, instructions: r.vm.vcpu.cpu.csr.instret, bytes: saveSnapshot(r.vm) };
    r.snapshots.push(snap);
    if (r.snapshots.length > this.snapshotsKept) r.snapshots.shift();
    return snap;
  }

  log(text: string): void {
    this.events.push({ at: this.now, text });
    if (this.events.length > 500) this.events.shift();
  }

  /** Console output of a VM as its users saw it. */
  consoleText(name: string): string {
    const r = this.vm(name);
    const text = r.console.join('');
    r.console = [text];
    return text;
  }

  /** Marks a live migration of `name` as running (live-migration.ts); saving waits for its end. */
  beginMigration(name: string): void {
    if (this.migrating !== null) throw new RangeError(`'${this.migrating}' is already migrating; one migration at a time`);
    this.migrating = name;
  }

  endMigration(): void {
    this.migrating = null;
  }

  /**
   * The whole data centre as data (datacenter-state.ts); VMs go in as vmm snapshots.
   * Refused during a live migration: its half-copied memory is not part of any host.
   */
  getState(): DataCentreState {
    if (this.migrating !== null) {
      throw new StateError(`cannot save the data centre while '${this.migrating}' is being live-migrated; save before the migration starts or after it ends`);
    }
    return {
      kind: 'datacentre', version: DATACENTRE_STATE_VERSION, now: this.now, slice: this.slice, bucketCycles: this.bucketCycles,
      snapshotsKept: this.snapshotsKept, snapshotEvery: this.snapshotEvery,
      nextSnapshotAt: Number.isFinite(this.nextSnapshotAt) ? this.nextSnapshotAt : null,
      events: this.events.map((e) => ({ ...e })),
      hosts: this.hosts().map((h) => h.getState()),
      vms: this.vms().map((r) => saveVmRecord(r, saveSnapshot, r.console.join(''))),
    };
  }

  /**
   * Replaces everything with a saved data centre. Every host and VM is rebuilt and checked
   * aside first; a damaged or other-version state throws StateError and changes nothing.
   */
  setState(state: DataCentreState): void {
    if (this.migrating !== null) throw new StateError(`cannot restore while '${this.migrating}' is being live-migrated`);
    const d = refused('data centre state', () => decodeDataCentre(state, {
      vmFromSnapshot: (r, b, image) => this.vmFromSnapshot(r, b, image), switchCost: DEFAULT_COST_MODEL.vmSwitch,
    }));
    this.now = d.state.now;
    this.sliceCycles = d.state.slice;
    this.bucket = d.state.bucketCycles;
    this.snapshotsKept = d.state.snapshotsKept;
    this.snapshotEvery = d.state.snapshotEvery;
    this.nextSnapshotAt = d.state.nextSnapshotAt ?? Infinity;
    this.events.splice(0, this.events.length, ...d.state.events);
    this.hostMap.clear();
    for (const h of d.hosts) this.hostMap.set(h.name, h);
    this.vmMap.clear();
    for (const r of d.records) this.vmMap.set(r.name, r);
  }

  private snapshotAll(): void {
    for (const r of this.vmMap.values()) if (this.isLive(r)) this.snapshot(r.name);
  }

  private newRecord(name: string, profile: string, image: ProgramImage | null): DcVm {
    if (this.vmMap.has(name)) throw new RangeError(`a VM named '${name}' already exists`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new RangeError(`'${name}' is not a usable VM name (letters, digits, . _ -)`);
    const record: DcVm = {
      name, profile, image: image ?? EMPTY_IMAGE, vm: null as unknown as Vm, host: null,
      account: newAccount(this.bucketCycles),
      console: [], snapshots: [], down: null,
    };
    this.vmMap.set(name, record);
    return record;
  }
}

const EMPTY_IMAGE: ProgramImage = { entry: 0x8000_0000, segments: [], symbols: new Map(), lines: [] };

export function mib(bytes: number): string {
  if (bytes > 0 && bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}

/** Cycles of the 100 MHz virtual clock as milliseconds. */
export function ms(cycles: number): number {
  return (cycles * 1000) / CORE_HZ;
}
