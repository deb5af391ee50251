// The data centre the lab, the shell and `trapdoor dc` start from: three hosts running a
// small company's services as VMs, with a backup snapshot every 15 ms.

import { DataCentre } from './datacenter.ts';
import { workloadSpec, type WorkloadProfile } from './workload.ts';

export const DEMO_VMS: Array<[string, WorkloadProfile, string]> = [
  ['web-1', 'idle', 'host-1'], ['web-2', 'idle', 'host-1'], ['api-1', 'bursty', 'host-1'],
  ['cache', 'memory-heavy', 'host-2'], ['batch', 'cpu-bound', 'host-2'],
];

export function demoDataCentre(warmUpCycles = 2_000_000): DataCentre {
  const dc = new DataCentre();
  for (const name of ['host-1', 'host-2', 'host-3']) dc.addHost({ name, pcpus: 2, ramBytes: 64 * 1024 * 1024 });
  for (const [name, profile, host] of DEMO_VMS) dc.createVm({ name, workload: workloadSpec(profile), host });
  dc.scheduleSnapshots(1_500_000);
  dc.runFor(warmUpCycles);
  return dc;
}
