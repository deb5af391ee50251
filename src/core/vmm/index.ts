// The hypervisor's public surface.
export { Vm, LoadError, type VmMode, type VmOptions, type VmState } from './vm.ts';
export { VmSession, vmResult, costBreakdown, type VmSessionOptions } from './vm-session.ts';
export { VmBatch, type VmBatchOptions, type VmBatchReport, type VmReport } from './vm-batch.ts';
export { saveSnapshot, restoreSnapshot, readSnapshot, cloneFromSnapshot, SnapshotError } from './snapshot.ts';
export { DEFAULT_COST_MODEL, COST_SOURCES, type CostModel } from './cost-model.ts';
export { Eid, SbiError, TrapdoorFid } from './sbi.ts';
