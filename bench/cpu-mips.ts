// Guest MIPS of the interpreter on CPU-bound bare-metal programs (bench/programs), and
// the wall-time ratio against QEMU's user-mode JIT on the Linux build of the same C.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readElf } from '../src/core/asm/elf-reader.ts';
import { Machine } from '../src/core/machine/machine.ts';
import type { BenchSection } from './section.ts';
import { median } from './section.ts';

const PROGRAMS = ['sieve', 'crc32', 'sort'];
const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'programs');

interface GuestRun {
  seconds: number;
  /** User CPU time of this process: less disturbed than wall time on a shared machine. */
  cpuSeconds: number;
  instructions: number;
  output: string;
  exitCode: number;
}

function runGuest(elf: Uint8Array): GuestRun {
  const out: number[] = [];
  const machine = new Machine({ console: { write: (b) => out.push(...b) } });
  machine.load(readElf(elf));
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const stop = machine.run(4_000_000_000);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = process.cpuUsage(cpuStarted).user / 1e6;
  const exitCode = stop.kind === 'exit' ? stop.exitCode : -1;
  return {
    seconds,
    cpuSeconds,
    instructions: machine.cpu.csr.instret,
    output: Buffer.from(out).toString('latin1'),
    exitCode,
  };
}

function qemuAvailable(): boolean {
  return spawnSync('qemu-riscv32', ['--version']).status === 0;
}

function runQemu(path: string): { seconds: number; cpuSeconds: number; output: string } {
  const started = performance.now();
  // bash's `time` reports the child's user+system CPU time, comparable to our cpu time.
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%U %S"; time qemu-riscv32 "$0"', path], { encoding: 'latin1' });
  const seconds = (performance.now() - started) / 1000;
  const [user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds, cpuSeconds: user + sys, output: r.stdout };
}

export const cpuMips: BenchSection = {
  name: 'interpreter: guest MIPS on CPU-bound bare-metal programs',
  run({ repetitions, log }) {
    const qemu = qemuAvailable();
    const rows = [];
    for (const name of PROGRAMS) {
      const elf = new Uint8Array(readFileSync(join(dir, `${name}.bare.elf`)));
      const runs = Array.from({ length: repetitions }, () => runGuest(elf));
      const seconds = median(runs.map((r) => r.seconds));
      const mips = runs[0].instructions / seconds / 1e6;
      const cpuMips = runs[0].instructions / median(runs.map((r) => r.cpuSeconds)) / 1e6;
      const row: Record<string, string | number> = {
        program: name,
        instructions: runs[0].instructions,
        'median s': Number(seconds.toFixed(3)),
        MIPS: Number(mips.toFixed(1)),
        'MIPS (cpu time)': Number(cpuMips.toFixed(1)),
      };
      if (qemu) {
        const q = Array.from({ length: repetitions }, () => runQemu(join(dir, `${name}.linux.elf`)));
        const qs = median(q.map((r) => r.seconds));
        const qcpu = median(q.map((r) => r.cpuSeconds));
        const ourCpu = median(runs.map((r) => r.cpuSeconds));
        row['qemu-riscv32 s'] = Number(qs.toFixed(3));
        row['ratio (wall)'] = Number((seconds / qs).toFixed(1));
        row['ratio (cpu time)'] = Number((ourCpu / qcpu).toFixed(1));
        if (q[0].output !== runs[0].output) log(`  ${name}: output differs from qemu-riscv32!`);
      }
      log(`  ${name}: ${runs[0].output.trim()} (exit ${runs[0].exitCode})`);
      rows.push(row);
    }
    return rows;
  },
};
