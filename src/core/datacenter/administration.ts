// Central administration: one listing of every host, VM and container with its state,
// CPU, memory and exits, and bulk actions on every VM whose name matches a pattern —
// the single pane of glass a virtualized data centre is managed from.

import type { ContainerInfo, ContainerStats } from '../kernel/container-port.ts';
import { exportBackup } from './backup.ts';
import type { DataCentre, DcVm } from './datacenter.ts';
import type { Placement } from '../vmm/physical-host.ts';

export type VmStatus = 'running' | 'sleeping' | 'paused' | 'exited' | 'faulted' | 'stopped' | 'down';

export interface HostRow {
  name: string;
  state: 'up' | 'failed';
  pcpus: number;
  vms: number;
  ramReserved: number;
  ramBytes: number;
  /** Busy share of its CPUs over the last `window` cycles, %. */
  cpuPercent: number;
  switches: number;
}

export interface VmRow {
  name: string;
  host: string | null;
  profile: string;
  status: VmStatus;
  /** Share of one physical CPU over the last window, %. */
  cpuPercent: number;
  /** RAM reserved and RAM the guest has actually written, bytes. */
  ramBytes: number;
  ramTouched: number;
  instructions: number;
  exits: number;
  snapshots: number;
  /** Mean response time of its requests, µs (null for a VM that never sleeps). */
  meanResponseUs: number | null;
}

export interface ContainerRow {
  name: string;
  image: string;
  status: string;
  cpuPercent: number;
  memoryBytes: number;
}

export interface AdminListing {
  at: number;
  hosts: HostRow[];
  vms: VmRow[];
  containers: ContainerRow[];
}

/** What the listing needs from a container runtime (the kernel's, when one is reachable). */
export interface ContainerSource {
  list(all: boolean): ContainerInfo[];
  stats(): ContainerStats[];
}

export function listing(dc: DataCentre, containers?: ContainerSource, window = 10 * dc.bucketCycles): AdminListing {
  const from = Math.max(0, dc.now - window);
  return {
    at: dc.now,
    hosts: dc.hosts().map((h) => ({
      name: h.name, state: h.failed ? 'failed' : 'up', pcpus: h.pcpus,
      vms: h.placements().filter((p) => p.end === null).length,
      ramReserved: h.reservedRam(), ramBytes: h.ramBytes,
      // A failed host runs nothing, whatever it did in the window before it failed.
      cpuPercent: h.failed ? 0 : round1(h.utilization.average(from, dc.now)), switches: h.switches,
    })),
    vms: dc.vms().map((r) => vmRow(dc, r, from)),
    containers: containers ? containerRows(containers) : [],
  };
}

function vmRow(dc: DataCentre, r: DcVm, from: number): VmRow {
  const p = dc.placement(r.name);
  const responses = r.account.responses;
  return {
    name: r.name, host: r.host, profile: r.profile, status: statusOf(r, p),
    cpuPercent: round1(r.account.cpu.average(from, dc.now)),
    ramBytes: r.vm.ram.size, ramTouched: r.vm.ram.touchedPages().length * 4096,
    instructions: r.vm.vcpu.cpu.csr.instret, exits: r.vm.exits.total, snapshots: r.snapshots.length,
    meanResponseUs: responses.length === 0 ? null : round1(responses.reduce((s, x) => s + x.response, 0) / responses.length / 100),
  };
}

export function statusOf(r: DcVm, p: Placement | undefined): VmStatus {
  if (r.down !== null || !p) return 'down';
  if (p.end) return p.end.kind === 'exit' ? 'exited' : p.end.kind === 'stopped' ? 'stopped' : 'faulted';
  if (p.paused) return 'paused';
  return p.blocked ? 'sleeping' : 'running';
}

function containerRows(source: ContainerSource): ContainerRow[] {
  const stats = new Map(source.stats().map((s) => [s.id, s]));
  return source.list(true).map((c) => ({
    name: c.name, image: c.image, status: c.status,
    cpuPercent: round1(stats.get(c.id)?.cpuPercent ?? 0), memoryBytes: stats.get(c.id)?.memoryBytes ?? 0,
  }));
}

export type BulkAction = 'pause' | 'resume' | 'stop' | 'snapshot';

export interface BulkResult {
  action: BulkAction;
  pattern: string;
  /** VMs acted on. */
  done: string[];
  /** VMs matched but left alone, with the reason. */
  skipped: Array<{ name: string; reason: string }>;
}

/** Applies an action to every VM whose name matches the glob (`*` and `?`). */
export function bulk(dc: DataCentre, action: BulkAction, pattern: string): BulkResult {
  const re = globToRegExp(pattern);
  const result: BulkResult = { action, pattern, done: [], skipped: [] };
  for (const r of dc.vms()) {
    if (!re.test(r.name)) continue;
    const p = dc.placement(r.name);
    const why = apply(dc, r, p, action);
    if (why === null) result.done.push(r.name);
    else result.skipped.push({ name: r.name, reason: why });
  }
  if (result.done.length > 0) dc.log(`${action} ${pattern}: ${result.done.join(', ')}`);
  return result;
}

/** Null when done, else why not; the VM's host's hypervisor does it. */
function apply(dc: DataCentre, r: DcVm, p: Placement | undefined, action: BulkAction): string | null {
  if (!p || r.down !== null || r.host === null) return 'it is down';
  if (p.end) return `it has ${statusOf(r, p)}`;
  const host = dc.host(r.host);
  switch (action) {
    case 'pause': if (p.paused) return 'already paused'; host.pause(r.name); return null;
    case 'resume': if (!p.paused) return 'not paused'; host.resume(r.name); return null;
    case 'stop': host.stop(r.name); return null;
    case 'snapshot': exportBackup(dc, r.name, true); return null;
  }
}

export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
