// Control groups (cgroup v2): a tree of groups, each with limits and usage that every
// process in it is charged against, and that every ancestor is charged too.
// memory.max / memory.current, pids.max / pids.current, cpu.max and cpu.weight, and the
// counters of how often each limit bit: pids.events, memory.events (cgroup-events.ts) and
// cpu.stat's bandwidth figures.

import { CGROUP_EVENTS, noEvents, type CgroupEvent, type EventCounts } from './cgroup-events.ts';
import type { MemoryCharge } from './frame.ts';
import { PAGE_SIZE } from './frame.ts';

const NO_EVENTS: Readonly<EventCounts> = Object.freeze(noEvents());

export class Cgroup implements MemoryCharge {
  readonly children = new Map<string, Cgroup>();
  /** Bytes; Infinity means "max". */
  memoryMax = Infinity;
  memoryCurrent = 0;
  /** memory.peak: the most memory.current has been (cgroup v2, Linux 5.19). */
  memoryPeak = 0;
  pidsMax = Infinity;
  pidsCurrent = 0;
  /** cpu.max: quota cycles per period cycles; Infinity quota means "max". */
  cpuQuota = Infinity;
  cpuPeriod = 10_000_000;
  cpuWeight = 100;
  /** Cycles its processes ran (cpu.stat usage). */
  cpuUsage = 0;
  /** Cycles used in the current cpu.max period. */
  cpuUsedInPeriod = 0;
  periodStart = 0;
  /** Event counters, made at the first event: an idle container's group costs no memory for them. */
  private counts: { events: EventCounts; local: EventCounts } | null = null;
  /** cpu.stat nr_periods: cpu.max periods in which the group ran or was throttled. */
  nrPeriods = 0;
  /** cpu.stat nr_throttled: periods in which it used its whole quota and had to wait. */
  nrThrottled = 0;
  /** cpu.stat throttled_usec, in cycles: from running out of quota to the period's end. */
  throttledCycles = 0;
  /** When the group ran out of quota in the current period, or -1. */
  throttledAt = -1;
  /** Weighted CPU time as an entity in its parent (CFS vruntime): cycles * 100 / cpu.weight. */
  vruntime = 0;
  /** The same for this group's own processes, which compete with its child groups as one entity of weight 100. */
  tasksVruntime = 0;
  /** The least vruntime picked among this group's entities: one returning from idle starts here. */
  floor = 0;
  /** Queued processes in this group itself, and in it and its descendants (the scheduler's). */
  runnableOwn = 0;
  runnableBelow = 0;

  constructor(readonly name: string, readonly parent: Cgroup | null) {}

  child(name: string): Cgroup {
    let c = this.children.get(name);
    if (!c) {
      c = new Cgroup(name, this);
      this.children.set(name, c);
    }
    return c;
  }

  path(): string {
    return this.parent ? `${this.parent.path().replace(/\/$/, '')}/${this.name}` : '/';
  }

  /** pids.events and memory.events: this group and those below it (see cgroup-events.ts). */
  get events(): Readonly<EventCounts> {
    return this.counts?.events ?? NO_EVENTS;
  }

  /** pids.events.local and memory.events.local: this group only. */
  get eventsLocal(): Readonly<EventCounts> {
    return this.counts?.local ?? NO_EVENTS;
  }

  /** Counts `event` on this group (local and hierarchical) and on every ancestor (hierarchical). */
  record(event: CgroupEvent): void {
    this.ownCounts().local[event]++;
    for (let g: Cgroup | null = this; g; g = g.parent) g.ownCounts().events[event]++;
  }

  /** Replaces the counters (a restored checkpoint). */
  setEvents(events: EventCounts, local: EventCounts): void {
    const none = CGROUP_EVENTS.every((e) => events[e] === 0 && local[e] === 0);
    this.counts = none ? null : { events: { ...events }, local: { ...local } };
  }

  private ownCounts(): { events: EventCounts; local: EventCounts } {
    return (this.counts ??= { events: noEvents(), local: noEvents() });
  }

  /** The OOM killer chose a process of this group (memory.events oom_kill). */
  recordOomKill(): void {
    this.record('memory.oom_kill');
  }

  charge(pages: number): boolean {
    const bytes = pages * PAGE_SIZE;
    for (let g: Cgroup | null = this; g; g = g.parent) {
      if (g.memoryCurrent + bytes > g.memoryMax) {
        // No reclaim in this model: hitting memory.max is at once an OOM.
        g.record('memory.max');
        g.record('memory.oom');
        return false;
      }
    }
    for (let g: Cgroup | null = this; g; g = g.parent) {
      g.memoryCurrent += bytes;
      if (g.memoryCurrent > g.memoryPeak) g.memoryPeak = g.memoryCurrent;
    }
    return true;
  }

  uncharge(pages: number): void {
    for (let g: Cgroup | null = this; g; g = g.parent) g.memoryCurrent -= pages * PAGE_SIZE;
  }

  /** fork's pids check: false means EAGAIN. */
  chargePid(): boolean {
    for (let g: Cgroup | null = this; g; g = g.parent) {
      if (g.pidsCurrent + 1 > g.pidsMax) {
        g.record('pids.max');
        return false;
      }
    }
    for (let g: Cgroup | null = this; g; g = g.parent) g.pidsCurrent++;
    return true;
  }

  unchargePid(): void {
    for (let g: Cgroup | null = this; g; g = g.parent) g.pidsCurrent = Math.max(0, g.pidsCurrent - 1);
  }

  chargeCpu(cycles: number): void {
    for (let g: Cgroup | null = this; g; g = g.parent) {
      g.cpuUsage += cycles;
      g.cpuUsedInPeriod += cycles;
    }
  }

  /**
   * Has this group (or an ancestor) used its cpu.max quota for the period at `now`? The
   * scheduler asks when a process of the group wants (or just had) the CPU, so a yes is a
   * throttle: counted once per period on the group whose quota ran out, as Linux's CFS
   * bandwidth controller counts nr_throttled. Every ancestor's period is brought up to date.
   */
  throttled(now: number): boolean {
    let throttled = false;
    for (let g: Cgroup | null = this; g; g = g.parent) {
      if (g.cpuQuota === Infinity) continue;
      g.refreshPeriod(now);
      if (g.cpuUsedInPeriod < g.cpuQuota) continue;
      throttled = true;
      if (g.throttledAt < 0) {
        g.throttledAt = now;
        g.nrThrottled++;
      }
    }
    return throttled;
  }

  /** Starts the period `now` falls in, if the current one is over; its figures go to cpu.stat. */
  private refreshPeriod(now: number): void {
    const elapsed = now - this.periodStart;
    if (elapsed < this.cpuPeriod) return;
    const end = this.periodStart + this.cpuPeriod;
    // Linux's period timer stops while a group is idle: idle periods do not count.
    if (this.cpuUsedInPeriod > 0 || this.throttledAt >= 0) this.nrPeriods++;
    if (this.throttledAt >= 0) this.throttledCycles += Math.max(0, end - this.throttledAt);
    this.throttledAt = -1;
    this.periodStart = now - (elapsed % this.cpuPeriod);
    this.cpuUsedInPeriod = 0;
  }
}
