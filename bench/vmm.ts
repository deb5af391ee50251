// Hypervisor figures for `npm run bench`: exits handled per host second on a trap-heavy
// guest, and the shipped lesson kernel under full virtualization vs its paravirtual port
// (exits, cycles, overhead from the cost model). Add `vmmExits, vmmCompare` to sections.

import { readFileSync } from 'node:fs';
import { readElf } from '../src/core/asm/elf-reader.ts';
import { runProgram } from '../src/core/runner.ts';
import { median, type BenchSection } from './section.ts';

function image(kind: 'bare' | 'pv', name: string) {
  const path = new URL(`../tests/fixtures/${kind}/${name}/prog.elf`, import.meta.url);
  return readElf(new Uint8Array(readFileSync(path)));
}

export const vmmExits: BenchSection = {
  name: 'vmm: exits handled per host second (trap-heavy bare-metal guests under full virtualization, 1 MiB guest RAM)',
  run({ repetitions }) {
    const guests = ['umode-traps', 'm-traps', 'rr-kernel'].map((n) => ({ n, img: image('bare', n) }));
    return guests.map(({ n, img }) => {
      const rates: number[] = [];
      let exits = 0;
      for (let i = 0; i < repetitions; i++) {
        const t0 = performance.now();
        let total = 0;
        // Repeat the guest until ~0.2 s has passed, so the timer resolution doesn't matter.
        while (performance.now() - t0 < 200) total += runProgram({ image: img, mode: 'full', exitLogSize: 0, ramSize: 1 << 20 }).exits.total;
        rates.push(total / ((performance.now() - t0) / 1000));
        exits = total;
      }
      return { guest: n, 'exits/s (median)': Math.round(median(rates)), 'exits in last rep': exits };
    });
  },
};

export const vmmCompare: BenchSection = {
  name: 'vmm: rr-kernel, bare-metal kernel under full virtualization vs its paravirtual port',
  run() {
    const full = runProgram({ image: image('bare', 'rr-kernel'), mode: 'full' });
    const pv = runProgram({ image: image('pv', 'rr-kernel'), mode: 'pv' });
    const row = (mode: string, r: typeof full) => ({
      mode,
      'same output': r.console === full.console ? 'yes' : 'NO',
      exits: r.exits.total,
      'guest cycles': r.cost.guestCycles,
      'VMM cycles': r.cost.overheadCycles,
      'overhead %': Number(r.cost.overheadPercent.toFixed(1)),
      'top causes': Object.entries(r.exits.byCause).sort((a, b) => b[1] - a[1]).slice(0, 3)
        .map(([c, n]) => `${c} ${n}`).join(', '),
    });
    return [row('full', full), row('pv', pv),
      { mode: 'full / pv', exits: Number((full.exits.total / pv.exits.total).toFixed(1)),
        'VMM cycles': Number((full.cost.overheadCycles / pv.cost.overheadCycles).toFixed(1)) }];
  },
};
