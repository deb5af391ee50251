// The translating CPU against the interpreter and QEMU: guest MIPS of the interpreter and
// of the translator with each back end (WebAssembly, JavaScript) on the CPU-bound programs
// (bench/programs) in one run, bare, under full virtualization, as S-mode code under Sv32
// (sv32: the bare ELF entered in S-mode with every address mapped to itself by megapages,
// so every access takes the paged path) and as a Linux process,
// each CPU's time against qemu-riscv32's, with the translator's own figures (translation
// time per region, cache hit rate, generated code). qemu-riscv32 runs the Linux build of each program when it
// is installed; without it the table says so and the rest still runs.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assemble } from '../src/core/asm/assembler.ts';
import { readElf } from '../src/core/asm/elf-reader.ts';
import {
  defaultJitBackend, setDefaultJitBackend, withCpuKind, type CpuKind, type JitBackend,
} from '../src/core/isa/cpu-kind.ts';
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

/** One CPU to measure: the interpreter, or the translator with one back end. */
interface Variant {
  name: 'interp' | 'wasm' | 'js';
  kind: CpuKind;
  backend: JitBackend;
}

const VARIANTS: Variant[] = [
  { name: 'interp', kind: 'interp', backend: 'js' },
  { name: 'wasm', kind: 'jit', backend: 'wasm' },
  { name: 'js', kind: 'jit', backend: 'js' },
];

/** Runs `make` with the variant's CPU kind and back end as the defaults. */
function withVariant<T>(v: Variant, make: () => T): T {
  const previous = defaultJitBackend();
  setDefaultJitBackend(v.backend);
  try {
    return withCpuKind(v.kind, make);
  } finally {
    setDefaultJitBackend(previous);
  }
}

/** Runs a loaded machine to its end, timing it in CPU time (the translator's clock set). */
function timedRun(m: Machine, out: number[]): Run {
  const t = m.cpu.translatorForBench;
  if (t) t.now = () => performance.now();
  const started = process.cpuUsage();
  m.run(4_000_000_000);
  const cpuSeconds = process.cpuUsage(started).user / 1e6;
  return { cpuSeconds, instructions: m.cpu.csr.instret, output: Buffer.from(out).toString('latin1'), stats: m.cpu.translatorStats };
}

/** The bare machine, as bench/cpu-mips.ts runs it, with the translator's clock set. */
function bare(elf: Uint8Array, v: Variant): Run {
  const out: number[] = [];
  const m = withVariant(v, () => new Machine({ console: { write: (b) => out.push(...b) } }));
  m.load(readElf(elf));
  return timedRun(m, out);
}

/**
 * The bare ELF as S-mode code under Sv32: a page table of 4 MiB megapages mapping every
 * address to itself (RAM and devices alike), and a few instructions at the top of RAM that
 * turn paging on and mret into the program in S-mode. Nothing else changes, so its MIPS
 * compare with bare's: the difference is the paged fast path.
 */
function sv32(elf: Uint8Array, v: Variant): Run {
  const out: number[] = [];
  const m = withVariant(v, () => new Machine({ console: { write: (b) => out.push(...b) } }));
  const image = readElf(elf);
  m.load(image);
  const top = m.ram.base + m.ram.bytes.byteLength;
  const table = top - 0x2000;
  const start = top - 0x1000;
  m.ram.write(table, new Uint8Array(Uint32Array.from({ length: 1024 }, (_, i) => ((i << 20) | 0xcf) >>> 0).buffer));
  const source = [
    `li t0, ${((1 << 31) | (table >>> 12)) >>> 0}`, 'csrw satp, t0', 'li t0, 0x1800', 'csrc mstatus, t0',
    'li t0, 0x800', 'csrs mstatus, t0', `li t0, ${image.entry >>> 0}`, 'csrw mepc, t0', 'mret',
  ].join('\n');
  const code = assemble(source, { textBase: start }).image!.segments[0]!;
  m.ram.write(start, code.bytes);
  m.cpu.reset(start);
  return timedRun(m, out);
}

/** A session of another mode (full: the bare ELF under the VMM; linux: the Linux ELF). */
function session(elf: Uint8Array, mode: 'full' | 'linux', v: Variant): Run {
  const out: number[] = [];
  const s = withVariant(v, () => createSession(readElf(elf), { mode, cpu: v.kind, onConsole: (b) => out.push(...b) }));
  const started = process.cpuUsage();
  const r = withVariant(v, () => runToEnd(s, 4_000_000_000, 'limit'));
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

const seconds = (runs: Run[]) => median(runs.map((r) => r.cpuSeconds));
const mips = (runs: Run[]) => runs[0]!.instructions / seconds(runs) / 1e6;
const ratio = (a: number, b: number) => Number((a / b).toFixed(1));

export const translatorBench: BenchSection = {
  name: 'translator: guest MIPS, wasm and js back ends vs interp vs qemu-riscv32',
  run({ repetitions, log }) {
    const qemu = qemuAvailable();
    if (!qemu) log('  qemu-riscv32 is not installed: its columns are left out');
    const rows: BenchRow[] = [];
    for (const name of PROGRAMS) {
      const bareElf = new Uint8Array(readFileSync(join(dir, `${name}.bare.elf`)));
      const linuxElf = new Uint8Array(readFileSync(join(dir, `${name}.linux.elf`)));
      const reps = <T>(f: () => T) => Array.from({ length: repetitions }, f);
      const qs = qemu ? median(reps(() => qemuCpuSeconds(join(dir, `${name}.linux.elf`)).cpuSeconds)) : 0;
      for (const mode of ['bare', 'sv32', 'full', 'linux'] as const) {
        // Interleaved (one repetition of each variant in turn), so load changes hit all alike.
        const runs = new Map<string, Run[]>(VARIANTS.map((v) => [v.name, []]));
        for (let i = 0; i < repetitions; i++) {
          for (const v of VARIANTS) {
            const run = mode === 'bare' ? bare(bareElf, v) : mode === 'sv32' ? sv32(bareElf, v)
              : session(mode === 'full' ? bareElf : linuxElf, mode, v);
            runs.get(v.name)!.push(run);
          }
        }
        const [interp, wasm, js] = VARIANTS.map((v) => runs.get(v.name)!);
        for (const [label, r] of [['wasm', wasm], ['js', js]] as const) {
          if (r![0]!.output !== interp![0]!.output) log(`  ${name} ${mode}: the ${label} back end's output differs from the interpreter's!`);
        }
        const row: BenchRow = {
          program: name, mode,
          'interp MIPS': Math.round(mips(interp!)),
          'wasm MIPS': Math.round(mips(wasm!)),
          'js MIPS': Math.round(mips(js!)),
          'wasm/interp': ratio(mips(wasm!), mips(interp!)),
          'js/interp': ratio(mips(js!), mips(interp!)),
        };
        if (qemu) {
          row['vs qemu: interp'] = ratio(seconds(interp!), qs);
          row['vs qemu: wasm'] = ratio(seconds(wasm!), qs);
          row['vs qemu: js'] = ratio(seconds(js!), qs);
        }
        const st = wasm![0]!.stats;
        if (st !== null) {
          row['regions (wasm)'] = st.translations;
          row['ms/region'] = Number((st.translateMs / Math.max(1, st.translations)).toFixed(2));
          row['hit %'] = Number((100 * st.hits / Math.max(1, st.hits + st.plans)).toFixed(1));
          row['module KiB'] = Math.round(st.wasmBytes / 1024);
          const jst = js![0]!.stats!;
          row['regions (js)'] = jst.translations;
          row['js ms/region'] = Number((jst.translateMs / Math.max(1, jst.translations)).toFixed(2));
        }
        rows.push(row);
      }
    }
    return rows;
  },
};
