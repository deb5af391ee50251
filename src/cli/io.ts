// The CLI's streams, injectable so tests call main() without spawning a process.
// Standard output carries only guest console bytes (and --json); everything else goes
// to standard error.

import { readBounded, STDIN_CAP } from './bounded-read.ts';

export interface CliIo {
  stdout: { write(chunk: Uint8Array | string): unknown };
  /** Messages (strings), and a Linux program's fd 2 (bytes, as produced). */
  stderr: { write(chunk: Uint8Array | string): unknown };
  /** All of standard input when it is a file or pipe; empty for a terminal. */
  readStdin(): Uint8Array;
}

let pipeWatched = false;

export function processIo(): CliIo {
  // A reader that went away (`trapdoor run ... | head`): end as a program killed by SIGPIPE
  // would, not with a stack trace.
  if (!pipeWatched) {
    pipeWatched = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(128 + 13);
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => (process.stdin.isTTY ? new Uint8Array(0) : readBounded(0, STDIN_CAP, 'standard input')),
  };
}

/** A failure to report as one line on stderr with this exit status (no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

/** Exit statuses of trapdoor itself (a program's own status passes through unchanged). */
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
/** Stopped by --max-instructions (as timeout(1) does). */
export const EXIT_BUDGET = 124;
/** The machine faulted, waited forever, or the mode is not available. */
export const EXIT_FAULT = 125;
