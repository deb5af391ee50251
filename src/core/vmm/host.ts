// Many guests on one host: a round-robin scheduler over 1-4 physical CPUs in virtual host
// time. Each runnable VM gets a time slice (in cycles, its exits' costs included); a VM
// asleep in wfi is blocked until its timer and consumes nothing; a VM that yields gives
// back the rest of its slice. Because a VM's own clock only advances while it runs (or
// sleeps), one guest can never change what another computes — only when it gets to run.
//
//   const host = new Host({ pcpus: 2, slice: 200_000 })
//   host.add(vm, 'name')
//   const report = host.run({ maxInstructionsPerVm, maxHostCycles })

import type { RunEnd, RunResult } from '../run-result.ts';
import { DEFAULT_COST_MODEL } from './cost-model.ts';
import { vmResult } from './vm-session.ts';
import type { Stop } from '../session.ts';
import type { Vm } from './vm.ts';

export interface HostOptions {
  /** Physical CPUs, 1 to 4. */
  pcpus?: number;
  /** Time slice in cycles. */
  slice?: number;
  /** Host cycles charged when a physical CPU switches to a different VM. */
  vmSwitchCost?: number;
}

export interface HostRunLimits {
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

export interface HostReport {
  vms: VmReport[];
  /** Host time when the last VM ended. */
  hostCycles: number;
  /** Busy cycles / (pcpus * hostCycles), in %. */
  utilization: number;
  switches: number;
  switchCycles: number;
}

interface Slot {
  vm: Vm;
  name: string;
  /** Host time from which it may run (end of its last slice, or its wake-up). */
  readyAt: number;
  blocked: boolean;
  /** While blocked: guest cycles until its timer. */
  sleepFor: number;
  end: { end: RunEnd; message?: string } | null;
  cpuTime: number;
  finishedAt: number;
  slices: number;
  startInstret: number;
}

export const DEFAULT_SLICE = 200_000;

export class Host {
  readonly pcpus: number;
  readonly slice: number;
  private readonly switchCost: number;
  private readonly slots: Slot[] = [];

  constructor(options: HostOptions = {}) {
    this.pcpus = Math.min(4, Math.max(1, Math.floor(options.pcpus ?? 1)));
    this.slice = Math.max(1_000, Math.floor(options.slice ?? DEFAULT_SLICE));
    this.switchCost = options.vmSwitchCost ?? DEFAULT_COST_MODEL.vmSwitch;
  }

  add(vm: Vm, name: string): void {
    this.slots.push({
      vm, name, readyAt: 0, blocked: false, sleepFor: 0, end: null, cpuTime: 0, finishedAt: 0, slices: 0,
      startInstret: vm.vcpu.cpu.csr.instret,
    });
  }

  run(limits: HostRunLimits = {}): HostReport {
    const maxInstr = limits.maxInstructionsPerVm ?? Infinity;
    const maxHost = limits.maxHostCycles ?? Infinity;
    const clocks = new Array<number>(this.pcpus).fill(0);
    const last = new Array<Slot | null>(this.pcpus).fill(null);
    let busy = 0;
    let switches = 0;
    let next = 0; // round-robin position
    for (;;) {
      const live = this.slots.filter((s) => s.end === null);
      if (live.length === 0) break;
      const p = clocks.indexOf(Math.min(...clocks));
      const now = clocks[p];
      if (now >= maxHost) break;
      const slot = this.pick(now, next);
      if (!slot) {
        clocks[p] = Math.min(...live.map((s) => s.readyAt)); // idle until someone is ready
        continue;
      }
      next = (this.slots.indexOf(slot) + 1) % this.slots.length;
      if (last[p] !== slot) {
        if (last[p] !== null) { switches++; clocks[p] += this.switchCost; }
        last[p] = slot;
      }
      const used = this.runSlice(slot, maxInstr);
      clocks[p] += used;
      busy += used;
      slot.readyAt = clocks[p] + (slot.blocked ? slot.sleepFor : 0);
      if (slot.end) slot.finishedAt = clocks[p];
    }
    const hostCycles = Math.max(0, ...this.slots.map((s) => s.finishedAt), ...clocks.filter((c) => c < Infinity));
    for (const s of this.slots) {
      if (s.end === null) { s.end = { end: 'budget', message: 'host time limit reached' }; s.finishedAt = hostCycles; }
    }
    return {
      vms: this.slots.map((s) => ({
        name: s.name, result: endedResult(s.vm, s.end!), cpuTime: s.cpuTime,
        finishedAt: s.finishedAt, slices: s.slices,
      })),
      hostCycles,
      utilization: hostCycles === 0 ? 0 : (busy / (this.pcpus * hostCycles)) * 100,
      switches,
      switchCycles: switches * this.switchCost,
    };
  }

  /** The next live VM in round-robin order that may run at `now`. */
  private pick(now: number, from: number): Slot | null {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[(from + i) % this.slots.length];
      if (s.end === null && s.readyAt <= now) return s;
    }
    return null;
  }

  /** Runs one slice; returns the host cycles it occupied. */
  private runSlice(slot: Slot, maxInstr: number): number {
    const vm = slot.vm;
    const clock = vm.vcpu.cpu.clock;
    if (slot.blocked) { vm.sleep(); slot.blocked = false; }
    const start = clock.cycles - clock.idleCycles;
    slot.slices++;
    let stop: Stop = { kind: 'budget' };
    while (clock.cycles - clock.idleCycles - start < this.slice) {
      const done = vm.vcpu.cpu.csr.instret - slot.startInstret;
      if (done >= maxInstr) { slot.end = { end: 'budget', message: 'instruction limit reached' }; break; }
      const room = this.slice - (clock.cycles - clock.idleCycles - start);
      stop = vm.run(Math.max(1, Math.min(room, maxInstr - done)), room);
      if (stop.kind !== 'budget') break;
    }
    const used = clock.cycles - clock.idleCycles - start;
    slot.cpuTime += used;
    this.settle(slot, stop);
    return used;
  }

  private settle(slot: Slot, stop: Stop): void {
    switch (stop.kind) {
      case 'exit': slot.end = { end: 'exit' }; break;
      case 'fault': slot.end = { end: 'fault', message: stop.message }; break;
      case 'wfi-idle':
        slot.end = { end: 'wfi-idle', message: 'the guest sleeps in wfi with no interrupt that could wake it' };
        break;
      case 'idle':
        // Blocked: it consumes no physical CPU until its virtual timer is due.
        slot.blocked = true;
        slot.sleepFor = stop.idleCycles;
        break;
      default: break;
    }
  }
}

/** A VM's result with the end its slot recorded. */
function endedResult(vm: Vm, end: { end: RunEnd; message?: string }): RunResult {
  const result = vmResult(vm, end.end === 'exit' ? { kind: 'exit', exitCode: vm.exitCode ?? 0 } : { kind: 'budget' });
  result.end = end.end;
  if (end.message !== undefined) result.message = end.message;
  return result;
}
