// A VM placed on a physical host: the scheduler's facts about it (when it may run, asleep,
// paused, ended) beside the VM and its account, which move with it between hosts.

import type { Stop } from '../session.ts';
import type { Vm } from './vm.ts';
import type { VmAccount } from './vm-account.ts';

/** How a placed VM ended: a final Stop (session.ts), its instruction budget, or stopped by its owner. */
export type VmEnd = Extract<Stop, { kind: 'exit' | 'fault' | 'wfi-idle' | 'budget' }> | { kind: 'stopped' };

export interface Placement {
  name: string;
  vm: Vm;
  account: VmAccount;
  /** Host time from which it may run. */
  readyAt: number;
  blocked: boolean;
  /** While blocked: guest cycles until its timer. */
  sleepFor: number;
  paused: boolean;
  end: VmEnd | null;
  /** Due time of the request it is waiting to serve, when it sleeps between requests. */
  requestAt: number | null;
  wait: number | null;
  /** Not saved, for a run to the end: its instret when placed, and host time when it ended. */
  startInstret?: number;
  endedAt?: number;
}
