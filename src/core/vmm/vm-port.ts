// The interface the `vm` command needs from the hypervisor (src/core/vmm): full virtual
// machines, each with its own guest kernel, RAM and UART, side by side with containers.

import type { VmMode } from '../run-result.ts';

export type { VmMode };

/** Where a VM is in its life (its saved state is vm.ts's VmState). */
export type VmStatus = 'created' | 'running' | 'stopped';

export interface VmInfo {
  name: string;
  state: VmStatus;
  /** The guest program it boots (an image name from `images()`). */
  image: string;
  mode: VmMode;
  memoryBytes: number;
  /** Guest RAM actually touched (pages are allocated lazily). */
  residentBytes: number;
  instructions: number;
  exits: number;
  /** Snapshot tags, oldest first. */
  snapshots: string[];
}

export interface VmStats {
  name: string;
  /** Share of the host CPU this VM got over the last window, percent. */
  cpuPercent: number;
  instructions: number;
  exits: number;
  exitsByCause: Record<string, number>;
  /** Hypervisor overhead cycles / all cycles, percent. */
  overheadPercent: number;
  residentBytes: number;
}

/** The guest's UART, attached to the terminal by `vm console`. */
export interface VmConsole {
  /** Bytes the guest wrote so far are delivered first, then new ones as they come. */
  onOutput(listener: (text: string) => void): () => void;
  /** Bytes for the guest's receive register. */
  input(text: string): void;
  /** Settles when the VM stops. */
  stopped: Promise<void>;
}

export interface CreateVmRequest {
  name: string;
  image: string;
  /** Default: the mode the image was written for (a "-pv" kernel is paravirtual). */
  mode?: VmMode;
  memoryBytes?: number;
}

/** Failures throw an Error whose message the command prints ("no such VM: web1"). */
export interface HypervisorPort {
  images(): string[];
  create(request: CreateVmRequest): VmInfo;
  start(name: string): void;
  /** Powers the VM off (its state stays, as a stopped machine's disk would). */
  stop(name: string): void;
  list(): VmInfo[];
  console(name: string): VmConsole;
  snapshot(name: string, tag: string): void;
  restore(name: string, tag: string): void;
  /** A new VM from this one's current state (test/dev cloning). */
  clone(name: string, newName: string): VmInfo;
  remove(name: string): void;
  stats(): VmStats[];
}
