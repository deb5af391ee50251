// The data centre's public surface: hosts (each a VmManager) on one virtual clock, workloads, consolidation,
// cost, live migration, failover, backups, cloning and administration.
export { DataCentre, DcVm, type DataCentreOptions, type HostSpec, type VmSpec, type SnapshotRecord, type DcEvent } from './datacenter.ts';
export { VmManager, type Arrival, type Departure, type VmOrigin } from '../vmm/vm-manager.ts';
export { PhysicalHost, type Placement, type ResponseSample } from '../vmm/physical-host.ts';
export { PROFILES, workloadSpec, workloadSource, workloadImage, type WorkloadProfile, type WorkloadSpec } from './workload.ts';
export { pack, firstFitHost, type PlacementPolicy, type Demand } from './placement-policy.ts';
export { consolidate, DEFAULT_SERVICES, summarize, type ConsolidationOptions, type ConsolidationReport, type LatencySummary } from './consolidation.ts';
export { TCO_DEFAULTS, TCO_SOURCES, tcoInputs, totalCostOfOwnership, serverWatts, type TcoInputs, type TcoReport } from './tco.ts';
export { migrate, linkModel, MigrationError, type MigrationOptions, type MigrationProgress, type MigrationReport } from './live-migration.ts';
export { failHost, type FailoverOptions, type FailoverReport } from './failover.ts';
export { exportBackup, inspectBackup, restoreBackup, BackupError } from './backup.ts';
export { cloneTemplate, type CloneReport } from './clone.ts';
export { listing, bulk, type AdminListing, type BulkAction, type BulkResult } from './administration.ts';
export { demoDataCentre, DEMO_VMS } from './demo.ts';
export { DcSession, DC_USAGE, type DcIo, type DcResult } from './dc-command.ts';
export { DATACENTRE_STATE_VERSION, type DataCentreState, type DcVmState } from './datacenter-state.ts';
export { PHYSICAL_HOST_STATE_VERSION, type PhysicalHostState, type GuestLookup } from '../vmm/physical-host-state.ts';
export { StateError } from '../vmm/state-check.ts';
