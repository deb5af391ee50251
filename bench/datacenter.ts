// Data-centre figures: live-migration rounds, pages and downtime per workload profile
// (1 Gbit/s link), and how fast the simulation runs (virtual time and guest instructions
// per wall-clock second) for the demo data centre and the consolidation experiment.
// bench/index.ts adds `datacenter` to its sections.

import { performance } from 'node:perf_hooks';
import { consolidate } from '../src/core/datacenter/consolidation.ts';
import { DataCentre } from '../src/core/datacenter/datacenter.ts';
import { demoDataCentre } from '../src/core/datacenter/demo.ts';
import { migrate } from '../src/core/datacenter/live-migration.ts';
import { workloadSpec, type WorkloadProfile } from '../src/core/datacenter/workload.ts';
import type { BenchRow, BenchSection } from './section.ts';
import { median } from './section.ts';

function migrationRow(profile: WorkloadProfile): BenchRow {
  const dc = new DataCentre();
  dc.addHost({ name: 'a' });
  dc.addHost({ name: 'b' });
  dc.createVm({ name: 'vm', workload: workloadSpec(profile), host: 'a' });
  dc.runFor(5_000_000);
  const r = migrate(dc, 'vm', 'b');
  return {
    measure: `migrate ${profile}`, rounds: r.rounds.length, 'pages sent': r.pagesSent, 'final pages': r.finalPages,
    'downtime µs': Math.round(r.downtimeMs * 1000), 'total ms': Math.round(r.totalCycles / 1000) / 100, stop: r.stopReason,
  };
}

function instructions(dc: DataCentre): number {
  return dc.vms().reduce((n, r) => n + r.vm.vcpu.cpu.csr.instret, 0);
}

function speedRow(repetitions: number): BenchRow {
  const walls: number[] = [];
  let instr = 0;
  const span = 20_000_000; // 200 ms of virtual time
  for (let i = 0; i < repetitions; i++) {
    const dc = demoDataCentre(0);
    const t = performance.now();
    dc.runFor(span);
    walls.push((performance.now() - t) / 1000);
    instr = instructions(dc);
  }
  const wall = median(walls);
  return {
    measure: 'demo data centre (3 hosts, 5 VMs), 200 ms virtual', 'wall s': Math.round(wall * 1000) / 1000,
    'virtual s per wall s': Math.round((span / 1e8 / wall) * 100) / 100, 'guest MIPS': Math.round(instr / wall / 1e5) / 10,
  };
}

function consolidationRow(): BenchRow {
  const t = performance.now();
  const r = consolidate({ duration: 20_000_000 });
  return {
    measure: 'consolidate (8 services, 200 ms each run + fill)', 'wall s': Math.round(performance.now() - t) / 1000,
    'servers before': r.before.servers, 'servers after': r.after.servers,
    'util before %': r.before.utilization, 'util after %': r.after.utilization,
  };
}

export const datacenter: BenchSection = {
  name: 'datacenter',
  run({ repetitions, log }) {
    log('live migration over a 1 Gbit/s link (pre-copy, then stop-and-copy)');
    const rows = (['idle', 'bursty', 'cpu-bound', 'memory-heavy'] as const).map(migrationRow);
    rows.push(speedRow(Math.max(1, Math.min(repetitions, 3))), consolidationRow());
    return rows;
  },
};
