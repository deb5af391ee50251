// What the data centre keeps about its hosts and VMs (its inventory): the specs they are
// made from, and the record of each VM wherever it currently runs — the cluster's facts
// about it (its profile and program, which host, its backups, its console as its users
// saw it across moves). The VM itself and its account live with the hypervisor of the
// host it runs on (vmm/vm-manager.ts); the record finds them there.

import type { ProgramImage } from '../asm/image.ts';
import type { Vm } from '../vmm/vm.ts';
import type { VmAccount } from '../vmm/vm-account.ts';
import type { VmManager } from '../vmm/vm-manager.ts';
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

/** What is left of a VM that went down with its host: its last state and account. */
export interface VmRemains {
  vm: Vm;
  account: VmAccount;
}

/** A VM as the data centre knows it, wherever it currently runs. */
export class DcVm {
  host: string | null = null;
  /** Everything the guest's console printed, as its users saw it, across moves. */
  console: string[] = [];
  /** Its backups (on the data centre's shared storage, so they outlive any host), oldest first. */
  snapshots: SnapshotRecord[] = [];
  /** Set while it is down (failed host, no room to restart). */
  down: string | null = null;
  /** While it is on no host: the VM as it was when it went down. */
  remains: VmRemains | null = null;

  constructor(
    readonly name: string,
    readonly profile: string,
    /** The program it runs (for symbols and a cold restart). */
    readonly image: ProgramImage,
    private readonly hypervisor: (host: string) => VmManager | undefined,
  ) {}

  /** The VM itself, on its host's hypervisor (or its remains while it is down). */
  get vm(): Vm {
    return this.guest().vm;
  }

  /** What it has used (CPU time, slices, responses) wherever it ran. */
  get account(): VmAccount {
    return this.guest().account;
  }

  private guest(): VmRemains {
    const found = (this.host === null ? undefined : this.hypervisor(this.host)?.guest(this.name)) ?? this.remains;
    if (!found) throw new RangeError(`'${this.name}' is on no host`);
    return found;
  }
}

export interface DcEvent {
  at: number;
  text: string;
}
