// The kernel checkpoint's format (see checkpoint.ts): plain data, versioned, with every
// object reference stored as a number in its table. Saved by checkpoint.ts, read back by
// checkpoint-restore.ts.

import type { CpuState } from '../isa/cpu.ts';
import type { ExitEvent } from '../run-result.ts';
import type { Region } from './address-space.ts';
import type { EventCounts } from './cgroup-events.ts';
import type { KernelCosts } from './cost.ts';
import type { SleepKind } from './file.ts';
import type { InodeType } from './fs/inode.ts';
import type { ProcessState, WaitReport } from './process.ts';
import type { SigInfo } from './signal.ts';

/**
 * 2: cgroups carry their event counters (events, eventsLocal) and cpu.stat's bandwidth figures.
 * 3: processes carry their signal state, process group and session (ProcessSave.job).
 */
export const KERNEL_STATE_VERSION = 3;

/** A refused restore: the message says why; the kernel was not changed. */
export class KernelStateError extends Error {
  override name = 'KernelStateError';
}

export type ChannelRef = { k: 'pipe'; id: number } | { k: 'console' } | { k: 'process'; id: number };

export type InodeState =
  | { k: 'ref'; path: string; ino: number }
  /** parent and viewer are optional: states saved before they existed restore without them. */
  | { k: 'proc'; ns: number; parent?: number | null }
  | { k: 'cgroup'; cgroup: string; writable: boolean; parent: number | null; viewer?: number | null }
  | {
    k: 'node'; ino: number; type: InodeType; perm: number; data: Uint8Array | null; target: string;
    nlink: number; uid: number; gid: number; mtimeNs: number; readOnly: boolean; version: number;
    device: string; entries: [string, number][] | null; lower: number[] | null; parentOverlay: number | null;
  };

export type FileState =
  | { k: 'inode'; refs: number; node: number; readable: boolean; writable: boolean; append: boolean; offset: number }
  | { k: 'pipe'; refs: number; pipe: number; write: boolean }
  | { k: 'console'; refs: number; node: number | null; toError?: boolean }
  | { k: 'null'; refs: number; node: number }
  | { k: 'zero' | 'random'; refs: number; node: number }
  | { k: 'log'; refs: number; chunks: Uint8Array[]; bytes: number }
  | { k: 'tee'; refs: number; target: number; log: number };

export interface CgroupState {
  name: string;
  limits: Record<(typeof CGROUP_FIELDS)[number], number>;
  events: EventCounts;
  eventsLocal: EventCounts;
  children: CgroupState[];
}

export interface SpaceState {
  charge: string | null;
  regions: Region[];
  pages: [number, number, number, boolean][];
  oomAt: number | null;
}

export interface ProcessSave {
  id: number; regs: number[]; pc: number; state: ProcessState; channel: ChannelRef | null; wakeAt: number;
  files: (number | null)[]; brkStart: number; brk: number; mmapNext: number; children: number[];
  parent: number | null; waitStatus: number; killedBy: number; killReason: string; name: string;
  argv: string[]; instructions: number; cpuCycles: number; syscalls: number; startCycle: number;
  host: boolean; space: SpaceState; ns: number; cgroup: string; cwd: number; uid: number; gid: number;
  job: JobSave;
}

/** A process's signals, job control and descriptor flags (sets as decimal strings: 64 bits). */
export interface JobSave {
  pgid: number; sid: number; exitSignal: number; umask: number; fdFlags: number[];
  sigMask: string; sigPending: string; savedMask: string | null;
  handlers: [number, number, string][]; sigInfo: [number, SigInfo][];
  altStack: { sp: number; size: number }; stopped: boolean; waitReport: WaitReport;
  sleepKind: SleepKind | null; deadline: number | null; timeoutResult: number; clearTid: number;
  exePath: string; childCpuCycles: number; vforkParent: number | null;
}

export interface SchedulerState {
  quantum: number;
  queue: number[];
  sleepers: [ChannelRef, number[]][];
  timers: [number, number][];
  last: number | null;
}

export interface KernelState {
  kind: 'kernel';
  version: number;
  config: { quantum: number; costs: KernelCosts; eventLogLength: number };
  cpu: CpuState;
  nextId: number;
  nextIno: number;
  wellKnown: Record<string, number>;
  inodes: InodeState[];
  frames: { shared: boolean; refs: number; bytes: Uint8Array | null; system?: boolean }[];
  pipes: { bytes: Uint8Array; readers: number; writers: number }[];
  files: FileState[];
  pidNamespaces: { parent: number | null; nextPid: number; tasks: [number, number][] }[];
  utsNamespaces: { hostname: string; domainname: string }[];
  mountNamespaces: { root: number }[];
  userNamespaces: { outsideUid: number; outsideGid: number }[];
  namespaceSets: { pid: number; uts: number; mnt: number; user: number }[];
  cgroups: CgroupState;
  processes: ProcessSave[];
  scheduler: SchedulerState;
  console: { input: Uint8Array[]; closed: boolean };
  programs: { inode: number; frames: [number, number][] }[];
  sharedPages: number;
  log: {
    messages: string[]; events: ExitEvent[]; eventCounts: Record<string, number>;
    overheadByCause: Record<string, number>; eventTotal: number; instructions: number;
  };
  parts: Record<string, unknown>;
}

export const CGROUP_FIELDS = [
  'memoryMax', 'memoryCurrent', 'pidsMax', 'pidsCurrent', 'cpuQuota', 'cpuPeriod', 'cpuWeight',
  'cpuUsage', 'cpuUsedInPeriod', 'periodStart', 'vruntime', 'tasksVruntime', 'floor',
  'nrPeriods', 'nrThrottled', 'throttledCycles', 'throttledAt', 'memoryPeak',
] as const;
