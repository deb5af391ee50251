// A physical server: its own physical CPUs and RAM, and a round-robin scheduler of the VMs
// placed on it: the one scheduler of VMs, under the VM manager (vm-manager.ts: the shell's
// hypervisor and each data-centre host's) and a batch run to its end (vm-batch.ts). It
// advances in steps to a time its owner sets, so many hosts share one virtual clock and
// VMs can arrive, pause and leave between steps.
//
// Each physical CPU has its own clock; the scheduler always serves the CPU that is furthest
// behind. A VM asleep in wfi consumes nothing until its virtual timer is due; a slice may
// end past the step's target (by at most one slice), which keeps the schedule independent
// of how the caller chops time into steps.

import type { Stop } from '../session.ts';
import type { Vm } from './vm.ts';
import { refused } from './state-check.ts';
import { decodeHost, PHYSICAL_HOST_STATE_VERSION, savePlacement, type GuestLookup, type PhysicalHostState } from './physical-host-state.ts';
import { UtilizationSeries } from './utilization.ts';
import type { Placement } from './placement.ts';
import type { VmAccount } from './vm-account.ts';

export type { Placement, VmEnd } from './placement.ts';
export type { ResponseSample, VmAccount } from './vm-account.ts';

export interface PhysicalHostOptions {
  name: string;
  /** Physical CPUs (hardware threads given to the hypervisor). */
  pcpus: number;
  /** RAM the hypervisor can give to VMs, bytes. */
  ramBytes: number;
  /** Scheduler time slice, cycles. */
  slice: number;
  /** Cycles charged when a physical CPU switches between VMs (cost model's vmSwitch). */
  switchCost: number;
  /** Utilization time-series bucket, cycles. */
  bucketCycles: number;
  /** Host time at which it is switched on (the data centre's clock). */
  startAt: number;
  /** A batch run to the end (vm-batch.ts): each VM ends with 'budget' after this many instructions. */
  maxInstructionsPerVm?: number;
}

export class PhysicalHost {
  readonly name: string;
  readonly pcpus: number;
  readonly ramBytes: number;
  readonly utilization: UtilizationSeries;
  failed = false;
  switches = 0;
  private readonly clocks: number[];
  private readonly last: Array<Placement | null>;
  private readonly slots: Placement[] = [];
  private next = 0;

  constructor(private readonly options: PhysicalHostOptions) {
    this.name = options.name;
    this.pcpus = Math.max(1, Math.floor(options.pcpus));
    this.ramBytes = options.ramBytes;
    this.clocks = new Array<number>(this.pcpus).fill(options.startAt);
    this.last = new Array<Placement | null>(this.pcpus).fill(null);
    this.utilization = new UtilizationSeries(options.bucketCycles, this.pcpus);
  }

  placements(): readonly Placement[] {
    return this.slots;
  }

  /** RAM reserved by the VMs placed here (ended ones release theirs). */
  reservedRam(): number {
    return this.slots.filter((s) => s.end === null).reduce((sum, s) => sum + s.vm.ram.size, 0);
  }

  /** RAM still free for another VM: the one test of whether a VM fits here (placing, moving). */
  freeRam(): number {
    return this.ramBytes - this.reservedRam();
  }

  /** Places a VM here; it may run from `readyAt`. */
  add(vm: Vm, name: string, account: VmAccount, readyAt: number): Placement {
    const slot: Placement = {
      name, vm, account, readyAt, blocked: false, sleepFor: 0, paused: false, end: null, requestAt: null, wait: null,
      startInstret: vm.vcpu.cpu.csr.instret,
    };
    this.slots.push(slot);
    return slot;
  }

  /** Takes a VM off this host (migration, failure, removal). */
  remove(name: string): Placement | undefined {
    const i = this.slots.findIndex((s) => s.name === name);
    if (i < 0) return undefined;
    const [slot] = this.slots.splice(i, 1);
    for (let p = 0; p < this.pcpus; p++) if (this.last[p] === slot) this.last[p] = null;
    if (this.next > i) this.next--;
    return slot;
  }

  find(name: string): Placement | undefined {
    return this.slots.find((s) => s.name === name);
  }

  /** The latest physical-CPU clock: when everything scheduled so far has finished. */
  horizon(): number {
    return Math.max(...this.clocks);
  }

  /** Runs the VMs placed here until every physical CPU has reached host time `t`. */
  advanceTo(t: number): void {
    if (this.failed) {
      for (let p = 0; p < this.pcpus; p++) this.clocks[p] = Math.max(this.clocks[p], t);
      return;
    }
    for (;;) {
      const p = this.laggingCpu();
      const now = this.clocks[p];
      if (now >= t) return;
      const slot = this.pick(now);
      if (!slot) {
        this.clocks[p] = this.idleUntil(p, now, t);
        continue;
      }
      this.next = (this.slots.indexOf(slot) + 1) % this.slots.length;
      if (this.last[p] !== slot) {
        if (this.last[p] !== null) this.switchTo(p);
        this.last[p] = slot;
      }
      const start = this.clocks[p];
      const used = this.runSlice(slot, start);
      this.clocks[p] = start + used;
      this.utilization.add(start, start + used);
      slot.account.cpu.add(start, start + used);
      slot.readyAt = this.clocks[p] + (slot.blocked ? slot.sleepFor : 0);
      if (slot.end !== null) slot.endedAt ??= this.clocks[p];
      if (slot.blocked) this.recordResponse(slot, this.clocks[p]);
    }
  }

  /** The scheduler and who is placed here; the VMs and their accounts are the owner's to save. */
  getState(): PhysicalHostState {
    const { name, pcpus, ramBytes } = this;
    const { slice, switchCost, bucketCycles } = this.options;
    return {
      kind: 'physical-host', version: PHYSICAL_HOST_STATE_VERSION, name, pcpus, ramBytes, slice, switchCost, bucketCycles,
      failed: this.failed, switches: this.switches, clocks: [...this.clocks],
      last: this.last.map((l) => (l === null ? null : this.slots.indexOf(l))), next: this.next,
      utilization: this.utilization.getState(), placements: this.slots.map(savePlacement),
    };
  }

  /**
   * Restores a saved host of the same shape (name, CPUs, RAM, slice); `guest` hands back
   * each placed VM and its account. Everything is checked first: on a refusal (the
   * error says which field) the host is unchanged.
   */
  setState(state: PhysicalHostState, guest: GuestLookup): void {
    const { name, pcpus, ramBytes } = this;
    const { slice, switchCost, bucketCycles } = this.options;
    const d = refused(`host '${name}' state`, () => decodeHost(state, { name, pcpus, ramBytes, slice, switchCost, bucketCycles }, guest));
    this.failed = d.failed;
    this.switches = d.switches;
    this.clocks.splice(0, this.clocks.length, ...d.clocks);
    this.last.splice(0, this.last.length, ...d.last);
    this.slots.splice(0, this.slots.length, ...d.slots);
    this.next = d.next;
    this.utilization.setState(d.utilization);
  }

  /**
   * An idle CPU waits until a VM is due — but never past another CPU's clock, since that
   * CPU's next slice may make a VM ready sooner; so where the caller stops (t) cannot
   * change which CPU runs what.
   */
  private idleUntil(p: number, now: number, t: number): number {
    let until = Math.min(t, this.nextReady() ?? Infinity);
    for (let q = 0; q < this.pcpus; q++) if (q !== p && this.clocks[q] > now) until = Math.min(until, this.clocks[q]);
    return until;
  }

  private laggingCpu(): number {
    let p = 0;
    for (let i = 1; i < this.pcpus; i++) if (this.clocks[i] < this.clocks[p]) p = i;
    return p;
  }

  private switchTo(p: number): void {
    const start = this.clocks[p];
    this.clocks[p] += this.options.switchCost;
    this.utilization.add(start, this.clocks[p]); // the hypervisor's own work
    this.switches++;
  }

  private runnable(s: Placement): boolean {
    return s.end === null && !s.paused;
  }

  /** The next runnable VM in round-robin order that may run at `now`. */
  private pick(now: number): Placement | null {
    const n = this.slots.length;
    for (let i = 0; i < n; i++) {
      const s = this.slots[(this.next + i) % n];
      if (this.runnable(s) && s.readyAt <= now) return s;
    }
    return null;
  }

  private nextReady(): number | null {
    let best: number | null = null;
    for (const s of this.slots) if (this.runnable(s) && (best === null || s.readyAt < best)) best = s.readyAt;
    return best;
  }

  /** Runs one slice; returns the host cycles it occupied. */
  private runSlice(slot: Placement, start: number): number {
    const vm = slot.vm;
    const clock = vm.vcpu.cpu.clock;
    if (slot.blocked) { vm.sleep(); slot.blocked = false; }
    if (slot.requestAt !== null && slot.wait === null) slot.wait = Math.max(0, start - slot.requestAt);
    const begin = clock.cycles - clock.idleCycles;
    const slice = this.options.slice;
    const limit = this.options.maxInstructionsPerVm ?? Infinity;
    let stop: Stop = { kind: 'budget' };
    while (clock.cycles - clock.idleCycles - begin < slice) {
      const done = vm.vcpu.cpu.csr.instret - (slot.startInstret ?? 0);
      if (done >= limit) { slot.end = { kind: 'budget' }; break; }
      // The cycle budget too: exit costs count against the slice, so a trap-heavy guest
      // cannot hold a physical CPU for many slices at once.
      const room = slice - (clock.cycles - clock.idleCycles - begin);
      stop = vm.run(Math.max(1, Math.min(room, limit - done)), room);
      if (stop.kind !== 'budget') break;
    }
    const used = clock.cycles - clock.idleCycles - begin;
    slot.account.cpuTime += used;
    slot.account.slices++;
    this.settle(slot, stop);
    return used;
  }

  private settle(slot: Placement, stop: Stop): void {
    switch (stop.kind) {
      case 'exit': slot.end = { kind: 'exit', exitCode: stop.exitCode }; break;
      case 'fault': slot.end = { kind: 'fault', message: stop.message }; break;
      case 'wfi-idle': slot.end = { kind: 'wfi-idle' }; break;
      case 'idle': slot.blocked = true; slot.sleepFor = stop.idleCycles; break;
      default: break;
    }
  }

  /** A sleeping service has finished its request: how long did the request take? */
  private recordResponse(slot: Placement, now: number): void {
    if (slot.requestAt !== null) {
      slot.account.responses.push({ at: slot.requestAt, wait: slot.wait ?? 0, response: now - slot.requestAt });
    }
    slot.requestAt = slot.readyAt;
    slot.wait = null;
  }
}
