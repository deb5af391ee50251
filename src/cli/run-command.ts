// `trapdoor run FILE [--mode bare|full|pv|linux] [--max-instructions N] [--json]`.
// Console bytes go to stdout as the guest produces them; the status is the program's.

import { integerOption, parseArgs } from './args.ts';
import { CliError, EXIT_BUDGET, EXIT_ERROR, EXIT_FAULT, EXIT_USAGE, type CliIo } from './io.ts';
import { LINUX_TEXT_BASE, loadProgram } from './load-program.ts';
import { runProgram, type ExtendedRunResult } from '../core/runner.ts';
import type { RunMode } from '../core/run-result.ts';
import { LoadError } from '../core/machine/machine.ts';
import { KernelError } from '../core/kernel/errno.ts';

export const RUN_HELP = `usage: trapdoor run FILE [--mode bare|full|pv|linux] [--max-instructions N] [--json]
                     [--env NAME=VALUE]... [-- ARGS...]

Runs a program: an ELF file, or assembly source (.s) assembled first
(at 0x80000000, or at 0x10000 for --mode linux).

  --mode bare      the bare machine, M-mode at the entry point (default); exit through
                   the power-off device or tohost
  --mode linux     a static RV32 Linux program as a process of the host kernel
  --mode full      a guest kernel under the trap-and-emulate hypervisor
  --mode pv        a paravirtualized guest kernel using hypercalls
  --max-instructions N   stop after N instructions
  --json           print one JSON object with the run's result at the end, instead of
                   the console bytes (they are in its "console" field)
  --env NAME=VALUE set the Linux program's whole environment (repeatable; default
                   PATH=/bin:/usr/bin HOME=/ TERM=xterm)
  -- ARGS...       arguments for the Linux program (argv[1]...)

Standard input is the guest's console input. Exit status: the program's own; 128+N when
killed by signal N; ${EXIT_BUDGET} when stopped by --max-instructions; ${EXIT_FAULT} when the machine
faulted or waits forever; 1 for unreadable input; 2 for usage errors.
`;

const MODES: RunMode[] = ['bare', 'full', 'pv', 'linux'];

export function runCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('run', argv, { values: ['--mode', '--max-instructions'], booleans: ['--json'], lists: ['--env'] });
  if (args.flags.has('--help')) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const [file, extra] = args.positional;
  if (!file) throw new CliError('run: expected a program file (see trapdoor run --help)', EXIT_USAGE);
  if (extra !== undefined) throw new CliError(`run: unexpected argument '${extra}' (program arguments go after --)`, EXIT_USAGE);
  const mode = (args.flags.get('--mode') ?? 'bare') as RunMode;
  if (!MODES.includes(mode)) throw new CliError(`run: unknown mode '${mode}' (expected bare, full, pv or linux)`, EXIT_USAGE);
  const max = args.flags.get('--max-instructions');
  const maxInstructions = typeof max === 'string' ? integerOption('run', '--max-instructions', max) : undefined;
  const json = args.flags.has('--json');

  const image = loadProgram(file, mode === 'linux' ? LINUX_TEXT_BASE : undefined, (line) => io.stderr.write(line + '\n'));
  let result: ExtendedRunResult;
  const guestOut = lineBuffered(io);
  try {
    result = runProgram({
      image, mode, maxInstructions, stdin: io.readStdin(),
      onConsole: json ? undefined : guestOut.write,
      argv: [file, ...args.rest],
      envp: environment(args.lists.get('--env')),
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

/** --env NAME=VALUE (repeatable) replaces the default environment, as env -i does. */
function environment(vars: string[] | undefined): string[] | undefined {
  for (const v of vars ?? []) {
    if (!/^[^=]+=/.test(v)) throw new CliError(`run: --env needs NAME=VALUE, got '${v}'`, EXIT_USAGE);
  }
  return vars;
}

/** The exit status for a result, with a line on stderr when the program did not exit. */
function report(r: ExtendedRunResult, io: CliIo): number {
  // System calls the kernel does not implement are worth knowing about (as qemu -strace shows).
  for (const line of r.kernelLog ?? []) {
    if (line.includes('unknown system call')) io.stderr.write(`trapdoor: kernel: ${line.replace(/^\[[^\]]*\] /, '')}\n`);
  }
  if (r.end === 'exit' && r.exitCode !== null) return r.exitCode & 0xff;
  io.stderr.write(`trapdoor: ${r.message ?? r.end}\n`);
  if (r.signal) return 128 + r.signal;
  return r.end === 'budget' ? EXIT_BUDGET : EXIT_FAULT;
}
