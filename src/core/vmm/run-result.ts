// A VM's figures as the shared RunResult (src/core/run-result.ts): console, exits by cause,
// guest and VMM cycles and the overhead, whatever mode ran it.

import type { CostBreakdown, RunEnd, RunResult } from '../run-result.ts';
import type { Vm } from './vm.ts';

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

export function vmRunResult(vm: Vm, end: RunEnd, message?: string): RunResult {
  const cpu = vm.vcpu.cpu;
  const result: RunResult = {
    mode: vm.mode,
    end,
    exitCode: vm.exitCode,
    console: vm.consoleText(),
    instructions: cpu.csr.instret,
    cycles: cpu.clock.cycles,
    exits: { total: vm.exits.total, byCause: { ...vm.exits.byCause } },
    cost: costBreakdown(vm),
    registers: Array.from(cpu.x, (r) => r >>> 0),
    pc: cpu.pc >>> 0,
    exitLog: vm.exits.recent(),
  };
  if (message !== undefined) result.message = message;
  return result;
}
