// The declarative checks a lesson step is graded by. Lesson files only ever hold data:
// the engine interprets these records, nothing from a lesson is executed.

/** Fields every check carries: which run it reads and what the student is told. */
export interface CheckBase {
  /** Name of the run this check reads (see Lesson.runs); "main" when omitted. */
  run?: string;
  /** On a run of several guests (machine.vms): the guest this check reads. */
  vm?: string;
  /** Shown when the check passes. */
  pass: string;
  /** Shown when the check fails (the engine appends what it actually saw). */
  fail: string;
}

/** A numeric bound: any combination of min / max, or an exact value. */
export interface Bound {
  min?: number;
  max?: number;
  equals?: number;
}

/** Console text: exactly one of contains / equals / matches / notContains. */
export interface ConsoleCheck extends CheckBase {
  kind: 'console';
  contains?: string;
  notContains?: string;
  equals?: string;
  /** A regular expression, accepted only if it passes the safe-regex rules. */
  matches?: string;
  /** Regex flags from "ims". */
  flags?: string;
}

export interface ExitCodeCheck extends CheckBase {
  kind: 'exitCode';
  equals: number;
}

export interface RegisterCheck extends CheckBase {
  kind: 'register';
  /** ABI name (a0, sp...) or xN. */
  register: string;
  /** Compared as unsigned 32-bit; negative numbers are taken as two's complement. */
  equals: number;
}

export interface MemoryCheck extends CheckBase {
  kind: 'memory';
  /** An address, or a symbol of the learner's program. */
  address: number | string;
  /** Width of the little-endian value compared with `equals` (bytes). */
  size?: 1 | 2 | 4;
  equals?: number;
  /** Alternatively: the bytes at the address spell this latin1 text. */
  text?: string;
}

/** Hypervisor exits (or kernel traps) by cause, "trap golf" included. */
export interface ExitsCheck extends CheckBase, Bound {
  kind: 'exits';
  /** A cause name; a trailing "*" matches a prefix ("mmio-*"). Omitted: all exits. */
  cause?: string;
}

/** Any figure of one run against a bound. */
export interface MetricCheck extends CheckBase, Bound {
  kind: 'metric';
  metric: MetricName;
  /** For metric "exits" and "overheadByCause": the cause (a trailing "*" is a prefix). */
  cause?: string;
  /** For metric "shellNumber" (see MetricRef). */
  command?: string;
  number?: string;
}

/** Figures every run has (read from its RunResult). */
export type ResultMetricName =
  | 'exits'
  | 'instructions'
  | 'cycles'
  | 'guestCycles'
  | 'overheadCycles'
  | 'overheadPercent'
  | 'idleCycles'
  | 'overheadByCause'
  | 'guestMemoryKiB'
  | 'vmmTableKiB';

/** Figures only some runs have: several guests on a host (hostCycles, utilization,
 *  vmSwitches; per guest cpuTime, finishedAt, slices), a snapshot (snapshotBytes,
 *  snapshotPages), the container host (containers, hostMemoryKiB, sharedMemoryKiB). */
export type ScenarioMetricName =
  | 'hostCycles'
  | 'utilization'
  | 'vmSwitches'
  | 'cpuTime'
  | 'finishedAt'
  | 'slices'
  | 'snapshotBytes'
  | 'snapshotPages'
  | 'containers'
  | 'hostMemoryKiB'
  | 'hostMemoryMiB'
  | 'sharedMemoryKiB'
  | 'shellNumber';

export type MetricName = ResultMetricName | ScenarioMetricName;

export const RESULT_METRICS: readonly ResultMetricName[] = [
  'exits', 'instructions', 'cycles', 'guestCycles', 'overheadCycles', 'overheadPercent', 'idleCycles', 'overheadByCause',
  'guestMemoryKiB', 'vmmTableKiB',
];

export const SCENARIO_METRICS: readonly ScenarioMetricName[] = [
  'hostCycles', 'utilization', 'vmSwitches', 'cpuTime', 'finishedAt', 'slices', 'snapshotBytes', 'snapshotPages',
  'containers', 'hostMemoryKiB', 'hostMemoryMiB', 'sharedMemoryKiB', 'shellNumber',
];

/** One side of a comparison: a metric of a named run (of one guest, on a host run). */
export interface MetricRef {
  run: string;
  metric: MetricName;
  cause?: string;
  vm?: string;
  /** For metric "shellNumber": the shell command (containers mode) whose output holds
   *  the number (omitted: the run's console), and a safe regex whose first group
   *  captures it ("saving \\$([0-9,.]+)"). */
  command?: string;
  number?: string;
}

export type CompareOp = '<' | '<=' | '==' | '>=' | '>';

/** left OP right * factor, e.g. ported exits <= original exits * 0.1. */
export interface CompareCheck extends Omit<CheckBase, 'run'> {
  kind: 'compare';
  left: MetricRef;
  op: CompareOp;
  right: MetricRef;
  factor?: number;
}

/** One event pattern of a trace assertion. */
export interface EventPattern {
  /** Cause name; a trailing "*" matches a prefix. */
  cause: string;
  /** Optional safe regex the event's action text must match. */
  action?: string;
}

/**
 * Ordered assertions over the exit log. `sequence`: the events occur in this order (each
 * after the previous match). `order`: the FIRST occurrence of each pattern happens in this
 * order ("an mret before the first UART write").
 */
export interface TraceCheck extends CheckBase {
  kind: 'trace';
  sequence?: EventPattern[];
  order?: EventPattern[];
}

/** How many containers exist (running unless `state` says otherwise). */
export interface ContainersCheck extends CheckBase, Bound {
  kind: 'containers';
  state?: 'running' | 'stopped' | 'any';
}

export interface HostnameCheck extends CheckBase {
  kind: 'hostname';
  container: string;
  equals: string;
}

export type LimitResource = 'pids' | 'memory' | 'cpu';

/** A cgroup limit was reached (fork bomb stopped, memory hog capped, spinner throttled). */
export interface LimitHitCheck extends CheckBase {
  kind: 'limitHit';
  resource: LimitResource;
  /** Only this container; any when omitted. */
  container?: string;
}

export interface OomKillCheck extends CheckBase, Bound {
  kind: 'oomKill';
  container?: string;
}

/** A shell command, run after the learner's script, prints what is expected. */
export interface ShellCheck extends CheckBase {
  kind: 'shell';
  command: string;
  contains?: string;
  equals?: string;
  matches?: string;
  flags?: string;
  /** Expected exit status of the command. */
  status?: number;
}

export type Check =
  | ConsoleCheck
  | ExitCodeCheck
  | RegisterCheck
  | MemoryCheck
  | ExitsCheck
  | MetricCheck
  | CompareCheck
  | TraceCheck
  | ContainersCheck
  | HostnameCheck
  | LimitHitCheck
  | OomKillCheck
  | ShellCheck;

export type CheckKind = Check['kind'];

export const CHECK_KINDS: readonly CheckKind[] = [
  'console', 'exitCode', 'register', 'memory', 'exits', 'metric', 'compare', 'trace',
  'containers', 'hostname', 'limitHit', 'oomKill', 'shell',
];

/** Kinds graded on container/kernel state rather than on a RunResult. */
export const KERNEL_CHECK_KINDS: readonly CheckKind[] = [
  'containers', 'hostname', 'limitHit', 'oomKill', 'shell',
];

export type CheckStatus = 'pass' | 'fail' | 'unavailable';

/** What the student sees for one check. */
export interface CheckResult {
  /** Index of the check in its step. */
  index: number;
  kind: CheckKind;
  /** 'unavailable': the check could not be graded (e.g. needs the container runtime). */
  status: CheckStatus;
  /** The lesson's pass or fail message (or the reason it is unavailable). */
  message: string;
  /** What the engine observed, in words ("saw 17 exits; at most 5 allowed"). */
  detail: string;
}
