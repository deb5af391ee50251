// The hypervisor's public surface.
export { Vm, LoadError, type VmMode, type VmOptions, type VmStop, type VmState } from './vm.ts';
export { runUnderVmm, runToEnd, type VmmRunOptions } from './run-under-vmm.ts';
export { Host, type HostOptions, type HostReport, type VmReport } from './host.ts';
export { saveSnapshot, restoreSnapshot, readSnapshot, cloneFromSnapshot, SnapshotError } from './snapshot.ts';
export { DEFAULT_COST_MODEL, COST_SOURCES, type CostModel } from './cost-model.ts';
export { vmRunResult, costBreakdown } from './run-result.ts';
export { Eid, SbiError, TrapdoorFid } from './sbi.ts';
