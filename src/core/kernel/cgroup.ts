// Control groups (cgroup v2): a tree of groups, each with limits and usage that every
// process in it is charged against, and that every ancestor is charged too.
// memory.max / memory.current, pids.max / pids.current, cpu.max and cpu.weight.

import type { MemoryCharge } from './frame.ts';
import { PAGE_SIZE } from './frame.ts';

export class Cgroup implements MemoryCharge {
  readonly children = new Map<string, Cgroup>();
  /** Bytes; Infinity means "max". */
  memoryMax = Infinity;
  memoryCurrent = 0;
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
  /** memory.events oom_kill. */
  oomKills = 0;
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

  charge(pages: number): boolean {
    const bytes = pages * PAGE_SIZE;
    for (let g: Cgroup | null = this; g; g = g.parent) {
      if (g.memoryCurrent + bytes > g.memoryMax) return false;
    }
    for (let g: Cgroup | null = this; g; g = g.parent) g.memoryCurrent += bytes;
    return true;
  }

  uncharge(pages: number): void {
    for (let g: Cgroup | null = this; g; g = g.parent) g.memoryCurrent -= pages * PAGE_SIZE;
  }

  /** fork's pids check: false means EAGAIN. */
  chargePid(): boolean {
    for (let g: Cgroup | null = this; g; g = g.parent) if (g.pidsCurrent + 1 > g.pidsMax) return false;
    for (let g: Cgroup | null = this; g; g = g.parent) g.pidsCurrent++;
    return true;
  }

  unchargePid(): void {
    for (let g: Cgroup | null = this; g; g = g.parent) g.pidsCurrent--;
  }

  chargeCpu(cycles: number): void {
    for (let g: Cgroup | null = this; g; g = g.parent) {
      g.cpuUsage += cycles;
      g.cpuUsedInPeriod += cycles;
    }
  }

  /** Has this group (or an ancestor) used its cpu.max quota for the period at `now`? */
  throttled(now: number): boolean {
    for (let g: Cgroup | null = this; g; g = g.parent) {
      if (g.cpuQuota === Infinity) continue;
      if (now - g.periodStart >= g.cpuPeriod) {
        g.periodStart = now - ((now - g.periodStart) % g.cpuPeriod);
        g.cpuUsedInPeriod = 0;
      }
      if (g.cpuUsedInPeriod >= g.cpuQuota) return true;
    }
    return false;
  }
}
