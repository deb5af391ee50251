import { DataCentre } from '../../../src/core/datacenter/datacenter.ts';
import { workloadImage, workloadSpec, type WorkloadProfile, type WorkloadSpec } from '../../../src/core/datacenter/workload.ts';
import { runProgram } from '../../../src/core/runner.ts';

/** Two or more hosts with the default size. */
export function dataCentre(hosts = 2, snapshotEvery = 0): DataCentre {
  const dc = new DataCentre();
  for (let i = 1; i <= hosts; i++) dc.addHost({ name: `host-${i}`, pcpus: 2 });
  if (snapshotEvery > 0) dc.scheduleSnapshots(snapshotEvery);
  return dc;
}

/** A workload that ends by itself, so whole runs can be compared. */
export function finite(profile: WorkloadProfile, requests: number, extra: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return workloadSpec(profile, { requests, report: 5, ...extra });
}

/** What the guest prints when it runs alone under the hypervisor and never moves. */
export function alone(spec: WorkloadSpec): { console: string; exitCode: number | null; instructions: number } {
  const r = runProgram({ image: workloadImage(spec), mode: 'full', ramSize: spec.ramBytes, maxInstructions: 2e9 });
  return { console: r.console, exitCode: r.exitCode, instructions: r.instructions };
}
