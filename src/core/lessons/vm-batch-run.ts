// Several guests on one host: every VM of the lesson's machine.vms, each running its own
// file, run to their end as one batch over the host's physical CPUs (src/core/vmm/vm-batch.ts).
// Checks read one guest (`vm: name`) or the host as a whole.

import type { ProgramImage } from '../asm/image.ts';
import type { RunEnd, RunResult, VmMode } from '../run-result.ts';
import type { CostModel } from '../vmm/cost-model.ts';
import { VmBatch, type VmBatchReport } from '../vmm/vm-batch.ts';
import type { Vm } from '../vmm/vm.ts';
import { VmSession } from '../vmm/vm-session.ts';
import type { VmSpec } from './lesson.ts';
import { readMemory, unreadable } from './guest-memory-read.ts';
import type { HostRequest, MemoryRead, RunOutcome, VmOutcome } from './runner-port.ts';

export interface BuiltGuest {
  spec: VmSpec;
  image: ProgramImage;
}

export interface VmBatchRunOptions {
  host: HostRequest;
  /** The lesson's mode, for guests that do not name theirs. */
  mode: VmMode;
  maxInstructions: number;
  ramSize?: number;
  costModel?: Partial<CostModel>;
  memoryReads: MemoryRead[];
}

export function runVmBatch(guests: BuiltGuest[], options: VmBatchRunOptions): RunOutcome {
  const batch = new VmBatch({ pcpus: options.host.cpus });
  const vms: Vm[] = guests.map((g) => {
    const vm = new VmSession(g.image, { mode: g.spec.mode ?? options.mode, ramSize: g.spec.memory ?? options.ramSize, costModel: options.costModel }).vm;
    batch.add(vm, g.spec.name);
    return vm;
  });
  const report = batch.run({ maxInstructionsPerVm: options.maxInstructions });
  const outcomes: VmOutcome[] = report.vms.map((r) => ({
    name: r.name, result: r.result, figures: { cpuTime: r.cpuTime, finishedAt: r.finishedAt, slices: r.slices },
  }));
  const memory = options.memoryReads.map((read) => {
    const i = guests.findIndex((g) => g.spec.name === read.vm);
    if (i < 0) return unreadable(read.vm === undefined ? 'this run has several guests: say which one with vm:' : `no guest named "${read.vm}"`);
    const vm = vms[i] as Vm;
    return readMemory(read, (guests[i] as BuiltGuest).image, (a, n) => vm.memory.readBytes(a, n));
  });
  return { status: 'ran', result: combined(report), memory, vms: outcomes, figures: hostFigures(report) };
}

function hostFigures(report: VmBatchReport): Record<string, number> {
  return { hostCycles: report.hostCycles, utilization: report.utilization, vmSwitches: report.switches };
}

/** The host as one run: consoles in guest order, counts summed, time the host's. */
function combined(report: VmBatchReport): RunResult {
  const results = report.vms.map((v) => v.result);
  const sum = (f: (r: RunResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const merge = (f: (r: RunResult) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const r of results) for (const [k, n] of Object.entries(f(r))) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  const notExited = results.find((r) => r.end !== 'exit');
  const end: RunEnd = notExited ? notExited.end : 'exit';
  const guestCycles = sum((r) => r.cost.guestCycles);
  const overheadCycles = sum((r) => r.cost.overheadCycles);
  const first = results[0];
  return {
    mode: first?.mode ?? 'full', end,
    exitCode: notExited ? null : results.find((r) => r.exitCode !== 0)?.exitCode ?? 0,
    console: results.map((r) => r.console).join(''),
    instructions: sum((r) => r.instructions), cycles: report.hostCycles,
    exits: { total: sum((r) => r.exits.total), byCause: merge((r) => r.exits.byCause) },
    cost: {
      guestCycles, overheadCycles, idleCycles: sum((r) => r.cost.idleCycles),
      overheadPercent: guestCycles + overheadCycles === 0 ? 0 : (overheadCycles / (guestCycles + overheadCycles)) * 100,
      byCause: merge((r) => r.cost.byCause),
    },
    registers: first?.registers ?? new Array<number>(32).fill(0), pc: first?.pc ?? 0,
    exitLog: results.flatMap((r) => r.exitLog),
    ...(notExited?.message !== undefined ? { message: `${report.vms[results.indexOf(notExited)]?.name}: ${notExited.message}` } : {}),
  };
}
