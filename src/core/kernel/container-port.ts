// The interface the `container` command needs from the kernel's container runtime. A
// container is a process tree in fresh namespaces (pid, uts, mount, user) under its own
// cgroup, rooted in an overlay over an image's read-only layers. The runtime owns all of
// that; this port is the handful of verbs docker users know.

import type { ExitStatus, KernelPort, ProcessInfo } from './kernel-port.ts';

export interface ImageInfo {
  /** "alpine" or "debian:12"; `repository:tag` as docker prints it. */
  repository: string;
  tag: string;
  id: string;
  sizeBytes: number;
  layers: number;
  /** PRETTY_NAME from the image's /etc/os-release. */
  os: string;
}

export interface ContainerLimits {
  /** memory.max in bytes. */
  memoryBytes?: number;
  /** cpu.max as a fraction of one CPU, e.g. 0.5. */
  cpus?: number;
  /** pids.max. */
  pidsLimit?: number;
}

/** What the container's first process is: a program from the image, or a shell. */
export type ContainerCommand =
  | { kind: 'program'; argv: string[] }
  /** The shell itself (it is TypeScript, not an RV32 program): the runtime creates a
   * kernel process inside the container and hands back its KernelPort. */
  | { kind: 'shell' };

export interface RunRequest {
  image: string;
  name?: string;
  hostname?: string;
  limits: ContainerLimits;
  env: string[];
  command: ContainerCommand;
  /** The caller's fds for the first process's 0/1/2 when attached (`-it`, or no `-d`);
   * omitted when detached: output then goes only to the container's log. */
  stdio?: [number, number, number];
  /** `-v SRC:DST[:ro]`: the caller's directory SRC appears at DST in the container. */
  volumes?: VolumeRequest[];
  /** `-it` with a program: a new terminal for it (its output goes to `output`). */
  tty?: TerminalRequest;
}

export interface VolumeRequest {
  source: string;
  target: string;
  readOnly: boolean;
}

/** The host's side of a container's terminal: its screen and size. */
export interface TerminalRequest {
  output(bytes: Uint8Array): void;
  columns?: number;
  rows?: number;
}

/** What the host holds of a container's terminal: the keyboard, the window, the line. */
export interface TerminalPort {
  input(bytes: Uint8Array): void;
  resize(columns: number, rows: number): void;
  /** Hangs up (the host stops attaching). */
  close(): void;
}

export type ContainerStatus = 'created' | 'running' | 'exited';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** The first process's command line. */
  command: string;
  status: ContainerStatus;
  exitCode: number | null;
  /** Virtual time, nanoseconds since boot. */
  createdNs: number;
  startedNs: number;
  finishedNs: number | null;
  /** Host pid of the container's pid 1 (0 when not running). */
  hostPid: number;
  hostname: string;
  limits: ContainerLimits;
}

export interface ContainerStats {
  id: string;
  name: string;
  /** Share of one CPU over the last sampling window, in percent. */
  cpuPercent: number;
  memoryBytes: number;
  /** memory.max, or the host total when unlimited. */
  memoryLimitBytes: number;
  pids: number;
}

/** A process started by `run` or `exec`. */
export interface ContainerProcess {
  /** The process's host pid. */
  hostPid: number;
  /** Present for a `shell` command: the port of that process, as seen from inside. */
  port?: KernelPort;
  /** Settles when the process ends. */
  wait(): Promise<ExitStatus>;
  /** Present when started with a terminal (`-it` with a program). */
  terminal?: TerminalPort;
}

/** One side of `container cp`: a path, in a container or (no container) the caller's. */
export interface CopyEnd {
  container?: string;
  path: string;
}

/** Failures throw an Error whose message docker would print ("No such container: web"). */
export interface ContainerRuntimePort {
  /** Can give a program a terminal of its own (RunRequest.tty); else -it uses the shell's pipes. */
  readonly terminals?: boolean;
  images(): ImageInfo[];
  /** Creates and starts a container. Throws (with a message) for an unknown image, a name in use… */
  run(request: RunRequest): { container: ContainerInfo; process: ContainerProcess };
  /** Starts another process in a running container's namespaces and cgroup. */
  exec(idOrName: string, command: ContainerCommand, env: string[], stdio?: [number, number, number], tty?: TerminalRequest): ContainerProcess;
  /** running first, then the rest when `all`, newest first. */
  list(all: boolean): ContainerInfo[];
  inspect(idOrName: string): ContainerInfo & Record<string, unknown>;
  /** SIGTERM, then SIGKILL after the grace period (virtual time). */
  stop(idOrName: string, graceNs: number): Promise<void>;
  kill(idOrName: string, signal: number): void;
  /** Throws when running unless `force`. */
  remove(idOrName: string, force: boolean): void;
  /**
   * `container cp`: copies a file or directory tree between the caller's filesystem and a
   * container's (`container` set on the side that is inside one). Returns bytes copied.
   */
  copy(from: CopyEnd, to: CopyEnd): number;
  /** Everything the container's processes wrote to stdout/stderr while detached. */
  logs(idOrName: string): string;
  stats(): ContainerStats[];
  /** The container's processes, pids as the host sees them. */
  top(idOrName: string): ProcessInfo[];
}
