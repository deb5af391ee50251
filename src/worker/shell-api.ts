// The page's interface to the terminal's shell: the host kernel and the shell
// run in a worker of their own; the page forwards xterm's key bytes and draws what comes
// back. Plain data and Promises only, so the same object serves tests in-process and the
// page through comlink (callbacks must then be wrapped in Comlink.proxy).

import type { ContainerStatus } from '../core/kernel/container-port.ts';
import type { VmMode, VmStatus } from '../core/vmm/vm-port.ts';
import type { RunOutcome } from '../core/lessons/runner-port.ts';

export interface ShellListener {
  /** Terminal bytes: \r\n line ends and ANSI, ready for xterm.write. */
  output(text: string): void;
}

/** One container as the guests overview shows it. */
export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  command: string;
  status: ContainerStatus;
  hostname: string;
  /** Share of one CPU over the kernel's last sampling window, percent. */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  pids: number;
}

/** One VM made in the terminal (`vm create/start`) as the guests overview shows it. */
export interface VmRow {
  name: string;
  image: string;
  mode: VmMode;
  state: VmStatus;
  /** Share of one host CPU since the previous vms() call, percent (0 the first time). */
  cpuPercent: number;
  /** Guest RAM reserved, and the part the guest has touched. */
  memoryBytes: number;
  residentBytes: number;
  instructions: number;
  exits: number;
  /** Hypervisor cycles / all cycles the VM used, percent. */
  overheadPercent: number;
}

export interface StartManyRequest {
  image: string;
  count: number;
  /** Names are `${prefix}-1` … `${prefix}-N`; empty for docker's generated names. */
  prefix: string;
  /** The command of each container (argv), e.g. ['sleep', '1000']. */
  argv: string[];
}

export interface StartManyProgress {
  started: number;
  total: number;
}

export interface StartManyResult {
  started: number;
  cancelled: boolean;
  /** The first refusal, if one stopped the batch ("Conflict. The container name…"). */
  error?: string;
}

export interface ShellApi {
  /** Starts the host shell (draws its first prompt) and sends its bytes to `listener`. */
  start(listener: ShellListener): Promise<void>;
  /** Key bytes from xterm's onData. */
  input(data: string): Promise<void>;
  /** Draw the prompt and the line being typed again, below text written around the shell. */
  redraw(): Promise<void>;
  /** Every container the kernel knows, running first. */
  containers(): Promise<ContainerRow[]>;
  /** Every VM the terminal's hypervisor holds (`vm ls`), in creation order. */
  vms(): Promise<VmRow[]>;
  /** The terminal's width in columns, so the shell wraps a long line where xterm does. */
  resize(columns: number): Promise<void>;
  /** Starts many detached containers, reporting progress; cancel() stops the batch. */
  startMany(request: StartManyRequest, onProgress?: (p: StartManyProgress) => void): Promise<StartManyResult>;
  cancel(): Promise<void>;
  /** Types a script into the terminal line by line (see ShellService.play). */
  play(script: string, title: string, fresh: boolean): Promise<void>;
  /** The terminal's host as a lesson check sees it, after running `commands` on it. */
  observe(commands: string[]): Promise<RunOutcome>;
  /** Serves the terminal's data centre (a DataCentreApi) on `port`, for the Data centre screen. */
  connectDataCentre(port: MessagePort): Promise<void>;
}
