// The signals the kernel sends. Handlers are not modelled: every signal below terminates
// the process, and wait4 reports the number, as Linux does for an uncaught signal.

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGSEGV = 11;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;

const NAMES: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap',
  6: 'Aborted', 7: 'Bus error', 8: 'Floating point exception', 9: 'Killed',
  11: 'Segmentation fault', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
};

/** What a shell prints for a process killed by this signal (strsignal). */
export function signalDescription(sig: number): string {
  return NAMES[sig] ?? `Signal ${sig}`;
}

/** Signals that exist (1..64); kill with any other number fails with EINVAL. */
export function validSignal(sig: number): boolean {
  return sig >= 0 && sig <= 64;
}

/** Signals whose default action is to ignore (SIGCHLD, SIGURG, SIGWINCH). */
export function ignoredByDefault(sig: number): boolean {
  return sig === SIGCHLD || sig === 23 || sig === 28;
}
