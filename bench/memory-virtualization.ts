// Memory virtualization figures for `npm run bench`: the lab's paging workload (sv32-tasks:
// two U-mode tasks in two address spaces, demand paging, exec) bare, under shadow paging
// (full), as a paravirtual port (pv) and on the H extension's two-stage translation (hw):
// exits by cause, memory exits by cause, overhead, and the VMM's page-table memory. With XV6_KERNEL and XV6_FS set (a locally built xv6-rv32 kernel and fs.img;
// the repository does not ship them), the xv6 boot to its shell prompt is measured too.

import { existsSync, readFileSync } from 'node:fs';
import { readElf } from '../src/core/asm/elf-reader.ts';
import type { ProgramImage } from '../src/core/asm/image.ts';
import { runProgram } from '../src/core/runner.ts';
import { MEMORY_EXIT_CAUSES, memoryExits } from '../src/core/vmm/exit-log.ts';
import { Vm } from '../src/core/vmm/vm.ts';
import type { BenchSection } from './section.ts';

function image(kind: 'bare' | 'pv', name: string): ProgramImage {
  return readElf(new Uint8Array(readFileSync(new URL(`../tests/fixtures/${kind}/${name}/prog.elf`, import.meta.url))));
}

/** Every exit cause, most frequent first. */
function allCauses(byCause: Record<string, number>): string {
  return Object.entries(byCause).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ') || '-';
}

function causes(byCause: Record<string, number>): string {
  return MEMORY_EXIT_CAUSES.filter((c) => byCause[c]).map((c) => `${c} ${byCause[c]}`).join(', ') || '-';
}

export const memoryVirtualization: BenchSection = {
  name: 'memory virtualization: sv32-tasks (two address spaces, demand paging) bare, shadow paging (full), paravirtual MMU (pv), two-stage translation (hw)',
  run() {
    const bare = runProgram({ image: image('bare', 'sv32-tasks'), mode: 'bare' });
    const full = runProgram({ image: image('bare', 'sv32-tasks'), mode: 'full' });
    const pv = runProgram({ image: image('pv', 'sv32-tasks'), mode: 'pv' });
    const hw = runProgram({ image: image('bare', 'sv32-tasks'), mode: 'hw' });
    const row = (mode: string, r: typeof full) => ({
      mode,
      'same output': r.console === bare.console ? 'yes' : 'NO',
      instructions: r.instructions,
      cycles: r.cycles,
      'x bare': Number((r.cycles / bare.cycles).toFixed(2)),
      exits: r.exits?.total ?? 0,
      'memory exits': memoryExits(r.exits?.byCause ?? {}),
      'memory exits by cause': causes(r.exits?.byCause ?? {}),
      'exits by cause': allCauses(r.exits?.byCause ?? {}),
      'overhead %': Number((r.cost?.overheadPercent ?? 0).toFixed(1)),
      'VMM tables KiB': (r.memory?.vmmTableBytes ?? 0) / 1024,
    });
    const rows: Array<Record<string, string | number>> = [row('bare', bare), row('full', full), row('pv', pv), row('hw', hw)];
    rows.push({ mode: 'full / pv', 'memory exits': Number((memoryExits(full.exits.byCause) / memoryExits(pv.exits.byCause)).toFixed(1)) });
    rows.push({ mode: 'full / hw', exits: Number((full.exits.total / hw.exits.total).toFixed(1)), 'memory exits': `${memoryExits(full.exits.byCause)} / ${memoryExits(hw.exits.byCause)}` });
    rows.push(...xv6Boot());
    return rows;
  },
};

/** xv6 to its first shell prompt in each mode, when a local build is named by XV6_KERNEL and XV6_FS. */
function xv6Boot(): Array<Record<string, string | number>> {
  const kernel = process.env.XV6_KERNEL;
  const fs = process.env.XV6_FS;
  if (!kernel || !fs || !existsSync(kernel) || !existsSync(fs)) return [];
  const img = readElf(new Uint8Array(readFileSync(kernel)));
  const disk = new Uint8Array(readFileSync(fs));
  return (['full', 'pv', 'hw'] as const).map((mode) => {
    let text = '';
    const vm = new Vm({ mode, disk, onConsole: (b) => { text += new TextDecoder().decode(b); } });
    vm.load(img);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    while (!text.endsWith('$ ')) {
      const stop = vm.run(1_000_000);
      if (stop.kind === 'idle') vm.sleep();
      else if (stop.kind !== 'budget' && stop.kind !== 'yield') break;
    }
    const cpu = process.cpuUsage(cpu0);
    const c = vm.vcpu.cpu;
    const seconds = (cpu.user + cpu.system) / 1e6;
    return {
      mode: `xv6 boot (${mode})`,
      'same output': text.endsWith('$ ') ? 'prompt' : 'NO',
      instructions: c.csr.instret,
      cycles: c.clock.cycles,
      exits: vm.exits.total,
      'memory exits': memoryExits(vm.exits.byCause),
      'memory exits by cause': causes(vm.exits.byCause),
      'CPU s': Number(seconds.toFixed(1)),
      'wall s': Number(((performance.now() - t0) / 1000).toFixed(1)),
      'shadow pages': vm.shadow?.pageCount ?? 0,
      'VMM tables KiB': vm.gStage ? vm.gStage.bytes / 1024 : (vm.shadow?.pageCount ?? 0) * 4,
    };
  });
}
