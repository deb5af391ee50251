// Linux signal numbers (asm-generic/signal.h) with the names `kill -l` prints and the
// words a shell reports when a foreground job dies of one.

const SIGNALS: [number, string, string][] = [
  [1, 'HUP', 'Hangup'], [2, 'INT', 'Interrupt'], [3, 'QUIT', 'Quit'], [4, 'ILL', 'Illegal instruction'],
  [5, 'TRAP', 'Trace/breakpoint trap'], [6, 'ABRT', 'Aborted'], [7, 'BUS', 'Bus error'],
  [8, 'FPE', 'Floating point exception'], [9, 'KILL', 'Killed'], [10, 'USR1', 'User defined signal 1'],
  [11, 'SEGV', 'Segmentation fault'], [12, 'USR2', 'User defined signal 2'], [13, 'PIPE', 'Broken pipe'],
  [14, 'ALRM', 'Alarm clock'], [15, 'TERM', 'Terminated'], [17, 'CHLD', 'Child exited'],
  [18, 'CONT', 'Continued'], [19, 'STOP', 'Stopped (signal)'], [20, 'TSTP', 'Stopped'],
];

export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGTERM = 15;

/** 9, "9", "KILL", "SIGKILL", "kill" -> 9; undefined when unknown. */
export function signalNumber(spec: string): number | undefined {
  if (/^[0-9]+$/.test(spec)) {
    const n = Number(spec);
    return SIGNALS.some(([num]) => num === n) ? n : undefined;
  }
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS.find(([, n]) => n === name)?.[0];
}

export function signalName(signal: number): string {
  return SIGNALS.find(([n]) => n === signal)?.[1] ?? String(signal);
}

/** What bash prints when a foreground job is killed by this signal. */
export function signalDescription(signal: number): string {
  return SIGNALS.find(([n]) => n === signal)?.[2] ?? `Unknown signal ${signal}`;
}

export function signalList(): string {
  return SIGNALS.map(([n, name]) => `${String(n).padStart(2)}) SIG${name}`).join('\n');
}
