// The translating CPU against the interpreter and QEMU: guest MIPS of both CPU kinds on the
// CPU-bound programs (bench/programs) in one run, bare, under full virtualization and as a
// Linux process, with the translator's own figures (translation time per region, cache
// hit rate, generated code). qemu-riscv32 runs the Linux build of each program when it
// is installed; without it the table says so and the rest still runs.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readElf } from '../src/core/asm/elf-reader.ts';
import { withCpuKind, type CpuKind } from '../src/core/isa/cpu-kind.ts';
import type { TranslatorStats } from '../src/core/isa/translator.ts';
import { Machine } from '../src/core/machine/machine.ts';
import { createSession } from '../src/core/runner.ts';
import { runToEnd } from '../src/core/session.ts';
import type { BenchRow, BenchSection } from './section.ts';
import { median } from './section.ts';

const PROGRAMS = ['sieve', 'crc32', 'sort'];
const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'programs');

interface Run {
  cpuSeconds: number;
  instructions: number;
  output: string;
  stats: TranslatorStats | null;
}

/** The bare machine, as bench/cpu-mips.ts runs it, with the translator's clock set. */
function bare(elf: Uint8Array, kind: CpuKind): Run {
  const out: number[] = [];
  const m = withCpuKind(kind, () => new Machine({ console: { write: (b) => out.push(...b) } }));
  m.load(readElf(elf));
  const t = m.cpu.translatorForBench;
  if (t) t.now = () => performance.now();
  const started = process.cpuUsage();
  m.run(4_000_000_000);
  const cpuSeconds = process.cpuUsage(started).user / 1e6;
  return { cpuSeconds, instructions: m.cpu.csr.instret, output: Buffer.from(out).toString('latin1'), stats: m.cpu.translatorStats };
}

/** A session of another mode (full: the bare ELF under the VMM; linux: the Linux ELF). */
function session(elf: Uint8Array, mode: 'full' | 'linux', kind: CpuKind): Run {
  const out: number[] = [];
  const s = createSession(readElf(elf), { mode, cpu: kind, onConsole: (b) => out.push(...b) });
  const started = process.cpuUsage();
  const r = runToEnd(s, 4_000_000_000, 'limit');
  const cpuSeconds = process.cpuUsage(started).user / 1e6;
  return { cpuSeconds, instructions: r.instructions, output: Buffer.from(out).toString('latin1'), stats: null };
}

function qemuAvailable(): boolean {
  return spawnSync('qemu-riscv32', ['--version']).status === 0;
}

function qemuCpuSeconds(path: string): { cpuSeconds: number; output: string } {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%U %S"; time qemu-riscv32 "$0"', path], { encoding: 'latin1' });
  const [user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { cpuSeconds: user + sys, output: r.stdout };
}

const mips = (runs: Run[]) => runs[0]!.instructions / median(runs.map((r) => r.cpuSeconds)) / 1e6;

export const translatorBench: BenchSection = {
  name: 'translator: guest MIPS, jit vs interp vs qemu-riscv32',
  run({ repetitions, log }) {
    const qemu = qemuAvailable();
    if (!qemu) log('  qemu-riscv32 is not installed: its column is left out');
    const rows: BenchRow[] = [];
    for (const name of PROGRAMS) {
      const bareElf = new Uint8Array(readFileSync(join(dir, `${name}.bare.elf`)));
      const linuxElf = new Uint8Array(readFileSync(join(dir, `${name}.linux.elf`)));
      const reps = <T>(f: () => T) => Array.from({ length: repetitions }, f);
      const interp = reps(() => bare(bareElf, 'interp'));
      const jit = reps(() => bare(bareElf, 'jit'));
      if (jit[0]!.output !== interp[0]!.output) log(`  ${name}: the translator's output differs from the interpreter's!`);
      const st = jit[0]!.stats!;
      const row: BenchRow = {
        program: name,
        'interp MIPS': Math.round(mips(interp)),
        'jit MIPS': Math.round(mips(jit)),
        'jit/interp': Number((mips(jit) / mips(interp)).toFixed(1)),
      };
      if (qemu) {
        const q = reps(() => qemuCpuSeconds(join(dir, `${name}.linux.elf`)));
        const qs = median(q.map((r) => r.cpuSeconds));
        row['time vs qemu (interp)'] = Number((median(interp.map((r) => r.cpuSeconds)) / qs).toFixed(1));
        row['time vs qemu (jit)'] = Number((median(jit.map((r) => r.cpuSeconds)) / qs).toFixed(1));
      }
      const fullI = reps(() => session(bareElf, 'full', 'interp'));
      const fullJ = reps(() => session(bareElf, 'full', 'jit'));
      const linI = reps(() => session(linuxElf, 'linux', 'interp'));
      const linJ = reps(() => session(linuxElf, 'linux', 'jit'));
      row['full interp MIPS'] = Math.round(mips(fullI));
      row['full jit MIPS'] = Math.round(mips(fullJ));
      row['linux interp MIPS'] = Math.round(mips(linI));
      row['linux jit MIPS'] = Math.round(mips(linJ));
      row['regions'] = st.translations;
      row['ms per region'] = Number((st.translateMs / Math.max(1, st.translations)).toFixed(2));
      row['hit rate %'] = Number((100 * st.hits / Math.max(1, st.hits + st.plans)).toFixed(2));
      row['code KiB'] = Math.round(st.sourceChars * 2 / 1024);
      rows.push(row);
    }
    return rows;
  },
};
