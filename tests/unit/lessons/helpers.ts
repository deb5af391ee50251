// Shared by the lesson tests: reading a folder into a file map, and runners that need no
// machine (a program "file" is the JSON of the RunResult fields it should produce).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunResult } from '../../../src/core/run-result.ts';
import type { RunOutcome, Runner, RunRequest } from '../../../src/core/lessons/index.ts';

/** Every file under `dir`, keyed "PREFIX/relative/path". */
export function readTree(dir: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[`${prefix}/${relative(dir, p).split('\\').join('/')}`] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

export function runResult(fields: Partial<RunResult> = {}): RunResult {
  return {
    mode: 'bare', end: 'exit', exitCode: 0, console: '', instructions: 100, cycles: 100,
    exits: { total: 0, byCause: {} },
    cost: { guestCycles: 100, overheadCycles: 0, idleCycles: 0, overheadPercent: 0, byCause: {} },
    registers: new Array<number>(32).fill(0), pc: 0x80000000, exitLog: [],
    ...fields,
  };
}

/** A runner whose programs are JSON: {"result": {...}, "memory": [...], "kernel": {...}} or
 *  {"unsupported": "why"} or {"diagnostics": [...]}. Records every request it gets. */
export function jsonRunner(): Runner & { requests: RunRequest[] } {
  const requests: RunRequest[] = [];
  return {
    requests,
    run(request): RunOutcome {
      requests.push(request);
      const spec = JSON.parse(request.files[request.entry] ?? '{}') as {
        result?: Partial<RunResult>; memory?: RunOutcome extends never ? never : unknown;
        kernel?: unknown; shell?: unknown; unsupported?: string; diagnostics?: unknown;
        vms?: { name: string; result?: Partial<RunResult>; figures?: Record<string, number> }[]; figures?: Record<string, number>;
      };
      if (spec.unsupported) return { status: 'unsupported', reason: spec.unsupported };
      if (spec.diagnostics) return { status: 'build-failed', diagnostics: spec.diagnostics as never };
      return {
        status: 'ran', result: runResult(spec.result), memory: (spec.memory ?? []) as never,
        kernel: spec.kernel as never, shell: spec.shell as never, figures: spec.figures,
        vms: spec.vms?.map((v) => ({ name: v.name, result: runResult(v.result), figures: v.figures ?? {} })),
      };
    },
  };
}
