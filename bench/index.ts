// `npm run bench`: runs every section and prints its table.
// Add a section by appending it to `sections`. BENCH_REPS sets the repetitions (default 5),
// and arguments filter sections by name: `npm run bench -- interpreter`.

import { cpuMips } from './cpu-mips.ts';
import { translatorBench } from './translator.ts';
import type { BenchSection } from './section.ts';
import { vmmCompare, vmmExits } from './vmm.ts';
import { datacenter } from './datacenter.ts';
import { bundleSizes } from './bundle.ts';
import { containers } from './containers.ts';
import { memoryVirtualization } from './memory-virtualization.ts';

export const sections: BenchSection[] = [cpuMips, translatorBench, vmmExits, vmmCompare, memoryVirtualization, datacenter, containers, bundleSizes];

async function main(): Promise<void> {
  const repetitions = Number(process.env.BENCH_REPS ?? 5);
  const filters = process.argv.slice(2);
  const chosen = sections.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  console.log(`Trapdoor benchmarks — node ${process.version}, ${repetitions} repetitions, median`);
  for (const section of chosen) {
    console.log(`\n## ${section.name}`);
    const rows = await section.run({ repetitions, log: (line) => console.log(line) });
    console.table(rows);
  }
}

await main();
