// A batch of VMs: several guests on one host, run to their end (`trapdoor run --mode full
// A.s B.s`, a lesson's machine.vms). The physical host's round-robin scheduler
// (physical-host.ts, the one scheduler of VMs) over 1-4 physical CPUs in virtual host
// time, started with every VM at time 0 and advanced until every VM has ended. Each
// runnable VM gets a time slice (in cycles, its exits' costs included); a VM asleep in
// wfi is blocked until its timer and consumes nothing; a VM that yields gives back the
// rest of its slice. Because a VM's own clock only advances while it runs (or sleeps),
// one guest can never change what another computes — only when it gets to run.
//
//   const batch = new VmBatch({ pcpus: 2, slice: 200_000 })
//   batch.add(vm, 'name')
//   const report = batch.run({ maxInstructionsPerVm, maxHostCycles })

import type { RunResult } from '../run-result.ts';
import type { Stop } from '../session.ts';
import { DEFAULT_COST_MODEL } from './cost-model.ts';
import { PhysicalHost } from './physical-host.ts';
import type { Placement } from './placement.ts';
import { newAccount } from './vm-account.ts';
import { vmResult } from './vm-session.ts';
import type { Vm } from './vm.ts';

export interface VmBatchOptions {
  /** Physical CPUs, 1 to 4. */
  pcpus?: number;
  /** Time slice in cycles. */
  slice?: number;
  /** Host cycles charged when a physical CPU switches to a different VM. */
  vmSwitchCost?: number;
}

export interface VmBatchLimits {
  maxInstructionsPerVm?: number;
  /** Stop the whole host after this much virtual host time. */
  maxHostCycles?: number;
}

export interface VmReport {
  name: string;
  result: RunResult;
  /** Host cycles this VM occupied a physical CPU (its instructions plus its exits). */
  cpuTime: number;
  /** Host time at which it ended (or the run stopped). */
  finishedAt: number;
  slices: number;
}

export interface VmBatchReport {
  vms: VmReport[];
  /** Host time when the last VM ended. */
  hostCycles: number;
  /** Busy cycles / (pcpus * hostCycles), in %. */
  utilization: number;
  switches: number;
  switchCycles: number;
}

export const DEFAULT_SLICE = 200_000;

export class VmBatch {
  readonly pcpus: number;
  readonly slice: number;
  private readonly switchCost: number;
  private readonly guests: Array<{ vm: Vm; name: string }> = [];

  constructor(options: VmBatchOptions = {}) {
    this.pcpus = Math.min(4, Math.max(1, Math.floor(options.pcpus ?? 1)));
    this.slice = Math.max(1_000, Math.floor(options.slice ?? DEFAULT_SLICE));
    this.switchCost = options.vmSwitchCost ?? DEFAULT_COST_MODEL.vmSwitch;
  }

  add(vm: Vm, name: string): void {
    this.guests.push({ vm, name });
  }

  run(limits: VmBatchLimits = {}): VmBatchReport {
    const maxHost = limits.maxHostCycles ?? Infinity;
    const host = new PhysicalHost({
      name: 'host', pcpus: this.pcpus, ramBytes: Infinity, slice: this.slice, switchCost: this.switchCost,
      bucketCycles: 1_000_000, startAt: 0, maxInstructionsPerVm: limits.maxInstructionsPerVm,
    });
    const slots = this.guests.map((g) => host.add(g.vm, g.name, newAccount(1_000_000), 0));
    // Advance a slice at a time until every VM has ended (or the host's time is up).
    while (slots.some((s) => s.end === null) && host.horizon() < maxHost) {
      host.advanceTo(Math.min(maxHost, host.horizon() + this.slice));
    }
    const ended = slots.filter((s) => s.endedAt !== undefined).map((s) => s.endedAt!);
    const hostCycles = slots.every((s) => s.end !== null) ? Math.max(0, ...ended) : Math.max(0, ...ended, Math.min(maxHost, host.horizon()));
    const busy = slots.reduce((n, s) => n + s.account.cpuTime, 0);
    return {
      vms: slots.map((s) => ({
        name: s.name, result: endedResult(s), cpuTime: s.account.cpuTime,
        finishedAt: s.endedAt ?? hostCycles, slices: s.account.slices,
      })),
      hostCycles,
      utilization: hostCycles === 0 ? 0 : (busy / (this.pcpus * hostCycles)) * 100,
      switches: host.switches,
      switchCycles: host.switches * this.switchCost,
    };
  }
}

/** A VM's result with the end its placement recorded. */
function endedResult(slot: Placement): RunResult {
  const end = slot.end;
  if (end === null) return withEnd(vmResult(slot.vm, { kind: 'budget' }), 'budget', 'host time limit reached');
  if (end.kind === 'budget' || end.kind === 'stopped') return withEnd(vmResult(slot.vm, { kind: 'budget' }), 'budget', 'instruction limit reached');
  return vmResult(slot.vm, end satisfies Stop);
}

function withEnd(result: RunResult, end: RunResult['end'], message: string): RunResult {
  result.end = end;
  result.message = message;
  return result;
}
