// The shapes shared by the system-call dispatcher and its handler files (kept apart so
// handlers do not import the dispatcher that imports them).

import type { Block } from './file.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';

/** The process no longer returns from this call (exit) or got a new image (execve). */
export const NO_RETURN = Symbol('no-return');

export type SyscallResult = number | Block | typeof NO_RETURN;

/** a0..a5 as signed 32-bit values. */
export type SyscallArgs = readonly [number, number, number, number, number, number];

export type SyscallHandler = (k: KernelServices, p: Process, a: SyscallArgs) => SyscallResult;

export interface SyscallEntry {
  name: string;
  handler: SyscallHandler;
}

export type SyscallTable = Record<number, SyscallEntry>;
