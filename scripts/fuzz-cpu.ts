// `npm run fuzz:cpu -- --seconds N [--seed S]`: the translator against the interpreter on
// random programs for N seconds (default 60), each program on both back ends (WebAssembly
// and JavaScript): the differential property test of tests/unit/isa/translator.test.ts
// without its run limit. Not part of `npm test`.
// Prints the first difference with its seed and shrunk program, and exits 1.
import fc from 'fast-check';
import { JIT_BACKENDS } from '../src/core/isa/cpu-kind.ts';
import { compareKinds, programArb } from '../tests/unit/isa/differential.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) {
    console.error(`fuzz:cpu: ${name} needs a number`);
    process.exit(2);
  }
  return v;
}

const seconds = option('--seconds', 60);
let seed = option('--seed', Date.now() % 2 ** 31);
const end = Date.now() + seconds * 1000;
let runs = 0;
while (Date.now() < end) {
  const result = fc.check(fc.property(programArb, (p) => {
    for (const backend of JIT_BACKENDS) {
      const diff = compareKinds(p, backend);
      if (diff !== null) throw new Error(diff);
    }
  }), { numRuns: 50, seed });
  runs += result.numRuns;
  if (result.failed) {
    console.error(fc.defaultReportMessage(result));
    process.exit(1);
  }
  seed = (seed + 1) % 2 ** 31;
}
console.log(`fuzz:cpu: ${runs} random programs, both back ends of the translator agreed with the interpreter on every one`);
