// `trapdoor run --mode full|pv|hw A.s B.s ...`: several guests, one VM per file, on one
// host (vmm/vm-batch.ts) with --pcpus physical CPUs and a --slice in cycles. Each guest's
// console lines come out prefixed with its name, as docker compose does; --json gives the
// per-VM figures and the host's utilization instead.

import type { ProgramImage } from '../core/asm/image.ts';
import type { RunResult } from '../core/run-result.ts';
import { VmBatch, type VmBatchReport } from '../core/vmm/vm-batch.ts';
import { LoadError, Vm, type VmMode } from '../core/vmm/vm.ts';
import { CliError, EXIT_BUDGET, EXIT_ERROR, EXIT_FAULT, type CliIo } from './io.ts';

export interface GuestFile {
  file: string;
  image: ProgramImage;
}

export interface HostRunOptions {
  mode: VmMode;
  ramSize?: number;
  pcpus?: number;
  slice?: number;
  maxInstructions?: number;
  json: boolean;
}

/** What --json prints for a host run. */
export interface HostRunJson {
  mode: VmMode;
  pcpus: number;
  slice: number;
  /** Host cycles until the last VM ended. */
  hostCycles: number;
  /** Busy physical-CPU cycles / (pcpus * hostCycles), percent. */
  utilization: number;
  switches: number;
  switchCycles: number;
  /** 0 when every guest exited 0, else the first failing guest's status. */
  exitCode: number;
  vms: Array<{
    name: string;
    file: string;
    end: RunResult['end'];
    exitCode: number | null;
    message?: string;
    console: string;
    instructions: number;
    /** Host cycles it occupied a physical CPU. */
    cpuTime: number;
    guestCycles: number;
    vmmCycles: number;
    overheadPercent: number;
    exits: RunResult['exits'];
    costByCause: Record<string, number>;
  }>;
}

export function runGuests(guests: GuestFile[], options: HostRunOptions, io: CliIo): number {
  const batch = new VmBatch({ pcpus: options.pcpus, slice: options.slice });
  const names = vmNames(guests.map((g) => g.file));
  const width = Math.max(...names.map((n) => n.length));
  const consoles = names.map((n) => prefixedLines(`${n.padEnd(width)} | `, io));
  guests.forEach((g, i) => {
    const vm = new Vm({ mode: options.mode, ramSize: options.ramSize, onConsole: options.json ? undefined : consoles[i]!.write });
    try {
      vm.load(g.image);
    } catch (e) {
      if (e instanceof LoadError) throw new CliError(`${g.file}: ${e.message}`, EXIT_ERROR);
      throw e;
    }
    batch.add(vm, names[i]!);
  });
  const report = batch.run({ maxInstructionsPerVm: options.maxInstructions });
  for (const c of consoles) c.flush();
  const statuses = report.vms.map((v) => statusOf(v.result));
  const exitCode = statuses.find((s) => s !== 0) ?? 0;
  if (options.json) io.stdout.write(JSON.stringify(hostJson(report, guests, options, batch, exitCode)) + '\n');
  for (const v of report.vms) {
    if (v.result.end !== 'exit') io.stderr.write(`trapdoor: ${v.name}: ${v.result.message ?? v.result.end}\n`);
  }
  return exitCode;
}

/**
 * Each file's name without folder and extension; where two files share one, the folder
 * too (hello-uart/prog); any still alike get #2, #3...
 */
export function vmNames(files: string[]): string[] {
  const parts = files.map((f) => f.split(/[\\/]/).filter(Boolean));
  const base = (p: string[]) => (p[p.length - 1] ?? 'vm').replace(/\.(s|S|asm|elf)$/, '') || 'vm';
  const bases = parts.map(base);
  const named = parts.map((p, i) => (bases.filter((b) => b === bases[i]).length > 1 && p.length > 1 ? `${p[p.length - 2]}/${bases[i]}` : bases[i]!));
  const seen = new Map<string, number>();
  return named.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}

function statusOf(r: RunResult): number {
  if (r.end === 'exit' && r.exitCode !== null) return r.exitCode & 0xff || (r.exitCode !== 0 ? 1 : 0);
  return r.end === 'budget' ? EXIT_BUDGET : EXIT_FAULT;
}

function hostJson(report: VmBatchReport, guests: GuestFile[], options: HostRunOptions, batch: VmBatch, exitCode: number): HostRunJson {
  return {
    mode: options.mode, pcpus: batch.pcpus, slice: batch.slice,
    hostCycles: report.hostCycles, utilization: report.utilization,
    switches: report.switches, switchCycles: report.switchCycles, exitCode,
    vms: report.vms.map((v, i) => {
      const r = v.result;
      return {
        name: v.name, file: guests[i]!.file, end: r.end, exitCode: r.exitCode,
        ...(r.message !== undefined ? { message: r.message } : {}),
        console: r.console, instructions: r.instructions, cpuTime: v.cpuTime,
        guestCycles: r.cost.guestCycles, vmmCycles: r.cost.overheadCycles, overheadPercent: r.cost.overheadPercent,
        exits: r.exits, costByCause: r.cost.byCause,
      };
    }),
  };
}

/** A guest's console as whole lines behind a prefix; an unfinished last line ends at flush. */
function prefixedLines(prefix: string, io: CliIo): { write: (bytes: Uint8Array) => void; flush: () => void } {
  let line = '';
  return {
    write(bytes) {
      for (const b of bytes) {
        line += String.fromCharCode(b);
        if (b === 10) {
          io.stdout.write(latin1(prefix + line));
          line = '';
        }
      }
    },
    flush() {
      if (line) io.stdout.write(latin1(`${prefix}${line}\n`));
      line = '';
    },
  };
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
