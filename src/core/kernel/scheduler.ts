// Preemptive scheduling in virtual time. A process runs until its quantum expires, it
// blocks (sleep on a channel, xv6 style), it sleeps until a time, or it exits. Between
// cgroups the choice is weighted and hierarchical as in Linux CFS group scheduling: at
// every level of the cgroup tree, the entities under one group — its child groups, and
// its own processes taken together as one entity of weight 100 — accumulate vruntime =
// cycles * 100 / cpu.weight, and the one with the least goes next; so /docker's weight
// splits the CPU with the host first, then its containers split /docker's share. Within
// a group processes take turns (round-robin; Linux would weigh each task, we weigh them
// as one). A cgroup over its cpu.max quota is skipped until its next period. When
// nothing is runnable the clock skips to the next wakeup (see driver.ts for when).

import type { Cpu } from '../isa/cpu.ts';
import type { Trap } from '../isa/trap.ts';
import type { RestoreContext, SaveContext } from './checkpoint-context.ts';
import type { SchedulerState } from './checkpoint-state.ts';
import type { Cgroup } from './cgroup.ts';
import type { KernelCosts } from './cost.ts';
import type { Process } from './process.ts';
import type { SigInfo } from './signal.ts';
import { deliverSignals, type SignalKernel } from './signal-delivery.ts';

/**
 * Why Kernel.run returned. Not a Session's Stop: it speaks for every process at once —
 * nothing can run until the host acts, or before a given time, or nothing is left — and
 * ProcessSession turns it into the Stop of the one program it runs.
 */
export type KernelStop =
  | { kind: 'budget' }
  /** Nothing can run until the host acts (console input, a signal). */
  | { kind: 'blocked' }
  /** Nothing can run before virtual time `until` (run with skipIdle = false). */
  | { kind: 'idle'; until: number }
  | { kind: 'all-exited' };

/**
 * What run() does when every process sleeps: true skips virtual time to the next wake-up,
 * false returns 'idle', and 'when-host-waits' skips only while a host caller is blocked on
 * the kernel (see Scheduler.hostWaiting and driver.ts).
 */
export type IdlePolicy = boolean | 'when-host-waits';

/** What the scheduler needs of the kernel: the hart, its clock and its trap handling. */
export interface SchedulingKernel extends SignalKernel {
  readonly cpu: Cpu;
  readonly costs: KernelCosts;
  /** The console, as a channel readers sleep on. */
  readonly console: object;
  readonly eventCounts: Record<string, number>;
  readonly overheadByCause: Record<string, number>;
  instructions: number;
  readonly now: number;
  idleUntil(cycle: number): void;
  switchTo(p: Process): void;
  saveFrom(p: Process): void;
  handleTrap(p: Process, trap: Trap): void;
  signal(p: Process, sig: number, reason?: string, info?: SigInfo): void;
}

/** Stands for a last-run process that has exited (only its inequality matters). */
const GONE = {} as Process;

export class Scheduler {
  private queue: Process[] = [];
  private readonly sleepers = new Map<object, Set<Process>>();
  /** Timed sleepers, sorted by wake-up cycle; entries of dead processes are dropped lazily. */
  private timers: TimerEntry[] = [];
  private staleTimers = 0;
  private last: Process | null = null;
  /** Host-side waiters (the shell's port): retried when their channel is woken. */
  private readonly hostWaiters = new Map<object, Set<() => void>>();
  /** Host callers blocked in other ways (holdHost). */
  private hostHolds = 0;
  /** Host-side timers, sorted by cycle. */
  private hostTimers: { at: number; fire: () => void }[] = [];
  /** ITIMER_REAL alarms (SIGALRM at a virtual time), sorted; stale entries skipped. */
  private alarms: { p: Process; at: number }[] = [];

  constructor(private readonly k: SchedulingKernel, public quantum: number) {}

  makeRunnable(p: Process): void {
    p.state = 'runnable';
    p.channel = null;
    p.waitChannels = null;
    p.wakeAt = -1;
    this.enqueue(p);
  }

  private enqueue(p: Process): void {
    p.queued = true;
    this.queue.push(p);
    countQueued(p.cgroup, 1);
  }

  /** Sleeps until the channel is woken, or until virtual cycle `deadline` if one is given. */
  sleepOn(p: Process, channel: object, deadline?: number): void {
    p.state = 'sleeping';
    p.channel = channel;
    p.wakeAt = -1;
    let set = this.sleepers.get(channel);
    if (!set) this.sleepers.set(channel, (set = new Set()));
    set.add(p);
    if (deadline !== undefined) this.addTimer(p, deadline);
  }

  sleepUntil(p: Process, cycle: number): void {
    p.state = 'sleeping';
    p.channel = null;
    this.addTimer(p, cycle);
  }

  /** Wakes one sleeper, whatever channel it sleeps on (futex wake, a signal). */
  wakeOne(p: Process): void {
    if (p.state !== 'sleeping') return;
    for (const c of p.waitChannels ?? [p.channel]) if (c) this.sleepers.get(c)?.delete(p);
    this.makeRunnable(p);
  }

  /** A signal for a thread asleep in a system call: it wakes so the call can end. */
  interrupt(p: Process): void {
    if (p.state === 'sleeping' && p.sleepKind !== null) this.wakeOne(p);
  }

  /** FUTEX_REQUEUE: a sleeper changes channel without waking. */
  moveSleeper(p: Process, from: object, to: object): void {
    this.sleepers.get(from)?.delete(p);
    let set = this.sleepers.get(to);
    if (!set) this.sleepers.set(to, (set = new Set()));
    set.add(p);
    p.channel = to;
  }

  /** A stopped thread leaves the run queue (pick drops it) until resume. */
  stop(_p: Process): void {}

  resume(p: Process): void {
    if (p.state === 'runnable' && !p.queued) this.enqueue(p);
  }

  private addTimer(p: Process, cycle: number): void {
    p.wakeAt = cycle;
    // After every entry due at or before `cycle`: equal wake times keep their order.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timers[mid]!.at <= cycle) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, { p, at: cycle });
  }

  wakeup(channel: object): void {
    const waiters = this.hostWaiters.get(channel);
    if (waiters) {
      this.hostWaiters.delete(channel);
      for (const retry of waiters) retry();
    }
    const set = this.sleepers.get(channel);
    if (!set) return;
    this.sleepers.delete(channel);
    for (const p of set) {
      if (p.state === 'sleeping' && (p.channel === channel || p.waitChannels?.includes(channel))) this.wakeOne(p);
    }
  }

  /** poll: sleeps until any of the channels is woken (or the deadline passes). */
  sleepOnAny(p: Process, channels: object[], deadline?: number): void {
    this.sleepOn(p, channels[0]!, deadline);
    if (channels.length < 2) return;
    p.waitChannels = channels;
    for (const c of channels.slice(1)) {
      let set = this.sleepers.get(c);
      if (!set) this.sleepers.set(c, (set = new Set()));
      set.add(p);
    }
  }

  /** A host-side caller waits for a channel: `retry` runs at the next wakeup of it. */
  waitHost(channel: object, retry: () => void): void {
    let set = this.hostWaiters.get(channel);
    if (!set) this.hostWaiters.set(channel, (set = new Set()));
    set.add(retry);
  }

  /**
   * A host caller blocked on the kernel by other means than waitHost/timerHost (the
   * container runtime's waits): while held, idle time may skip. Call the result to release.
   */
  holdHost(): () => void {
    this.hostHolds++;
    let held = true;
    return () => {
      if (held) this.hostHolds--;
      held = false;
    };
  }

  /**
   * Is a host caller waiting for the kernel to make progress (a foreground job, a shell
   * `sleep`, `container stop`)? A host timer always counts; a wait for a process or a pipe
   * counts unless the system is waiting for the user (someone reads the console), since
   * skipping time then would fast-forward background sleepers while the user types.
   */
  hostWaiting(): boolean {
    if (this.hostTimers.length > 0) return true;
    if (this.hostHolds === 0 && this.hostWaiters.size === 0) return false;
    const console = this.k.console;
    return !this.hostWaiters.has(console) && !(this.sleepers.get(console)?.size);
  }

  /** setitimer(ITIMER_REAL): SIGALRM for p once virtual time reaches p.alarmAt. */
  armAlarm(p: Process): void {
    if (p.alarmAt <= 0) return;
    let i = this.alarms.length;
    while (i > 0 && this.alarms[i - 1]!.at > p.alarmAt) i--;
    this.alarms.splice(i, 0, { p, at: p.alarmAt });
  }

  private fireAlarms(now: number): void {
    while (this.alarms.length > 0 && this.alarms[0]!.at <= now) {
      const { p, at } = this.alarms.shift()!;
      if (p.alarmAt !== at || p.state === 'zombie') continue;
      p.alarmAt = p.alarmInterval > 0 ? at + p.alarmInterval : 0;
      this.armAlarm(p);
      this.k.signal(p, 14, '', { signo: 14, code: 0x80, pid: 0, uid: 0, status: 0, addr: 0 });
    }
  }

  /** A host-side timer: `fire` runs once virtual time reaches `cycle`. */
  timerHost(cycle: number, fire: () => void): void {
    let i = this.hostTimers.length;
    while (i > 0 && this.hostTimers[i - 1]!.at > cycle) i--;
    this.hostTimers.splice(i, 0, { at: cycle, fire });
  }

  /**
   * Forget a process that exited (it may be queued or asleep). O(1): its run-queue and
   * timer entries are dropped lazily (a zombie never runs again), so killing thousands
   * of processes stays linear.
   */
  remove(p: Process): void {
    if (p.queued) {
      p.queued = false;
      countQueued(p.cgroup, -1);
    }
    if (p.channel) this.sleepers.get(p.channel)?.delete(p);
    else if (p.state === 'sleeping' && ++this.staleTimers > 1024 && this.staleTimers * 2 > this.timers.length) {
      this.timers = this.timers.filter((t) => t.p !== p && live(t));
      this.staleTimers = 0;
    }
    if (this.last === p) this.last = null;
  }

  /** The run queue, sleepers, timers and fairness state; host waiters are the host's. */
  getState(ctx: SaveContext): SchedulerState {
    const sleepers: SchedulerState['sleepers'] = [];
    for (const [channel, set] of this.sleepers) {
      const ids = [...set].filter((p) => p.state === 'sleeping').map((p) => p.id);
      if (ids.length > 0) sleepers.push([ctx.channel(channel), ids]);
    }
    return {
      quantum: this.quantum,
      queue: this.queue.filter((p) => p.state === 'runnable').map((p) => p.id),
      sleepers,
      timers: this.timers.filter(live).map((t) => [t.p.id, t.at]),
      last: this.last && this.last.state !== 'zombie' ? this.last.id : this.last ? -1 : null,
    };
  }

  /** Checks and builds a saved state; the returned function installs it. */
  prepareState(ctx: RestoreContext, s: SchedulerState): () => void {
    const queue = s.queue.map((id) => ctx.process(id));
    const sleepers = new Map(s.sleepers.map(([c, ids]) => [ctx.channel(c), new Set(ids.map((id) => ctx.process(id)))] as [object, Set<Process>]));
    const timers = s.timers.map(([id, at]) => ({ p: ctx.process(id), at }));
    // A last process that has exited since is remembered only as "someone else".
    const last = s.last === null ? null : s.last === -1 ? GONE : ctx.process(s.last);
    return () => {
      this.quantum = s.quantum;
      this.queue = queue;
      for (const g of ctx.cgroups.values()) g.runnableOwn = g.runnableBelow = 0;
      for (const p of queue) {
        p.queued = true;
        countQueued(p.cgroup, 1);
      }
      this.sleepers.clear();
      for (const [c, set] of sleepers) this.sleepers.set(c, set);
      this.timers = timers;
      this.staleTimers = 0;
      this.last = last;
    };
  }

  get runnableCount(): number {
    let n = 0;
    for (const p of this.queue) if (p.state === 'runnable') n++;
    return n;
  }

  /** Drops timer entries of processes that died before their wake-up. */
  private purgeTimers(): void {
    while (this.timers.length > 0 && !live(this.timers[0]!)) {
      this.timers.shift();
      if (this.staleTimers > 0) this.staleTimers--;
    }
  }

  private wakeTimers(): void {
    const now = this.k.now;
    while (this.hostTimers.length > 0 && this.hostTimers[0]!.at <= now) this.hostTimers.shift()!.fire();
    this.fireAlarms(now);
    this.purgeTimers();
    while (this.timers.length > 0 && this.timers[0]!.at <= now) {
      const t = this.timers.shift()!;
      if (live(t)) {
        const p = t.p;
        // A wait with a timeout that ran out: a finished call reports the timeout.
        if (p.channel && p.sleepKind === 'complete') p.regs[10] = p.timeoutResult;
        this.wakeOne(p);
      }
      this.purgeTimers();
    }
  }

  /**
   * The first runnable process, in queue order, whose path of entities down the cgroup
   * tree has the least vruntime where it parts from the others; throttled groups wait.
   */
  private pick(): Process | null {
    const now = this.k.now;
    let bestIndex = -1;
    let best: EntityPath | null = null;
    for (let i = 0; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      if (p.state !== 'runnable' || p.stopped) {
        this.queue.splice(i--, 1);
        if (p.stopped && p.queued) {
          p.queued = false;
          countQueued(p.cgroup, -1);
        }
        continue;
      }
      if (p.cgroup.throttled(now)) continue;
      const path = entityPath(p.cgroup);
      if (best !== null && !ahead(path, best)) continue;
      best = path;
      bestIndex = i;
      if (path.unbeatable) break; // at every level, at the floor or alone
    }
    if (best === null) return null;
    // Each level's floor moves up to what was picked there.
    for (let i = 0; i < best.entities.length; i++) best.parents[i]!.floor = best.vruntimes[i]!;
    const p = this.queue.splice(bestIndex, 1)[0]!;
    p.queued = false;
    countQueued(p.cgroup, -1);
    return p;
  }

  /** When nothing can run: the earliest timer or cpu.max period that would change that. */
  private nextEvent(): number {
    this.purgeTimers();
    while (this.alarms.length > 0 && this.alarms[0]!.p.alarmAt !== this.alarms[0]!.at) this.alarms.shift();
    let t = Math.min(this.timers[0]?.at ?? Infinity, this.hostTimers[0]?.at ?? Infinity, this.alarms[0]?.at ?? Infinity);
    for (const p of this.queue) {
      if (p.state === 'runnable') t = Math.min(t, nextPeriod(p, this.k.now));
    }
    return t;
  }

  run(budget: number, skipIdle: IdlePolicy = true): KernelStop {
    const k = this.k;
    let remaining = Math.floor(budget);
    while (remaining > 0) {
      this.wakeTimers();
      const p = this.pick();
      if (!p) {
        const next = this.nextEvent();
        if (next === Infinity) return { kind: this.liveProcesses() ? 'blocked' : 'all-exited' };
        if (!skipIdle || (skipIdle === 'when-host-waits' && !this.hostWaiting())) return { kind: 'idle', until: next };
        k.idleUntil(next);
        continue;
      }
      const used = this.runSlice(p, Math.min(this.quantum, remaining));
      remaining -= used;
      chargeVruntime(p.cgroup, used);
      if (p.state === 'runnable') this.enqueue(p);
    }
    return { kind: 'budget' };
  }

  private liveProcesses(): boolean {
    for (const p of this.k.processes.values()) if (p.state !== 'zombie') return true;
    return false;
  }

  /**
   * Runs p on the hart for up to `slice` steps, handling its traps in between; a system
   * call does not end the slice, blocking or exiting does. Returns the steps used (>= 1).
   */
  private runSlice(p: Process, slice: number): number {
    const k = this.k;
    if (this.last !== p) {
      if (this.last) {
        k.cpu.charge(k.costs.contextSwitch);
        k.overheadByCause['context-switch'] = (k.overheadByCause['context-switch'] ?? 0) + k.costs.contextSwitch;
        k.eventCounts['context-switch'] = (k.eventCounts['context-switch'] ?? 0) + 1;
      }
      this.last = p;
    }
    let used = 0;
    while (used < slice && p.state === 'runnable' && !p.stopped) {
      if ((p.sigPending !== 0n || p.sleepKind !== null) && !deliverSignals(k, p)) break;
      k.switchTo(p);
      const cycles0 = k.cpu.clock.cycles;
      const instret0 = k.cpu.csr.instret;
      const stop = k.cpu.run(slice - used);
      const retired = k.cpu.csr.instret - instret0;
      k.saveFrom(p);
      p.instructions += retired;
      k.instructions += retired;
      p.cpuCycles += k.cpu.clock.cycles - cycles0;
      p.cgroup.chargeCpu(k.cpu.clock.cycles - cycles0);
      used += retired + (stop.kind === 'trap' ? 1 : 0);
      if (stop.kind === 'budget') break;
      if (stop.kind === 'trap') k.handleTrap(p, stop.trap);
      else if (stop.kind === 'fault') k.signal(p, 9, stop.message);
      else k.signal(p, 9, `unexpected stop: ${stop.kind}`);
      if (p.cgroup.throttled(k.now)) break;
    }
    return Math.max(1, used);
  }
}

/**
 * How a group's processes compete, from the root down: at level i the entity is a child
 * group of parents[i], or parents[i] itself standing for its own processes (the last level).
 */
interface EntityPath {
  entities: Cgroup[];
  parents: Cgroup[];
  vruntimes: number[];
  /** At every level the entity is at its parent's floor or the only one queued: nothing can be ahead. */
  unbeatable: boolean;
}

function entityPath(g: Cgroup): EntityPath {
  const groups: Cgroup[] = [];
  for (let c: Cgroup | null = g; c.parent; c = c.parent) groups.push(c);
  groups.reverse();
  const entities = [...groups, g];
  const parents = [...groups.map((c) => c.parent!), g];
  let unbeatable = true;
  const vruntimes = entities.map((e, i) => {
    const parent = parents[i]!;
    const own = e === parent;
    // A group returning from idle starts at its parent's floor, not far behind.
    if (own && e.tasksVruntime < parent.floor) e.tasksVruntime = parent.floor;
    if (!own && e.vruntime < parent.floor) e.vruntime = parent.floor;
    const v = own ? e.tasksVruntime : e.vruntime;
    const alone = own ? parent.runnableOwn === parent.runnableBelow : e.runnableBelow === parent.runnableBelow;
    if (v > parent.floor && !alone) unbeatable = false;
    return v;
  });
  return { entities, parents, vruntimes, unbeatable };
}

/** Is `a` strictly ahead (less vruntime) of `b` where their paths part? */
function ahead(a: EntityPath, b: EntityPath): boolean {
  const n = Math.min(a.entities.length, b.entities.length);
  for (let i = 0; i < n; i++) {
    if (a.entities[i] !== b.entities[i]) return a.vruntimes[i]! < b.vruntimes[i]!;
  }
  return false;
}

/** Keeps the queued counts of a group and its ancestors. */
function countQueued(g: Cgroup, delta: number): void {
  g.runnableOwn += delta;
  for (let c: Cgroup | null = g; c; c = c.parent) c.runnableBelow += delta;
}

/** Charges `used` cycles along the path: the group's processes, then each group upwards. */
function chargeVruntime(g: Cgroup, used: number): void {
  g.tasksVruntime += used;
  for (let c: Cgroup | null = g; c.parent; c = c.parent) c.vruntime += (used * 100) / c.cpuWeight;
}

interface TimerEntry {
  p: Process;
  at: number;
}

/** Still the process's current timed sleep (not dead, not re-slept elsewhere). */
function live(t: TimerEntry): boolean {
  return t.p.state === 'sleeping' && t.p.wakeAt === t.at;
}

function nextPeriod(p: Process, now: number): number {
  let t = Infinity;
  for (let g: Process['cgroup'] | null = p.cgroup; g; g = g.parent) {
    if (g.cpuQuota !== Infinity) t = Math.min(t, g.periodStart + g.cpuPeriod);
  }
  return Math.max(t, now + 1);
}
