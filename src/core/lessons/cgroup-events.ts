// cgroup v2 counts how often a limit bit: pids.events "max" (a fork refused), memory.events
// "max" (a charge refused), cpu.stat nr_throttled (the group ran out of quota). The kernel
// keeps only oom_kill so far, so the lesson runner counts the others at the cgroup's door:
// it wraps the three checks of each container's cgroup as the runtime creates it.

import type { Cgroup } from '../kernel/cgroup.ts';

export interface LimitEvents {
  pids: number;
  memory: number;
  cpu: number;
}

/** Counts limit events of every cgroup created under `parent` from now on, by name. */
export function watchLimitEvents(parent: Cgroup): Map<string, LimitEvents> {
  const events = new Map<string, LimitEvents>();
  const child = parent.child.bind(parent);
  parent.child = (name: string): Cgroup => {
    const known = parent.children.has(name);
    const g = child(name);
    if (!known) events.set(name, countEvents(g));
    return g;
  };
  return events;
}

function countEvents(g: Cgroup): LimitEvents {
  const counts: LimitEvents = { pids: 0, memory: 0, cpu: 0 };
  const chargePid = g.chargePid.bind(g);
  const charge = g.charge.bind(g);
  const throttled = g.throttled.bind(g);
  g.chargePid = () => {
    const ok = chargePid();
    if (!ok) counts.pids++;
    return ok;
  };
  g.charge = (pages: number) => {
    const ok = charge(pages);
    if (!ok) counts.memory++;
    return ok;
  };
  let throttledSince = -1;
  g.throttled = (now: number) => {
    const t = throttled(now);
    // One event per period it is throttled in, however often the scheduler asks.
    if (t && throttledSince !== g.periodStart) { counts.cpu++; throttledSince = g.periodStart; }
    return t;
  };
  return counts;
}
