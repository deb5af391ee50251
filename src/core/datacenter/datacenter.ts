// A data centre: a cluster of physical hosts, each running a hypervisor — a VmManager
// (vmm/vm-manager.ts) with the host's own CPUs and RAM and the VMs placed on it — all in
// one simulation with ONE virtual clock (`now`, in cycles of the 100 MHz core clock).
// What is the cluster's own lives here: which host a VM goes on (placement-policy.ts),
// the record of each VM wherever it runs (inventory.ts), scheduled backups, the event log;
// moving VMs (live-migration.ts, failover.ts) is a hand-over from one host's hypervisor
// and an adoption by another's. Between steps of the clock the data centre can act on any
// VM: pause it, snapshot it, move it, restart it elsewhere. Everything is deterministic:
// the same calls give the same figures, byte for byte.
//
//   const dc = new DataCentre()
//   dc.addHost({ name: 'host-1', pcpus: 2, ramBytes: 64 << 20 })
//   dc.createVm({ name: 'web-1', workload: workloadSpec('idle') })
//   dc.runFor(10_000_000)

import type { ProgramImage } from '../asm/image.ts';
import { CORE_HZ } from '../isa/clock.ts';
import { cloneFromSnapshot, readSnapshot, saveSnapshot } from '../vmm/snapshot.ts';
import { DATACENTRE_STATE_VERSION, decodeDataCentre, saveVmRecord, type DataCentreState } from './datacenter-state.ts';
import { StateError, refused } from '../vmm/state-check.ts';
import { firstFitHost } from './placement-policy.ts';
import type { Placement } from '../vmm/physical-host.ts';
import type { VmAccount } from '../vmm/vm-account.ts';
import { VmManager, type Arrival, type VmOrigin } from '../vmm/vm-manager.ts';
import { workloadImage, type WorkloadSpec } from './workload.ts';
import { DcVm, type DcEvent, type HostSpec, type SnapshotRecord, type VmSpec } from './inventory.ts';

export interface DataCentreOptions {
  /** Scheduler time slice on every host, cycles (default 200,000 = 2 ms). */
  slice?: number;
  /** Utilization time-series bucket, cycles (default 1,000,000 = 10 ms). */
  bucketCycles?: number;
  /** Snapshots kept per VM (oldest dropped). */
  snapshotsKept?: number;
}

export type { DcEvent, HostSpec, SnapshotRecord, VmSpec } from './inventory.ts';
export { DcVm } from './inventory.ts';

export const DEFAULT_HOST_PCPUS = 2;
export const DEFAULT_HOST_RAM = 64 * 1024 * 1024;
const DEFAULT_VM_RAM = 8 * 1024 * 1024;
/** Exits each of the data centre's VMs keeps in its log. */
const EXIT_LOG_SIZE = 16;

/** The one clock, shared with every host's hypervisor (a restored data centre gets a new one). */
interface Clock {
  now: number;
}

export class DataCentre {
  readonly events: DcEvent[] = [];
  private clock: Clock = { now: 0 };
  private readonly hostMap = new Map<string, VmManager>();
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

  /** The one virtual clock, cycles. */
  get now(): number {
    return this.clock.now;
  }

  /** Scheduler time slice on every host, cycles. */
  get slice(): number {
    return this.sliceCycles;
  }

  /** Utilization time-series bucket, cycles. */
  get bucketCycles(): number {
    return this.bucket;
  }

  /** A physical host joins the cluster, its hypervisor on the data centre's clock. */
  addHost(spec: HostSpec): VmManager {
    if (this.hostMap.has(spec.name)) throw new RangeError(`a host named '${spec.name}' already exists`);
    const host = this.hypervisor(this.clock, spec, this.slice, this.bucketCycles);
    this.hostMap.set(spec.name, host);
    return host;
  }

  /** Each host's hypervisor: its CPUs, RAM, utilization and the VMs placed on it. */
  hosts(): VmManager[] {
    return [...this.hostMap.values()];
  }

  host(name: string): VmManager {
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
    return this.settle(spec.name, record, () => this.place(record, { kind: 'boot', program: image, mode: 'full', ramBytes }, { host: spec.host }));
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
      this.place(record, { kind: 'snapshot', bytes: snapshot, program: image ?? undefined }, { host, readyAt });
      record.console.push(record.vm.consoleText());
    });
  }

  /**
   * Starts a VM on a host — the named one, or the first with room — runnable from
   * `readyAt`, with the account it brings (a restart keeps it).
   */
  place(record: DcVm, origin: VmOrigin, at: { host?: string; readyAt?: number; account?: VmAccount } = {}): void {
    const bytes = ramOf(origin);
    const host = at.host !== undefined ? this.host(at.host) : firstFitHost(this.hostMap.values(), bytes);
    if (!host) throw new RangeError(`no host has ${mib(bytes)} of RAM free for '${record.name}'`);
    if (host.failed) throw new RangeError(`host '${host.name}' is down`);
    if (bytes > host.freeRam()) {
      throw new RangeError(`host '${host.name}' has ${mib(host.freeRam())} free, '${record.name}' needs ${mib(bytes)}`);
    }
    this.arrive(record, host, { origin, readyAt: at.readyAt ?? this.now, account: at.account });
    this.log(`${record.name} placed on ${host.name}`);
  }

  /** The VM of `record` arrives on `host` (its hypervisor adopts it); the record follows it there. */
  arrive(record: DcVm, host: VmManager, arrival: Omit<Arrival, 'name' | 'image'>): void {
    host.adopt({ ...arrival, name: record.name, image: record.profile });
    record.host = host.name;
    record.down = null;
    record.remains = null;
  }

  /** The VM's current placement on its host, if it is placed. */
  placement(name: string): Placement | undefined {
    const r = this.vm(name);
    return r.host === null ? undefined : this.hostMap.get(r.host)?.placement(name);
  }

  /** Removes a VM entirely. */
  removeVm(name: string): void {
    const r = this.vm(name);
    const host = r.host === null ? undefined : this.hostMap.get(r.host);
    if (host?.guest(name)) host.handOver(name);
    this.vmMap.delete(name);
  }

  /** Advances the one virtual clock to `t`, running every host, taking scheduled snapshots. */
  runUntil(t: number): void {
    while (this.now < t) {
      const step = Math.min(t, this.nextSnapshotAt);
      for (const h of this.hostMap.values()) h.advanceTo(step);
      this.clock.now = step;
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
    const p = r.host === null ? undefined : this.hostMap.get(r.host)?.placement(r.name);
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
      vms: this.vms().map((r) => saveVmRecord(r, r.console.join(''))),
    };
  }

  /**
   * Replaces everything with a saved data centre (this version's or version 1). Every host
   * and VM is rebuilt and checked aside first, the hosts' hypervisors on a clock of their
   * own set to the saved time; a damaged or other-version state throws StateError and
   * changes nothing.
   */
  setState(state: DataCentreState): void {
    if (this.migrating !== null) throw new StateError(`cannot restore while '${this.migrating}' is being live-migrated`);
    const clock: Clock = { now: 0 };
    const d = refused('data centre state', () => decodeDataCentre(state, {
      clock, hypervisor: (spec, slice, bucket) => this.hypervisor(clock, spec, slice, bucket),
      record: (name, profile, image) => this.record(name, profile, image),
      vmFromSnapshot: (bytes, image) => cloneFromSnapshot(bytes, { exitLogSize: EXIT_LOG_SIZE }, image),
    }));
    this.clock = clock;
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
    const record = this.record(name, profile, image ?? EMPTY_IMAGE);
    this.vmMap.set(name, record);
    return record;
  }

  /** A record that finds its VM on this data centre's hosts. */
  private record(name: string, profile: string, image: ProgramImage): DcVm {
    return new DcVm(name, profile, image, (host) => this.hostMap.get(host));
  }

  /**
   * The hypervisor of one host: on the data centre's clock, its consoles copied into the
   * VMs' records, its ended VMs kept placed (the listing shows how each ended), every
   * response sample kept (the latency figures).
   */
  private hypervisor(clock: Clock, spec: HostSpec, slice: number, bucketCycles: number): VmManager {
    return new VmManager({
      now: () => clock.now, name: spec.name, pcpus: spec.pcpus ?? DEFAULT_HOST_PCPUS, ramBytes: spec.ramBytes ?? DEFAULT_HOST_RAM,
      slice, bucketCycles, exitLogSize: EXIT_LOG_SIZE, ended: 'keep', responsesKept: Infinity,
      onConsole: (vm, text) => this.vmMap.get(vm)?.console.push(text),
    });
  }
}

/** The guest RAM a VM will have, before it is built (where it fits decides where it is built). */
function ramOf(origin: VmOrigin): number {
  switch (origin.kind) {
    case 'boot': return origin.ramBytes;
    case 'snapshot': return readSnapshot(origin.bytes).ramSize;
    case 'state': return origin.state.ramSize;
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
