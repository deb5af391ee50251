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

// CliError and the exit statuses live in cli-error.ts (the bounded reader needs them too).
export { CliError, EXIT_BUDGET, EXIT_ERROR, EXIT_FAULT, EXIT_USAGE } from './cli-error.ts';
