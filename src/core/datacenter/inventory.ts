// What the data centre keeps about its hosts and VMs (its inventory): the specs they are
// made from, and the record of each VM wherever it currently runs.

import type { ProgramImage } from '../asm/image.ts';
import type { Vm } from '../vmm/vm.ts';
import type { VmAccount } from '../vmm/vm-account.ts';
import type { WorkloadSpec } from './workload.ts';

export interface HostSpec {
  name: string;
  pcpus?: number;
  ramBytes?: number;
}

export interface VmSpec {
  name: string;
  /** A workload profile, or any program image. */
  workload: WorkloadSpec | ProgramImage;
  /** Guest RAM; default the workload's, or 8 MiB for an image. */
  ramBytes?: number;
  /** Host to place it on; default the first with room. */
  host?: string;
}

export interface SnapshotRecord {
  /** Data-centre time it was taken. */
  at: number;
  /** Guest instructions retired when it was taken (to measure lost work). */
  instructions: number;
  bytes: Uint8Array;
}

/** A VM as the data centre knows it, wherever it currently runs. */
export interface DcVm {
  name: string;
  profile: string;
  image: ProgramImage;
  vm: Vm;
  host: string | null;
  account: VmAccount;
  /** Everything the guest's console printed, as its users saw it, across moves. */
  console: string[];
  snapshots: SnapshotRecord[];
  /** Set while it is down (failed host, no room to restart). */
  down: string | null;
}

export interface DcEvent {
  at: number;
  text: string;
}
