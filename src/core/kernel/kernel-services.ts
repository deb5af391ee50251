// What the kernel's subsystems see of the kernel: the system calls (sys-*.ts), /proc and
// /sys/fs/cgroup, futexes, terminals' ioctls and checkpoints reach the process table,
// the filesystem, time and the scheduler through this interface, which the Kernel
// implements. The subsystems below it ask for less (SignalKernel in signal-delivery.ts,
// SchedulingKernel in scheduler.ts, ExecKernel in exec.ts), so the kernel's modules import
// each other in one direction only: kernel.ts wires them and none of them imports it.

import type { ProgramImage } from '../asm/image.ts';
import type { ExitEvent } from '../run-result.ts';
import type { Cgroup } from './cgroup.ts';
import type { CheckpointPart } from './checkpoint-context.ts';
import type { KernelState } from './checkpoint-state.ts';
import type { ExecKernel } from './exec.ts';
import type { Console, OpenFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { MemFs } from './fs/mem-fs.ts';
import type { NamespaceSet } from './namespace.ts';
import type { Process } from './process.ts';
import type { Scheduler, SchedulingKernel } from './scheduler.ts';
import type { Terminal } from './tty.ts';

export interface KernelServices extends SchedulingKernel, ExecKernel {
  // ---- the machine and the tables ----
  readonly fs: MemFs;
  readonly console: Console;
  readonly consoleNode: Inode;
  readonly nullNode: Inode;
  readonly scheduler: Scheduler;
  readonly rootCgroup: Cgroup;
  readonly initNs: NamespaceSet;
  readonly deviceId: number;
  /** The process whose system call (or host call) is running: /proc/self names it. */
  readonly current: Process | null;
  readonly nextProcessId: number;
  /** getrandom's generator state. */
  entropy: number;

  // ---- the log ----
  readonly messages: string[];
  readonly events: ExitEvent[];
  readonly eventTotal: number;
  readonly eventLogLength: number;
  /** System calls answered with ENOSYS, by number. */
  readonly enosys: Map<number, number>;

  // ---- time, load and memory ----
  nowNs(): number;
  loadAverage(): [number, number, number];
  memoryView(p: Process | null): { total: number; used: number; free: number; shared: number };

  // ---- devices and terminals ----
  openDevice(node: Inode, readable: boolean, writable: boolean, p?: Process, noctty?: boolean): OpenFile | null;
  terminalOf(p: Process): Terminal | null;
  detachTerminal(p: Process): void;
  pipeId(f: OpenFile): number;

  // ---- processes ----
  fork(p: Process, thread?: boolean): Process | null;
  exitThread(t: Process, groupExit?: boolean): void;
  reap(p: Process): void;
  releaseVfork(child: Process): void;
  sleepOn(p: Process, channel: object, deadline?: number): void;
  sleepUntil(p: Process, cycle: number): void;

  // ---- programs ----
  loadProgramFile(node: Inode, path: string): ProgramImage;
  cachedProgram(node: Inode): ProgramImage | undefined;
  programFor(node: Inode): ProgramImage;
  cacheProgram(node: Inode, image: ProgramImage): void;

  // ---- checkpoints ----
  /** Others that keep state in the kernel (the container runtime), saved with it. */
  readonly checkpointParts: Map<string, CheckpointPart>;
  restoreCounters(nextId: number, config: KernelState['config'], log: KernelState['log'], sharedPages: number): void;
}
