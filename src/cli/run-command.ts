// `trapdoor run FILE [--mode bare|full|pv|hw|linux] [--max-instructions N] [--json] [--cpu K]`, and
// `trapdoor run --mode full|pv|hw FILE...` for several guests on one host (run-guests.ts).
// Console bytes go to stdout as the guest produces them; the status is the program's.

import { integerOption, parseArgs } from './args.ts';
import { CliError, EXIT_BUDGET, EXIT_ERROR, EXIT_FAULT, EXIT_USAGE, type CliIo } from './io.ts';
import { LINUX_TEXT_BASE, loadProgram, readInputFile } from './load-program.ts';
import { shippedNames, shippedProgram } from './shipped-guest.ts';
import { runProgram } from '../core/runner.ts';
import type { RunMode, RunResult } from '../core/run-result.ts';
import { LoadError } from '../core/machine/machine.ts';
import { KernelError } from '../core/kernel/errno.ts';
import { runGuests } from './run-guests.ts';
import { hostDirectory } from './host-directory.ts';
import { parseVolumeFlag, type VolumeSpec } from '../core/kernel/volume.ts';
import { isCpuKind, withCpuKind, type CpuKind } from '../core/isa/cpu-kind.ts';

export const RUN_HELP = `usage: trapdoor run FILE [--mode bare|full|pv|hw|linux] [--max-instructions N] [--json]
                     [--cpu jit|interp] [--ram SIZE] [--pmp N] [--disk IMG] [--input FILE]
                     [--env NAME=VALUE]... [--volume DIR:PATH[:ro]]... [-- ARGS...]
       trapdoor run --mode full|pv|hw FILE... [--pcpus N] [--slice CYCLES] [--ram SIZE] [--json]

Runs a program: an ELF file, or assembly source (.s) assembled first
(at 0x80000000, or at 0x10000 for --mode linux), or a shipped guest by name
(${shippedNames()}) in the mode it is written for, with its disk.

  --mode bare      the bare machine, M-mode at the entry point (default); exit through
                   the power-off device or tohost
  --mode linux     a static RV32 Linux program as a process of the host kernel
  --mode full      a guest kernel under the trap-and-emulate hypervisor
  --mode pv        a paravirtualized guest kernel using hypercalls
  --mode hw        a guest kernel on the H extension: its S and U modes run in VS/VU
                   with its own page tables, the hypervisor keeps only the G-stage table
  --max-instructions N   stop after N instructions (per VM with several guests)
  --cpu jit        run guest code translated to JavaScript blocks (default, fastest)
  --cpu interp     run it on the interpreter (the reference); results are identical
  --ram SIZE       guest RAM for bare, full, pv and hw (each VM): bytes, or 64k, 16m, 1g;
                   default 128m
  --pmp N          bare: the hart's PMP entries, 0 to 64 (default 0: no PMP, every
                   access allowed, as QEMU with pmp=false)
  --disk IMG       bare, full, pv, hw: a raw disk image behind the virtio block device at
                   0x10001000 (what the guest writes stays in the run; IMG is not changed)
  --input FILE     console input, typed: bare gets one key at a time, and a new line only
                   once the guest has read the last one and waits: it sleeps in wfi, or
                   shows a prompt (output ending mid-line) and is quiet for 0.1 s of
                   virtual time, or is quiet for 10 s; other modes get it all at once.
                   Without --input, standard input when it is not a terminal
  --json           print one JSON object with the run's result at the end, instead of
                   the console bytes (they are in its "console" field)
  --env NAME=VALUE set the Linux program's whole environment (repeatable; default
                   PATH=/bin:/usr/bin HOME=/ TERM=xterm)
  --volume DIR:PATH[:ro]  copy the real directory DIR into the Linux program's filesystem
                   at PATH (repeatable; :ro makes it read-only; changes stay in the lab)
  -- ARGS...       arguments for the Linux program (argv[1]...)

Several guests (full and pv): one VM per file, all on one host, scheduled round robin.
  --pcpus N        physical CPUs of the host, 1 to 4 (default 1)
  --slice CYCLES   scheduler time slice (default 200000)
Each guest's console lines are printed behind its name ("hello | ..."); with --json, one
object with the host's utilization and, per VM, its console, exits by cause, guest and
VMM cycles and overhead. Standard input goes to a single guest only.

A Linux program's fd 1 goes to standard
output and fd 2 to standard error. Exit status: the program's own; 128+N when
killed by signal N; ${EXIT_BUDGET} when stopped by --max-instructions; ${EXIT_FAULT} when the machine
faulted or waits forever; 1 for unreadable input; 2 for usage errors. With several
guests: 0 when all exit 0, else the first failing guest's status.
`;

const MODES: RunMode[] = ['bare', 'full', 'pv', 'hw', 'linux'];
/** A budget past this (days of host time) is a typo, not a plan. */
const MAX_INSTRUCTIONS = 1e15;

export function runCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('run', argv, {
    values: ['--mode', '--max-instructions', '--ram', '--pmp', '--pcpus', '--slice', '--disk', '--input', '--cpu'], booleans: ['--json'], lists: ['--env', '--volume'],
  });
  if (args.flags.has('--help')) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const files = args.positional;
  if (files.length === 0) throw new CliError('run: expected a program file (see trapdoor run --help)', EXIT_USAGE);
  const shipped = files.length === 1 ? shippedProgram(files[0]!) : undefined;
  const mode = (args.flags.get('--mode') ?? shipped?.mode ?? 'bare') as RunMode;
  if (!MODES.includes(mode)) throw new CliError(`run: unknown mode '${mode}' (expected bare, full, pv, hw or linux)`, EXIT_USAGE);
  const max = args.flags.get('--max-instructions');
  const maxInstructions = typeof max === 'string' ? integerOption('run', '--max-instructions', max, MAX_INSTRUCTIONS) : undefined;
  const json = args.flags.has('--json');
  const ramSize = ramOption(args.flags.get('--ram'), mode);
  const pmpEntries = pmpOption(args.flags.get('--pmp'), mode);
  // Every CPU this command creates (machine, VMs, the kernel's) uses the chosen kind.
  const cpu = cpuOption(args.flags.get('--cpu'));
  const hostOptions = args.flags.has('--pcpus') || args.flags.has('--slice');
  if (files.length > 1 || hostOptions) {
    if (mode !== 'full' && mode !== 'pv' && mode !== 'hw') {
      const what = files.length > 1 ? `unexpected argument '${files[1]}' (several guests need --mode full, pv or hw; program arguments go after --)` : '--pcpus and --slice need --mode full, pv or hw';
      throw new CliError(`run: ${what}`, EXIT_USAGE);
    }
    const host = { pcpus: pcpusOption(args.flags.get('--pcpus')), slice: sliceOption(args.flags.get('--slice')) };
    const guests = files.map((file) => ({ file, image: loadProgram(file, undefined, (line) => io.stderr.write(line + '\n')) }));
    return withCpuKind(cpu, () => runGuests(guests, { mode, ramSize, maxInstructions, json, ...host }, io));
  }
  const file = files[0]!;

  const image = shipped?.image ?? loadProgram(file, mode === 'linux' ? LINUX_TEXT_BASE : undefined, (line) => io.stderr.write(line + '\n'));
  const disk = diskOption(args.flags.get('--disk'), mode) ?? (mode !== 'linux' ? shipped?.disk : undefined);
  const input = args.flags.get('--input');
  const typed = typeof input === 'string' ? readInputFile(input) : io.readStdin();
  let result: RunResult;
  const guestOut = lineBuffered(io);
  try {
    result = runProgram({
      image, mode, maxInstructions, ramSize, pmpEntries, cpu, disk, input: typed,
      onConsole: json ? undefined : guestOut.write,
      onError: json ? undefined : (bytes) => {
        guestOut.flush();
        io.stderr.write(bytes.slice());
      },
      argv: [file, ...args.rest],
      envp: environment(args.lists.get('--env')),
      volumes: volumes(args.lists.get('--volume'), mode),
    });
  } catch (e) {
    if (e instanceof LoadError || (e instanceof Error && e.name === 'LoadError')) {
      const hint = mode !== 'linux' && image.entry < 0x80000000 ? ' (a Linux program? try --mode linux)' : '';
      throw new CliError(`${file}: ${e.message}${hint}`, EXIT_ERROR);
    }
    if (e instanceof KernelError) throw new CliError(`${file}: ${e.message}`, EXIT_ERROR);
    throw e;
  } finally {
    guestOut.flush();
  }
  if (json) io.stdout.write(JSON.stringify(result) + '\n');
  return report(result, io);
}

/**
 * Guest console bytes to stdout as produced, a line at a time: a UART delivers one byte
 * per store, and one write(2) per byte would dominate the run.
 */
function lineBuffered(io: CliIo): { write: (bytes: Uint8Array) => void; flush: () => void } {
  let chunks: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (size === 0) return;
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    chunks = [];
    size = 0;
    io.stdout.write(all);
  };
  const write = (bytes: Uint8Array): void => {
    chunks.push(bytes.slice());
    size += bytes.length;
    if (size >= 4096 || bytes.includes(10)) flush();
  };
  return { write, flush };
}

/** --cpu jit|interp: the translator or the interpreter (absent: the default, the translator). */
function cpuOption(value: string | true | undefined): CpuKind | undefined {
  if (value === undefined) return undefined;
  if (isCpuKind(value)) return value;
  throw new CliError(`run: unknown --cpu '${String(value)}' (expected jit or interp)`, EXIT_USAGE);
}

/** --ram 64m: bytes of guest RAM, a whole number of 4 KiB pages, at most the 2 GiB above 0x80000000. */
function ramOption(value: string | true | undefined, mode: RunMode): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (mode === 'linux') throw new CliError('run: --ram is for bare, full, pv and hw (a Linux process has the kernel\'s memory)', EXIT_USAGE);
  const m = /^(\d+)([kmg]?)i?b?$/i.exec(value.trim());
  const bytes = m ? Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 65536 || bytes > 0x80000000 || bytes % 4096 !== 0) {
    throw new CliError(`run: --ram needs a size from 64k to 2g in whole 4k pages, got '${value}'`, EXIT_USAGE);
  }
  return bytes;
}

/** --disk IMG: the raw image behind the virtio block device (the file itself is never written). */
function diskOption(value: string | true | undefined, mode: RunMode): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  if (mode === 'linux') throw new CliError('run: --disk is for bare, full, pv and hw (a Linux process has the kernel\'s files)', EXIT_USAGE);
  const bytes = readInputFile(value);
  if (bytes.length === 0 || bytes.length % 512 !== 0) {
    throw new CliError(`${value}: a disk image is a whole number of 512-byte sectors, this is ${bytes.length} bytes`, EXIT_ERROR);
  }
  return bytes;
}

/** --pmp N: PMP entries of the bare machine's hart. */
function pmpOption(value: string | true | undefined, mode: RunMode): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (mode !== 'bare') throw new CliError('run: --pmp is for --mode bare', EXIT_USAGE);
  const n = integerOption('run', '--pmp', value);
  if (n < 0 || n > 64) throw new CliError(`run: --pmp must be 0 to 64, got ${n}`, EXIT_USAGE);
  return n;
}

function pcpusOption(value: string | true | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = integerOption('run', '--pcpus', value, 4);
  if (n < 1 || n > 4) throw new CliError(`run: --pcpus must be 1 to 4, got ${n}`, EXIT_USAGE);
  return n;
}

function sliceOption(value: string | true | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = integerOption('run', '--slice', value, 1e9);
  if (n < 1000) throw new CliError(`run: --slice must be at least 1000 cycles, got ${n}`, EXIT_USAGE);
  return n;
}

/** --volume DIR:PATH[:ro] (repeatable): real directories for the Linux program's filesystem. */
function volumes(flags: string[] | undefined, mode: RunMode): VolumeSpec[] | undefined {
  if (!flags) return undefined;
  if (mode !== 'linux') throw new CliError('run: --volume is for --mode linux (a process of the host kernel)', EXIT_USAGE);
  return flags.map((flag) => {
    let parsed;
    try {
      parsed = parseVolumeFlag(flag);
    } catch (e) {
      throw new CliError(`run: --volume: ${(e as Error).message}`, EXIT_USAGE);
    }
    try {
      return { source: hostDirectory(parsed.host), target: parsed.target, readOnly: parsed.readOnly };
    } catch (e) {
      throw new CliError(`run: --volume: ${(e as Error).message}`, EXIT_ERROR);
    }
  });
}

/** --env NAME=VALUE (repeatable) replaces the default environment, as env -i does. */
function environment(vars: string[] | undefined): string[] | undefined {
  for (const v of vars ?? []) {
    if (!/^[^=]+=/.test(v)) throw new CliError(`run: --env needs NAME=VALUE, got '${v}'`, EXIT_USAGE);
  }
  return vars;
}

/** The exit status for a result, with a line on stderr when the program did not exit. */
function report(r: RunResult, io: CliIo): number {
  // System calls the kernel does not implement are worth knowing about (as qemu -strace shows).
  for (const line of r.kernelLog ?? []) {
    if (line.includes('unknown system call')) io.stderr.write(`trapdoor: kernel: ${line.replace(/^\[[^\]]*\] /, '')}\n`);
  }
  if (r.end === 'exit' && r.exitCode !== null) return r.exitCode & 0xff;
  io.stderr.write(`trapdoor: ${r.message ?? r.end}\n`);
  if (r.signal) return 128 + r.signal;
  return r.end === 'budget' ? EXIT_BUDGET : EXIT_FAULT;
}
