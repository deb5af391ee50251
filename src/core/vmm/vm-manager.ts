// The VM manager: the hypervisor running on one physical host, as its operator sees it
// (HypervisorPort) — named VMs, their snapshots, clones and consoles, scheduled on the
// host's CPUs (physical-host.ts) in virtual time. The shell's `vm` command and the page's
// guests overview (through the shell worker) use one; a data centre runs one on each of
// its hosts, and moves VMs between them with `adopt` (a VM arrives: a fresh boot of any
// program image, a snapshot, or the state a migration carried) and `handOver` (it leaves).
//
// Time: the VMs run on the clock the owner passes (`now`): the shell's is the host
// kernel's virtual cycles, a data centre's its one clock. Before every `vm` command, and
// after every slice the kernel runs, the host catches up to that clock (`sync`) — so
// `sleep 1` in the shell gives every running VM one virtual second, and a script's output
// does not depend on how fast the machine is. A data centre moves its clock itself and
// runs each host up to it (`advanceTo`). While a terminal is attached to a console (and
// has not closed its input) the VMs also run on their own, a step per host turn, so the
// learner sees the guest live; that lead is kept, never given back.

import type { ProgramImage } from '../asm/image.ts';
import { newAccount, saveAccount } from './vm-account.ts';
import { PhysicalHost, type Placement, type VmAccount } from './physical-host.ts';
import { StateError, fail, refused } from './state-check.ts';
import { plainDataProblem } from '../isa/state-data.ts';
import { decodeMachines, HYPERVISOR_STATE_VERSION, saveProgram, type DecodedMachine, type VmManagerState } from './vm-manager-state.ts';
import { DEFAULT_COST_MODEL } from './cost-model.ts';
import { buildGuestImage, findGuestImage, GUEST_IMAGES } from './images/index.ts';
import { costBreakdown } from './vm-session.ts';
import { cloneFromSnapshot, restoreSnapshot, saveSnapshot } from './snapshot.ts';
import { Vm, type VmState } from './vm.ts';
import type { CreateVmRequest, HypervisorPort, VmConsole, VmInfo, VmMode, VmStatus, VmStats } from './vm-port.ts';

export { HYPERVISOR_STATE_VERSION, type MachineState, type VmManagerState } from './vm-manager-state.ts';

export interface VmManagerOptions {
  /** The clock the VMs run on, in cycles: the shell's (the host kernel's) or a data centre's. */
  now: () => number;
  /** Gives the host (event loop) a turn: how an attached console paces itself (none: no pacing). */
  yieldToHost?: () => Promise<void>;
  /** The physical host's name (default 'host'). */
  name?: string;
  /** Physical CPUs for VMs (default 2). */
  pcpus?: number;
  /** Scheduler slice in cycles (default 200,000: 2 ms at 100 MHz). */
  slice?: number;
  /** RAM the host can give to VMs (default 1 GiB); guest RAM is reserved, allocated lazily. */
  ramBytes?: number;
  /** Utilization buckets of the host and of each VM's account, cycles (default 1,000,000). */
  bucketCycles?: number;
  /** Exits each VM keeps in its log (default the VM's). */
  exitLogSize?: number;
  /**
   * A VM whose guest ended (powered off, faulted, asleep for ever): 'power-off' takes it
   * off the CPUs, stopped, to boot afresh on the next start (the shell's `vm`); 'keep'
   * leaves it placed with how it ended, its RAM free, until its owner hands it over (a
   * data centre's host, whose listing shows how each VM ended). Default 'power-off'.
   */
  ended?: 'power-off' | 'keep';
  /** Response samples kept per VM account (default 64; a data centre keeps them all). */
  responsesKept?: number;
  /** The owner's copy of every console on this host: told each text a guest prints here. */
  onConsole?: (vm: string, text: string) => void;
}

/** How a VM that arrives on this host is built. */
export type VmOrigin =
  /** A fresh boot of a program image (a workload, any assembled program). */
  | { kind: 'boot'; program: ProgramImage; mode: VmMode; ramBytes: number }
  /** A snapshot (vmm/snapshot.ts): a backup, a clone, a restart; `program` for reset and symbols. */
  | { kind: 'snapshot'; bytes: Uint8Array; program?: ProgramImage }
  /** The state a live migration carried over the link. */
  | { kind: 'state'; state: VmState; program?: ProgramImage };

/** A VM arriving on this host, placed running at once. */
export interface Arrival {
  name: string;
  /** What the VM is listed as running (a shipped image's name, a workload's profile). */
  image: string;
  origin: VmOrigin;
  /** The account it brings from the host it ran on (default a new one). */
  account?: VmAccount;
  /** Host time from which it may run (default now). */
  readyAt?: number;
  /** Where a migrating VM was in its schedule: asleep until its timer, the request it waits to serve. */
  resume?: Pick<Placement, 'blocked' | 'sleepFor' | 'requestAt'>;
}

/** What leaves with a VM handed over: the VM itself, its account and where it stood on the host. */
export interface Departure {
  vm: Vm;
  account: VmAccount;
  /** Its place in this host's schedule when it left (null: it was not placed). */
  placement: Placement | null;
}

/** Cycles an attached console lets the VMs run per host turn (1 ms at 100 MHz). */
const CONSOLE_STEP = 100_000;
const DEFAULT_VM_RAM = 128 * 1024 * 1024;
const MIN_VM_RAM = 64 * 1024;
const MAX_VM_RAM = 0x80000000; // RAM starts at 0x80000000: 2 GiB is all the address space has
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

interface Machine {
  name: string;
  image: string;
  /** The program it boots on a start after power-off, and clones keep for their symbols. */
  program: ProgramImage | undefined;
  /** `image` names a shipped guest kernel (saved by name; otherwise the program is saved). */
  shipped: boolean;
  mode: VmMode;
  vm: Vm;
  state: VmStatus;
  /** On the next start the machine boots its image afresh (it was powered off). */
  boot: boolean;
  placement: Placement | null;
  account: VmAccount;
  snapshots: Map<string, Uint8Array>;
  listeners: Set<(text: string) => void>;
  stopped: { promise: Promise<void>; resolve: () => void };
  /** Host time and CPU time at the last `vm stats`, for the CPU % over the window since. */
  window: { at: number; cpu: number };
}

export class VmManager implements HypervisorPort {
  private readonly host: PhysicalHost;
  private readonly machines = new Map<string, Machine>();
  /** Cycles the VMs ran ahead of the shell's clock while a console drove them. */
  private lead = 0;
  private attached = 0;
  private pumping = false;

  constructor(private readonly options: VmManagerOptions) {
    this.host = new PhysicalHost({
      name: options.name ?? 'host', pcpus: Math.max(1, Math.floor(options.pcpus ?? 2)),
      ramBytes: options.ramBytes ?? 1024 * 1024 * 1024, slice: options.slice ?? 200_000,
      switchCost: DEFAULT_COST_MODEL.vmSwitch, bucketCycles: this.bucketCycles, startAt: options.now(),
    });
  }

  // ---- the physical host it runs on: what a data centre reads of each of its hosts ----

  get name(): string { return this.host.name; }
  get pcpus(): number { return this.host.pcpus; }
  get ramBytes(): number { return this.host.ramBytes; }
  /** The host's CPUs' busy share over time. */
  get utilization(): PhysicalHost['utilization'] { return this.host.utilization; }
  /** Times a physical CPU switched between VMs. */
  get switches(): number { return this.host.switches; }
  /** A failed host runs nothing and takes no VM. */
  get failed(): boolean { return this.host.failed; }
  set failed(value: boolean) { this.host.failed = value; }
  /** The VMs placed here, in round-robin order. */
  placements(): readonly Placement[] { return this.host.placements(); }
  placement(name: string): Placement | undefined { return this.host.find(name); }
  reservedRam(): number { return this.host.reservedRam(); }
  freeRam(): number { return this.host.freeRam(); }
  /** When everything scheduled so far has finished (the latest physical-CPU clock). */
  horizon(): number { return this.host.horizon(); }

  private get bucketCycles(): number {
    return this.options.bucketCycles ?? 1_000_000;
  }

  /** Host time: the shell's clock plus any lead an attached console gave the VMs. */
  get now(): number {
    return this.options.now() + this.lead;
  }

  /** Runs the VMs up to the owner's clock; the kernel host calls this after each slice. */
  sync(): void {
    const t = this.now;
    if (this.host.placements().length > 0 && t > this.host.horizon()) this.host.advanceTo(t);
    this.settle();
  }

  /** Runs the VMs until every physical CPU has reached host time `t` (a data centre's step). */
  advanceTo(t: number): void {
    this.host.advanceTo(t);
    this.settle();
  }

  images(): string[] {
    return GUEST_IMAGES.map((i) => i.name);
  }

  create(r: CreateVmRequest): VmInfo {
    this.sync();
    if (!NAME.test(r.name)) throw new Error(`bad VM name '${r.name}': letters, digits, '.', '_' and '-'`);
    if (this.machines.has(r.name)) throw new Error(`a VM named ${r.name} exists`);
    const spec = findGuestImage(r.image);
    if (!spec) throw new Error(`no such image: ${r.image} (vm images lists them)`);
    const ramSize = this.checkMemory(r.memoryBytes ?? DEFAULT_VM_RAM);
    const image = buildGuestImage(spec.name);
    const mode = r.mode ?? spec.mode;
    const m = this.machine(r.name, spec.name, image, (onConsole) => new Vm({ mode, ramSize, ...this.vmOptions(onConsole) }));
    m.shipped = true;
    m.vm.load(image);
    return this.info(m);
  }

  /**
   * A VM arrives and runs here: built from its origin, placed from `readyAt`, with the
   * account it brings. Refused (nothing changed) for a name in use, a failed host, a
   * damaged snapshot or too little free RAM.
   */
  adopt(a: Arrival): void {
    this.sync();
    if (this.machines.has(a.name)) throw new Error(`a VM named ${a.name} exists`);
    if (this.host.failed) throw new Error(`host '${this.name}' is down`);
    const m = this.newMachine(a.name, a.image, a.origin.program, (onConsole) => this.build(a.origin, onConsole));
    if (a.account) m.account = a.account;
    this.place(m, a.readyAt ?? this.now);
    if (a.resume) Object.assign(m.placement!, a.resume);
    this.machines.set(m.name, m);
  }

  /** A VM leaves this host for good (migration, failover, removal): off the CPUs, out of the list. */
  handOver(name: string): Departure {
    this.sync();
    const m = this.get(name);
    const placement = m.placement;
    if (placement) this.unplace(m);
    this.machines.delete(name);
    return { vm: m.vm, account: m.account, placement };
  }

  /** The VM itself and its account, by name. */
  guest(name: string): { vm: Vm; account: VmAccount } | undefined {
    const m = this.machines.get(name);
    return m && { vm: m.vm, account: m.account };
  }

  /** Holds a placed VM: it keeps its RAM and place, and gets no CPU until resumed. */
  pause(name: string): void {
    this.placed(name).paused = true;
  }

  /** A paused VM runs again, from now at the earliest. */
  resume(name: string): void {
    const p = this.placed(name);
    p.paused = false;
    p.readyAt = Math.max(p.readyAt, this.now);
  }

  start(name: string): void {
    this.sync();
    const m = this.get(name);
    if (m.state === 'running') throw new Error(`${name} is already running`);
    if (m.boot) m.vm.reset();
    m.boot = false;
    this.place(m);
  }

  stop(name: string): void {
    this.sync();
    const m = this.get(name);
    if (m.state !== 'running') return; // stopping a stopped VM is no error, as in docker
    if (this.options.ended === 'keep') {
      m.placement!.end = { kind: 'stopped' };
      this.ended(m);
    } else {
      this.halt(m);
    }
  }

  list(): VmInfo[] {
    this.sync();
    return [...this.machines.values()].map((m) => this.info(m));
  }

  console(name: string): VmConsole {
    this.sync();
    const m = this.get(name);
    return {
      onOutput: (listener) => {
        listener(m.vm.consoleText());
        m.listeners.add(listener);
        this.attach();
        return () => {
          if (m.listeners.delete(listener)) this.attached--;
        };
      },
      input: (text) => {
        this.sync();
        m.vm.uart.receive(latin1(text));
      },
      stopped: m.state === 'running' ? m.stopped.promise : Promise.resolve(),
    };
  }

  snapshot(name: string, tag: string): void {
    this.sync();
    const m = this.get(name);
    if (!tag || /\s/.test(tag)) throw new Error(`bad snapshot tag '${tag}'`);
    m.snapshots.set(tag, saveSnapshot(m.vm));
  }

  /** Back to a snapshot: a running VM continues from it, a stopped one resumes from it on start. */
  restore(name: string, tag: string): void {
    this.sync();
    const m = this.get(name);
    const bytes = m.snapshots.get(tag);
    if (!bytes) throw new Error(`${name} has no snapshot ${tag}`);
    restoreSnapshot(m.vm, bytes);
    m.boot = false;
    if (m.state === 'running') {
      this.unplace(m);
      this.place(m);
    }
  }

  clone(name: string, newName: string): VmInfo {
    this.sync();
    const src = this.get(name);
    if (!NAME.test(newName)) throw new Error(`bad VM name '${newName}': letters, digits, '.', '_' and '-'`);
    if (this.machines.has(newName)) throw new Error(`a VM named ${newName} exists`);
    const m = this.machine(newName, src.image, src.program, (onConsole) => cloneFromSnapshot(saveSnapshot(src.vm), this.vmOptions(onConsole), src.program));
    m.boot = src.boot;
    m.shipped = src.shipped;
    if (src.state === 'running') this.place(m);
    else if (src.state === 'stopped') m.state = 'stopped';
    return this.info(m);
  }

  remove(name: string): void {
    this.sync();
    const m = this.get(name);
    if (m.state === 'running') throw new Error(`${name} is running: stop it first`);
    this.machines.delete(name);
  }

  stats(): VmStats[] {
    this.sync();
    const now = this.now;
    // Stopped VMs too: their exits and overhead are what a lesson compares afterwards.
    return [...this.machines.values()].filter((m) => m.state !== 'created').map((m) => {
      const elapsed = now - m.window.at;
      const cpu = m.account.cpuTime - m.window.cpu;
      m.window = { at: now, cpu: m.account.cpuTime };
      return {
        name: m.name,
        cpuPercent: elapsed > 0 ? Math.min(100, (cpu / elapsed) * 100) : 0,
        instructions: m.vm.vcpu.cpu.csr.instret,
        exits: m.vm.exits.total,
        exitsByCause: { ...m.vm.exits.byCause },
        overheadPercent: costBreakdown(m.vm).overheadPercent,
        residentBytes: resident(m.vm),
      };
    });
  }

  /**
   * Every VM, its snapshots and the host's scheduler, as data. Consoles' listeners belong
   * to the terminals and are not saved.
   */
  getState(): VmManagerState {
    return {
      kind: 'hypervisor-host', version: HYPERVISOR_STATE_VERSION, now: this.now, host: this.host.getState(),
      machines: [...this.machines.values()].map((m) => ({
        name: m.name, image: m.image, ...(m.shipped ? {} : { program: saveProgram(m.program) }), mode: m.mode, state: m.state,
        boot: m.boot, account: saveAccount(m.account),
        snapshots: [...m.snapshots].map(([tag, b]): [string, Uint8Array] => [tag, b.slice()]),
        window: { ...m.window }, vm: saveSnapshot(m.vm),
      })),
    };
  }

  /**
   * Replaces every VM with a saved set (this version's or version 1). The VMs resume at the
   * saved host time: if the owner's clock is behind it (a fresh shell), they wait for it.
   * Refused — with the reason, nothing changed — for another version, a damaged state, a
   * host of another shape (CPUs, RAM, slice), or while a terminal is attached to a console.
   */
  setState(state: VmManagerState): void {
    if (this.attached > 0) throw new StateError('hypervisor state refused: a terminal is attached to a VM console; detach it first');
    const machines = refused('hypervisor state', () => {
      const problem = plainDataProblem(state);
      if (problem !== null) throw new StateError(problem);
      return new Map(decodeMachines(state, this.bucketCycles).map((d, i) => [d.name, this.restored(d, `machines[${i}]`)]));
    });
    refused('hypervisor state', () => this.host.setState(state.host, (name) => {
      const m = machines.get(name);
      if (!m) fail('host.placements', `'${name}' is placed on the host but not saved`);
      return { vm: m.vm, account: m.account };
    }));
    this.machines.clear();
    for (const m of machines.values()) {
      m.placement = this.host.find(m.name) ?? null;
      this.machines.set(m.name, m);
    }
    this.lead = Math.max(0, state.now - this.options.now());
  }

  /** The VM itself, by name: its exit record and console for the page's views and tests. */
  machineVm(name: string): Vm | undefined {
    return this.machines.get(name)?.vm;
  }

  // ---- internals ----

  private get(name: string): Machine {
    const m = this.machines.get(name);
    if (!m) throw new Error(`no such VM: ${name}`);
    return m;
  }

  private machine(name: string, image: string, program: ProgramImage | undefined, make: (onConsole: (b: Uint8Array) => void) => Vm): Machine {
    const m = this.newMachine(name, image, program, make);
    this.machines.set(name, m);
    return m;
  }

  private newMachine(name: string, image: string, program: ProgramImage | undefined, make: (onConsole: (b: Uint8Array) => void) => Vm): Machine {
    let self: Machine | undefined;
    const tap = this.options.onConsole;
    const vm = make((bytes) => {
      if (!self || (self.listeners.size === 0 && !tap)) return;
      const text = String.fromCharCode(...bytes);
      tap?.(name, text);
      for (const l of self.listeners) l(text);
    });
    self = {
      name, image, program, shipped: false, mode: vm.mode, vm, state: 'created', boot: false, placement: null, snapshots: new Map(),
      account: newAccount(this.bucketCycles),
      listeners: new Set(), stopped: deferred(), window: { at: this.now, cpu: 0 },
    };
    return self;
  }

  private vmOptions(onConsole: (b: Uint8Array) => void): { onConsole: (b: Uint8Array) => void; exitLogSize?: number } {
    return this.options.exitLogSize === undefined ? { onConsole } : { onConsole, exitLogSize: this.options.exitLogSize };
  }

  /** A VM built from where it comes from, its console wired to this host. */
  private build(origin: VmOrigin, onConsole: (b: Uint8Array) => void): Vm {
    switch (origin.kind) {
      case 'snapshot': return cloneFromSnapshot(origin.bytes, this.vmOptions(onConsole), origin.program);
      case 'boot': {
        const vm = new Vm({ mode: origin.mode, ramSize: origin.ramBytes, ...this.vmOptions(onConsole) });
        vm.load(origin.program);
        return vm;
      }
      case 'state': {
        const vm = new Vm({ mode: origin.state.mode, ramSize: origin.state.ramSize, ...this.vmOptions(onConsole) });
        vm.setState(origin.state);
        if (origin.program) vm.setImage(origin.program);
        return vm;
      }
    }
  }

  /** The placement of a VM on the CPUs (pause, resume). */
  private placed(name: string): Placement {
    this.sync();
    const p = this.get(name).placement;
    if (!p) throw new Error(`${name} is not on the host's CPUs`);
    return p;
  }

  /** A saved machine built aside (checked, not yet this host's). */
  private restored(d: DecodedMachine, path: string): Machine {
    const m = this.newMachine(d.name, d.image, d.program, (onConsole) => {
      try {
        return cloneFromSnapshot(d.vm, this.vmOptions(onConsole), d.program);
      } catch (e) {
        return fail(`${path}.vm`, e instanceof Error ? e.message : String(e));
      }
    });
    if (m.vm.mode !== d.mode) fail(`${path}.vm`, `the snapshot is of a '${m.vm.mode}' VM, the machine is '${d.mode}'`);
    Object.assign(m, { shipped: d.shipped, state: d.state, boot: d.boot, account: d.account, snapshots: d.snapshots, window: d.window });
    if (d.state !== 'running') m.stopped.resolve();
    return m;
  }

  private checkMemory(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < MIN_VM_RAM || bytes > MAX_VM_RAM) {
      throw new Error(`--memory must be between 64k and 2g, not ${bytes} bytes`);
    }
    return Math.ceil(bytes / 4096) * 4096;
  }

  private place(m: Machine, readyAt = this.now): void {
    const free = this.host.freeRam();
    if (m.vm.ram.size > free) {
      throw new Error(`not enough host RAM for ${m.name}: ${mib(m.vm.ram.size)} asked, ${mib(free)} free`);
    }
    if (m.placement) this.unplace(m); // an ended VM a 'keep' host still holds
    m.placement = this.host.add(m.vm, m.name, m.account, readyAt);
    m.state = 'running';
    m.stopped = deferred();
    m.window = { at: this.now, cpu: m.account.cpuTime };
  }

  private unplace(m: Machine): void {
    this.host.remove(m.name);
    m.placement = null;
  }

  /** Powered off (by `vm stop` or by the guest itself): the next start boots afresh. */
  private halt(m: Machine): void {
    this.unplace(m);
    m.state = 'stopped';
    m.boot = true;
    m.stopped.resolve();
  }

  /** VMs that powered off, faulted or can never wake again have stopped. */
  private settle(): void {
    const kept = this.options.responsesKept ?? 64;
    for (const m of this.machines.values()) {
      const p = m.placement;
      if (!p) continue;
      if (p.account.responses.length > kept) p.account.responses.splice(0, p.account.responses.length - kept);
      if (p.end === null || m.state !== 'running') continue;
      if (this.options.ended === 'keep') this.ended(m);
      else this.halt(m);
    }
  }

  /** Ended but kept placed (a 'keep' host): stopped, its RAM free, its end on the placement. */
  private ended(m: Machine): void {
    m.state = 'stopped';
    m.boot = true;
    m.stopped.resolve();
  }

  private info(m: Machine): VmInfo {
    return {
      name: m.name, state: m.state, image: m.image, mode: m.mode, memoryBytes: m.vm.ram.size,
      residentBytes: resident(m.vm), instructions: m.vm.vcpu.cpu.csr.instret, exits: m.vm.exits.total,
      snapshots: [...m.snapshots.keys()],
    };
  }

  /** A console attached: let the VMs run ahead of the shell's clock, a step per host turn. */
  private attach(): void {
    this.attached++;
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        const yieldToHost = this.options.yieldToHost;
        while (yieldToHost) {
          // The first step waits for a host turn: a console detached at once (a script's
          // closed input) leaves the VMs exactly where the shell's clock has them.
          await yieldToHost();
          const running = [...this.machines.values()].some((m) => m.state === 'running');
          if (this.attached <= 0 || !running) break;
          this.lead += CONSOLE_STEP;
          this.sync();
        }
      } finally {
        this.pumping = false;
      }
    })();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

function resident(vm: Vm): number {
  return vm.ram.touchedPages().length * 4096;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MiB`;
}
