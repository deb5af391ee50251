// A stand-in hypervisor for the `vm` command tests: VMs whose "guest" greets on boot and
// echoes console input back in capitals; snapshots copy the guest's state.

import type { CreateVmRequest, HypervisorPort, VmConsole, VmInfo, VmStats } from '../../../src/core/vmm/vm-port.ts';

interface FakeVm {
  info: VmInfo;
  output: string;
  listeners: Set<(t: string) => void>;
  stop: () => void;
  stopped: Promise<void>;
  saved: Map<string, { output: string; instructions: number }>;
}

export class FakeHypervisor implements HypervisorPort {
  readonly vms = new Map<string, FakeVm>();

  images(): string[] {
    return ['echo-kernel'];
  }

  private get(name: string): FakeVm {
    const vm = this.vms.get(name);
    if (!vm) throw new Error(`no such VM: ${name}`);
    return vm;
  }

  create(r: CreateVmRequest): VmInfo {
    if (this.vms.has(r.name)) throw new Error(`a VM named ${r.name} exists`);
    if (!this.images().includes(r.image)) throw new Error(`no such image: ${r.image}`);
    const vm = this.blank({ name: r.name, state: 'created', image: r.image, mode: r.mode ?? 'full', memoryBytes: r.memoryBytes ?? 128 * 1048576, residentBytes: 0, instructions: 0, exits: 0, snapshots: [] });
    return { ...vm.info };
  }

  private blank(info: VmInfo): FakeVm {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    const vm: FakeVm = { info, output: '', listeners: new Set(), stop, stopped, saved: new Map() };
    this.vms.set(info.name, vm);
    return vm;
  }

  private emit(vm: FakeVm, text: string): void {
    vm.output += text;
    vm.info.instructions += text.length * 10;
    vm.info.exits += text.length;
    for (const l of vm.listeners) l(text);
  }

  start(name: string): void {
    const vm = this.get(name);
    if (vm.info.state === 'running') throw new Error(`${name} is already running`);
    vm.info.state = 'running';
    vm.info.residentBytes = 16384;
    this.emit(vm, `${name} booted\n`);
  }

  stop(name: string): void {
    const vm = this.get(name);
    vm.info.state = 'stopped';
    vm.stop();
  }

  list(): VmInfo[] {
    return [...this.vms.values()].map((v) => ({ ...v.info, snapshots: [...v.info.snapshots] }));
  }

  console(name: string): VmConsole {
    const vm = this.get(name);
    if (vm.info.state !== 'running') throw new Error(`${name} is not running`);
    return {
      onOutput: (l) => { l(vm.output); vm.listeners.add(l); return () => vm.listeners.delete(l); },
      input: (t) => this.emit(vm, t.toUpperCase()),
      stopped: vm.stopped,
    };
  }

  snapshot(name: string, tag: string): void {
    const vm = this.get(name);
    vm.saved.set(tag, { output: vm.output, instructions: vm.info.instructions });
    vm.info.snapshots.push(tag);
  }

  restore(name: string, tag: string): void {
    const vm = this.get(name);
    const s = vm.saved.get(tag);
    if (!s) throw new Error(`${name} has no snapshot ${tag}`);
    vm.output = s.output;
    vm.info.instructions = s.instructions;
  }

  clone(name: string, newName: string): VmInfo {
    const src = this.get(name);
    if (this.vms.has(newName)) throw new Error(`a VM named ${newName} exists`);
    const vm = this.blank({ ...src.info, name: newName, snapshots: [] });
    vm.output = src.output;
    return { ...vm.info };
  }

  remove(name: string): void {
    const vm = this.get(name);
    if (vm.info.state === 'running') throw new Error(`${name} is running: stop it first`);
    this.vms.delete(name);
  }

  stats(): VmStats[] {
    return [...this.vms.values()].filter((v) => v.info.state === 'running').map((v) => ({
      name: v.info.name, cpuPercent: 50, instructions: v.info.instructions, exits: v.info.exits,
      exitsByCause: { 'mmio-write:uart': v.info.exits }, overheadPercent: 12.5, residentBytes: v.info.residentBytes,
    }));
  }
}
