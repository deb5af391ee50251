// How the CLI fails: one line on stderr and an exit status, never a stack trace.

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
