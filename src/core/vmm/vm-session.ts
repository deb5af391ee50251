// A guest kernel under the hypervisor as a Session (modes full, pv and hw): it runs in real
// U-mode with virtual M-mode CSRs, and every privileged instruction is a VM exit (in hw,
// its S and U modes run in the hart's VS and VU modes instead, vm.ts). Run
// alone, a guest asleep in wfi has its clock skipped to its timer (nothing else could run).

import type { ProgramImage } from '../asm/image.ts';
import { PAGE_SIZE } from '../isa/memory.ts';
import type { CostBreakdown, MemoryFootprint, RunResult } from '../run-result.ts';
import type { Session, Stop } from '../session.ts';
import { validateCostModel, type CostModel } from './cost-model.ts';
import { Vm, type VmMode } from './vm.ts';

export interface VmSessionOptions {
  mode: VmMode;
  ramSize?: number;
  costModel?: Partial<CostModel>;
  exitLogSize?: number;
  /** The VM's disk behind its virtio block device (copied on write). */
  disk?: Uint8Array;
  /** Bytes for the guest's UART receive queue. */
  stdin?: Uint8Array;
  onConsole?: (bytes: Uint8Array) => void;
}

export class VmSession implements Session {
  readonly mode: VmMode;
  readonly vm: Vm;
  private last: Stop = { kind: 'budget' };

  /** A new VM booting `image`, or (with `vm`) a session over a VM that already exists. */
  constructor(image: ProgramImage | null, options: VmSessionOptions, vm?: Vm) {
    this.mode = options.mode;
    this.vm = vm ?? new Vm({
      mode: options.mode, ramSize: options.ramSize, costModel: validateCostModel(options.costModel ?? {}),
      exitLogSize: options.exitLogSize, onConsole: options.onConsole, disk: options.disk,
    });
    if (image) this.vm.load(image);
    if (options.stdin) this.vm.uart.receive(options.stdin);
  }

  get hart() {
    return this.vm.vcpu.cpu;
  }

  get virtualHart() {
    const vcpu = this.vm.vcpu;
    return { get priv() { return vcpu.vpriv; }, csr: vcpu.vcsr };
  }

  run(budget: number): Stop {
    const stop = this.vm.run(budget);
    if (stop.kind === 'idle') this.vm.sleep();
    this.last = stop.kind === 'idle' || stop.kind === 'yield' ? { kind: 'budget' } : stop;
    return this.last;
  }

  instructions(): number {
    return this.vm.vcpu.cpu.csr.instret;
  }

  cycles(): number {
    return this.vm.vcpu.cpu.clock.cycles;
  }

  readMemory(addr: number, length: number): Uint8Array | null {
    return this.vm.memory.readBytes(addr, length);
  }

  result(): RunResult {
    return vmResult(this.vm, this.last);
  }
}

/** A VM's figures as a RunResult, ended by `stop`. */
export function vmResult(vm: Vm, stop: Stop): RunResult {
  const cpu = vm.vcpu.cpu;
  const result: RunResult = {
    mode: vm.mode,
    end: stop.kind === 'exit' || stop.kind === 'fault' || stop.kind === 'wfi-idle' ? stop.kind : 'budget',
    exitCode: vm.exitCode,
    console: vm.consoleText(),
    instructions: cpu.csr.instret,
    cycles: cpu.clock.cycles,
    exits: { total: vm.exits.total, byCause: { ...vm.exits.byCause } },
    cost: costBreakdown(vm),
    registers: Array.from(cpu.x, (r) => r >>> 0),
    pc: cpu.pc >>> 0,
    exitLog: vm.exits.recent(),
    memory: vmMemory(vm),
  };
  if (stop.kind === 'fault') result.message = stop.message;
  if (stop.kind === 'wfi-idle') result.message = 'the guest sleeps in wfi with no interrupt that could wake it';
  return result;
}

/** The guest's touched RAM and the VMM's tables for it (shadows at their peak, or the G-stage table). */
export function vmMemory(vm: Vm): MemoryFootprint {
  const tables = vm.gStage ? vm.gStage.bytes : (vm.shadow?.peakPageCount ?? 0) * PAGE_SIZE;
  return { guestBytes: vm.ram.touchedCount() * PAGE_SIZE, vmmTableBytes: tables };
}

/** Guest cycles and the VMM's overhead (exits, emulation, hypercalls) on this VM's clock. */
export function costBreakdown(vm: Vm): CostBreakdown {
  const clock = vm.vcpu.cpu.clock;
  const overheadCycles = clock.chargedCycles;
  const guestCycles = clock.cycles - clock.chargedCycles - clock.idleCycles;
  const busy = guestCycles + overheadCycles;
  return {
    guestCycles,
    overheadCycles,
    idleCycles: clock.idleCycles,
    overheadPercent: busy === 0 ? 0 : (overheadCycles / busy) * 100,
    byCause: { ...vm.exits.costByCause },
  };
}
