// How often a container's limits bit, read from its cgroup's v2 counters as `cat` would
// show them: pids.events "max" (forks refused), memory.events "max" (charges refused at
// memory.max) and "oom_kill", cpu.stat nr_throttled (periods its quota ran out in).

import type { Cgroup } from '../kernel/cgroup.ts';

export interface LimitEvents {
  pids: number;
  memory: number;
  cpu: number;
}

/** The limit counters of `g` (hierarchical, as its *.events files); all 0 for no group. */
export function limitEvents(g: Cgroup | undefined): LimitEvents & { oomKills: number } {
  if (!g) return { pids: 0, memory: 0, cpu: 0, oomKills: 0 };
  const oomKills = g.events['memory.oom_kill'];
  // An OOM kill is the memory limit biting too, even when its charge was refused higher up.
  return { pids: g.events['pids.max'], memory: Math.max(g.events['memory.max'], oomKills), cpu: g.nrThrottled, oomKills };
}
