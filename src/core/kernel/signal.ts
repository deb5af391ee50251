// Signals as Linux numbers them on RISC-V (asm-generic/signal.h), what each does by
// default (signal(7): terminate, dump core, stop, continue, ignore), and the sets of them
// a process blocks and has pending — 64 bits, kept as bigint.

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGWINCH = 28;
export const SIGSYS = 31;
/** Highest signal number (_NSIG). */
export const NSIG = 64;

const NAMES: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap',
  6: 'Aborted', 7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1',
  11: 'Segmentation fault', 12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock',
  15: 'Terminated', 16: 'Stack fault', 17: 'Child exited', 18: 'Continued', 19: 'Stopped (signal)',
  20: 'Stopped', 21: 'Stopped (tty input)', 22: 'Stopped (tty output)', 23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded', 25: 'File size limit exceeded', 26: 'Virtual timer expired',
  27: 'Profiling timer expired', 28: 'Window changed', 29: 'I/O possible', 30: 'Power failure',
  31: 'Bad system call',
};

/** What a shell prints for a process killed by this signal (strsignal). */
export function signalDescription(sig: number): string {
  return NAMES[sig] ?? (sig >= 32 && sig <= NSIG ? `Real-time signal ${sig - 32}` : `Signal ${sig}`);
}

/** Signals that exist (1..64, and 0 to probe); kill with any other number fails with EINVAL. */
export function validSignal(sig: number): boolean {
  return sig >= 0 && sig <= NSIG;
}

export type DefaultAction = 'terminate' | 'core' | 'stop' | 'continue' | 'ignore';

/** signal(7)'s table of default dispositions. */
export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return 'ignore';
    case SIGCONT: return 'continue';
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return 'stop';
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS: return 'core';
    default: return 'terminate';
  }
}

/** Signals whose default action is to ignore (SIGCHLD, SIGURG, SIGWINCH). */
export function ignoredByDefault(sig: number): boolean {
  return defaultAction(sig) === 'ignore';
}

export const SIG_DFL = 0;
export const SIG_IGN = 1;

export const SA_NOCLDSTOP = 0x1;
export const SA_NOCLDWAIT = 0x2;
export const SA_SIGINFO = 0x4;
export const SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

/** struct sigaction as the kernel keeps it: a handler address (or SIG_DFL/SIG_IGN), flags, mask. */
export interface SigAction {
  handler: number;
  flags: number;
  mask: bigint;
}

/** The bit of a signal in a 64-bit set (signal n is bit n-1, as in sigset_t). */
export function sigbit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
export const ALL_SIGNALS = (1n << 64n) - 1n;

/** The lowest signal in a set, or 0 when it is empty (Linux delivers low numbers first). */
export function lowestSignal(set: bigint): number {
  if (set === 0n) return 0;
  let sig = 1;
  let s = set;
  while ((s & 0xffffffffn) === 0n) {
    s >>= 32n;
    sig += 32;
  }
  while ((s & 1n) === 0n) {
    s >>= 1n;
    sig++;
  }
  return sig;
}

const DEFAULT_ACTION: SigAction = Object.freeze({ handler: SIG_DFL, flags: 0, mask: 0n });

/**
 * The dispositions of one process's signals: shared by its threads (CLONE_SIGHAND), copied
 * by fork, reset by execve (caught signals go back to default; ignored stay ignored).
 * Every process that never called rt_sigaction shares DEFAULT (ten thousand idle
 * containers need no table each); actions are replaced, never changed in place, so a
 * copy may share them.
 */
export class SignalHandlers {
  static readonly DEFAULT = new SignalHandlers(true);
  actions: SigAction[];

  constructor(private readonly frozen = false) {
    this.actions = new Array<SigAction>(NSIG + 1).fill(DEFAULT_ACTION);
  }

  get(sig: number): SigAction {
    return this.actions[sig] ?? DEFAULT_ACTION;
  }

  /** This table if it may be changed, else a private copy to change (DEFAULT never is). */
  own(): SignalHandlers {
    return this.frozen ? this.copy(true) : this;
  }

  set(sig: number, action: SigAction): void {
    if (this.frozen) throw new Error('the default signal table is shared: own() it first');
    this.actions[sig] = action;
  }

  copy(force = false): SignalHandlers {
    if (this.frozen && !force) return this;
    const c = new SignalHandlers();
    c.actions = [...this.actions];
    return c;
  }

  /** execve: a handler address means nothing in the new program. */
  resetForExec(): SignalHandlers {
    if (this.frozen) return this;
    if (!this.actions.some((a) => a.handler === SIG_IGN)) return SignalHandlers.DEFAULT;
    const c = new SignalHandlers();
    c.actions = this.actions.map((a) => (a.handler === SIG_IGN ? { handler: SIG_IGN, flags: 0, mask: 0n } : DEFAULT_ACTION));
    return c;
  }

  /** Will this signal, if delivered now, simply be dropped? */
  ignores(sig: number): boolean {
    const a = this.get(sig);
    return a.handler === SIG_IGN || (a.handler === SIG_DFL && defaultAction(sig) === 'ignore');
  }
}

/** What a signal carries to its handler (siginfo_t's fields that Linux fills). */
export interface SigInfo {
  signo: number;
  code: number;
  /** Sender's pid and uid (kill), the child's (SIGCHLD). */
  pid: number;
  uid: number;
  /** SIGCHLD: exit code or signal; faults: the address. */
  status: number;
  addr: number;
}

export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_TKILL = -6;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;

export function userInfo(sig: number, pid = 0, uid = 0, code = SI_USER): SigInfo {
  return { signo: sig, code, pid, uid, status: 0, addr: 0 };
}
