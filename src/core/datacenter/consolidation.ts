// Server consolidation, measured. Before: one service per physical server, as data centres
// grew up — each server mostly idle. Measure each service's real CPU demand and memory,
// pack them as VMs onto as few servers as the placement policy finds (placement.ts), run
// them again consolidated, and compare: servers needed, utilization per host over time,
// and the price paid in service latency. A last experiment fills one host a service at a
// time and measures how the response time of the first service grows.

import { DataCentre, DEFAULT_HOST_PCPUS, DEFAULT_HOST_RAM } from './datacenter.ts';
import { pack, type Demand, type PlacementPolicy } from './placement-policy.ts';
import type { ResponseSample } from '../vmm/physical-host.ts';
import type { UtilizationSample } from '../vmm/utilization.ts';
import { workloadSpec, type WorkloadProfile } from './workload.ts';

export interface ServiceSpec {
  name: string;
  profile: WorkloadProfile;
}

/** A small company's servers: web front ends, APIs, a cache and a nightly batch job. */
export const DEFAULT_SERVICES: ServiceSpec[] = [
  { name: 'web-1', profile: 'idle' }, { name: 'web-2', profile: 'idle' },
  { name: 'web-3', profile: 'idle' }, { name: 'mail', profile: 'idle' },
  { name: 'api-1', profile: 'bursty' }, { name: 'api-2', profile: 'bursty' },
  { name: 'cache', profile: 'memory-heavy' }, { name: 'batch', profile: 'cpu-bound' },
];

export interface ConsolidationOptions {
  services?: ServiceSpec[];
  /** Each physical server (before and after). */
  pcpus?: number;
  ramBytes?: number;
  /** Virtual time each configuration runs, cycles (default 30,000,000 = 0.3 s). */
  duration?: number;
  /** Highest CPU utilization to plan a host for, 0..1 (default 0.75: headroom for bursts). */
  targetUtilization?: number;
  policy?: PlacementPolicy;
  /** Run the fill-one-host latency experiment (default true). */
  fill?: boolean;
  /** Time each fill step runs (default duration / 3). */
  fillDuration?: number;
}

export interface LatencySummary {
  requests: number;
  meanUs: number;
  p95Us: number;
  maxUs: number;
  /** Mean time waiting for a CPU before the request was even started. */
  meanWaitUs: number;
}

export interface ServiceFigures {
  name: string;
  profile: WorkloadProfile;
  host: string;
  /** Measured demand: physical CPUs' worth of work. */
  cpu: number;
  ramBytes: number;
  latency: LatencySummary | null;
}

export interface HostFigures {
  name: string;
  services: string[];
  /** Average busy share of its CPUs, %. */
  utilization: number;
  series: UtilizationSample[];
}

export interface ConfigurationFigures {
  servers: number;
  hosts: HostFigures[];
  services: ServiceFigures[];
  /** Average utilization over all servers, %. */
  utilization: number;
}

export interface FillStep {
  services: number;
  added: string;
  hostUtilization: number;
  /** Latency of the first service on the host. */
  latency: LatencySummary | null;
}

export interface ConsolidationReport {
  policy: PlacementPolicy;
  duration: number;
  server: { pcpus: number; ramBytes: number };
  targetUtilization: number;
  before: ConfigurationFigures;
  after: ConfigurationFigures;
  fill: FillStep[];
}

export function consolidate(options: ConsolidationOptions = {}): ConsolidationReport {
  const services = options.services ?? DEFAULT_SERVICES;
  const pcpus = options.pcpus ?? DEFAULT_HOST_PCPUS;
  const ramBytes = options.ramBytes ?? DEFAULT_HOST_RAM;
  const duration = options.duration ?? 30_000_000;
  const target = options.targetUtilization ?? 0.75;
  const policy = options.policy ?? 'first-fit-decreasing';
  if (!(target > 0 && target <= 1)) throw new RangeError(`target utilization must be in (0, 1], got ${target}`);
  if (services.length === 0) throw new RangeError('no services to consolidate');

  const before = runConfiguration(services.map((s) => [s]), services, pcpus, ramBytes, duration, 'server');
  const demands: Demand[] = before.services.map((s) => ({ name: s.name, cpu: s.cpu, memBytes: s.ramBytes }));
  const bins = pack(demands, { cpu: pcpus * target, memBytes: ramBytes }, policy);
  const byName = new Map(services.map((s) => [s.name, s]));
  const after = runConfiguration(bins.map((b) => b.items.map((n) => byName.get(n)!)), services, pcpus, ramBytes, duration, 'host');
  const fill = options.fill === false ? [] : fillOneHost(services, pcpus, ramBytes, options.fillDuration ?? Math.floor(duration / 3));
  return { policy, duration, server: { pcpus, ramBytes }, targetUtilization: target, before, after, fill };
}

/** Runs the services grouped onto hosts (one group per host) and measures them. */
function runConfiguration(groups: ServiceSpec[][], order: ServiceSpec[], pcpus: number, ramBytes: number, duration: number, prefix: string): ConfigurationFigures {
  const dc = new DataCentre();
  groups.forEach((group, i) => {
    const host = `${prefix}-${i + 1}`;
    dc.addHost({ name: host, pcpus, ramBytes: Math.max(ramBytes, ...group.map((s) => workloadSpec(s.profile).ramBytes)) });
    for (const s of group) dc.createVm({ name: s.name, workload: workloadSpec(s.profile), host });
  });
  dc.runUntil(duration);
  const hosts = dc.hosts().map((h) => ({
    name: h.name, services: h.placements().map((p) => p.name),
    utilization: round1(h.utilization.average(0, duration)), series: h.utilization.samples(duration).map(roundSample),
  }));
  const services = order.map((s) => {
    const r = dc.vm(s.name);
    return {
      name: s.name, profile: s.profile, host: r.host!, cpu: round3(r.account.cpuTime / duration),
      ramBytes: r.vm.ram.size, latency: summarize(r.account.responses),
    };
  });
  const utilization = round1(hosts.reduce((sum, h) => sum + h.utilization, 0) / hosts.length);
  return { servers: hosts.length, hosts, services, utilization };
}

/** One host, services added one by one: how does the first one's latency change? */
function fillOneHost(services: ServiceSpec[], pcpus: number, ramBytes: number, duration: number): FillStep[] {
  const steps: FillStep[] = [];
  const first = services.find((s) => s.profile !== 'cpu-bound') ?? services[0];
  const rest = services.filter((s) => s !== first);
  for (let k = 0; k <= rest.length; k++) {
    const group = [first, ...rest.slice(0, k)];
    const ram = Math.max(ramBytes, group.reduce((sum, s) => sum + workloadSpec(s.profile).ramBytes, 0));
    const dc = new DataCentre();
    dc.addHost({ name: 'host', pcpus, ramBytes: ram });
    for (const s of group) dc.createVm({ name: s.name, workload: workloadSpec(s.profile), host: 'host' });
    dc.runUntil(duration);
    steps.push({
      services: group.length, added: group[group.length - 1].name,
      hostUtilization: round1(dc.host('host').utilization.average(0, duration)),
      latency: summarize(dc.vm(first.name).account.responses),
    });
  }
  return steps;
}

export function summarize(samples: readonly ResponseSample[]): LatencySummary | null {
  if (samples.length === 0) return null;
  const us = samples.map((s) => s.response / 100).sort((a, b) => a - b);
  const p95 = us[Math.min(us.length - 1, Math.ceil(0.95 * us.length) - 1)];
  return {
    requests: us.length,
    meanUs: round1(us.reduce((a, b) => a + b, 0) / us.length),
    p95Us: round1(p95), maxUs: round1(us[us.length - 1]),
    meanWaitUs: round1(samples.reduce((a, s) => a + s.wait, 0) / samples.length / 100),
  };
}

function roundSample(s: UtilizationSample): UtilizationSample {
  return { at: s.at, percent: round1(s.percent) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
