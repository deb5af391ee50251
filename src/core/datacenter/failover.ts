// Availability: when a host fails, the VMs it ran are lost with it — but each has a
// recent snapshot on shared storage, so a high-availability manager restarts them on the
// surviving hosts (the failed host's hypervisor hands each over; another's adopts it).
// What it costs is measured: downtime (detecting the failure, then reading the snapshot
// from shared storage) and lost work (everything the guest did since that snapshot,
// which it must now do again).

import { CORE_HZ } from '../isa/clock.ts';
import type { VmOrigin } from '../vmm/vm-manager.ts';
import type { DataCentre } from './datacenter.ts';
import { firstFitHost } from './placement-policy.ts';

export interface FailoverOptions {
  /** Cycles until the failure is noticed (missed heartbeats); default 1,000,000 = 10 ms. */
  detectCycles?: number;
  /** Shared-storage read bandwidth for snapshots, bytes per second (default 500 MB/s). */
  storageBytesPerSecond?: number;
}

export interface RestartReport {
  vm: string;
  /** Host it restarted on, or null when no surviving host had room. */
  to: string | null;
  /** Data-centre time of the snapshot it restarted from (null: booted from its image). */
  snapshotAt: number | null;
  /** Guest instructions done since that snapshot: lost, to be done again. */
  lostInstructions: number;
  /** Cycles of its progress lost (failure time minus snapshot time). */
  lostCycles: number;
  /** Failure to running again. */
  downtimeCycles: number;
  downtimeMs: number;
  restartedAt: number | null;
}

export interface FailoverReport {
  host: string;
  failedAt: number;
  vms: RestartReport[];
}

export function failHost(dc: DataCentre, hostName: string, options: FailoverOptions = {}): FailoverReport {
  const host = dc.host(hostName);
  if (host.failed) throw new RangeError(`host '${hostName}' has already failed`);
  const failedAt = dc.now;
  host.failed = true;
  dc.log(`${hostName} FAILED`);
  const detect = options.detectCycles ?? 1_000_000;
  const storage = options.storageBytesPerSecond ?? 500e6;
  const victims = host.placements().filter((p) => p.end === null).map((p) => p.name);
  const reports = victims.map((name) => restart(dc, name, hostName, failedAt, detect, storage));
  return { host: hostName, failedAt, vms: reports };
}

function restart(dc: DataCentre, name: string, failed: string, failedAt: number, detect: number, storage: number): RestartReport {
  const record = dc.vm(name);
  const lost = dc.host(failed).handOver(name);
  record.host = null;
  record.remains = lost;
  const lostAt = lost.vm.vcpu.cpu.csr.instret;
  const ramBytes = lost.vm.ram.size;
  const snap = record.snapshots[record.snapshots.length - 1] ?? null;
  const target = firstFitHost(dc.hosts(), ramBytes, failed);
  const base = { vm: name, snapshotAt: snap?.at ?? null, lostInstructions: lostAt - (snap?.instructions ?? 0), lostCycles: failedAt - (snap?.at ?? 0) };
  if (!target) {
    record.down = `lost with ${failed}; no surviving host has room`;
    dc.log(`${name} is down: no room on any surviving host`);
    return { ...base, to: null, downtimeCycles: Infinity, downtimeMs: Infinity, restartedAt: null };
  }
  const readCycles = snap ? Math.ceil((snap.bytes.length * CORE_HZ) / storage) : 0;
  const restartedAt = failedAt + detect + readCycles;
  // From its last backup, or with none a cold boot of its program; its account goes on.
  const origin: VmOrigin = snap
    ? { kind: 'snapshot', bytes: snap.bytes, program: record.image }
    : { kind: 'boot', program: record.image, mode: 'full', ramBytes };
  dc.place(record, origin, { host: target.name, readyAt: restartedAt, account: lost.account });
  dc.log(`${name} restarted on ${target.name} from ${snap ? 'its last snapshot' : 'its image (no snapshot)'}`);
  const downtimeCycles = restartedAt - failedAt;
  return { ...base, to: target.name, downtimeCycles, downtimeMs: (downtimeCycles * 1000) / CORE_HZ, restartedAt };
}

/** A failed host back in service (repaired or replaced), empty: its VMs restarted elsewhere. */
export function repairHost(dc: DataCentre, hostName: string): void {
  const host = dc.host(hostName);
  if (!host.failed) throw new RangeError(`host '${hostName}' has not failed`);
  host.failed = false;
  dc.log(`${hostName} repaired`);
}
