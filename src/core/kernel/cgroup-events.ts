// cgroup v2 event counters: how often a limit bit. Each group keeps two sets, as Linux
// does (Documentation/admin-guide/cgroup-v2.rst, "pids.events", "memory.events"):
//   events       hierarchical: what happened in this group or any group below it
//                (pids.events, memory.events);
//   eventsLocal  only this group (pids.events.local, memory.events.local).
// An event is charged to the group whose limit refused (pids "max", memory "max" and
// "oom"), or whose process the OOM killer chose ("oom_kill"), then to every ancestor's
// hierarchical set. Unlike Linux, the root group counts too: it stands for the machine
// (its memory.max is the RAM, its pids.max is pid_max), so its files total every event.
// The model has no memory.low/memory.high and no reclaim: "low" and "high" stay 0, and
// every refused charge is at once "max" (usage hit memory.max) and "oom" (nothing could
// be reclaimed, the allocation fails).

export const CGROUP_EVENTS = [
  'pids.max', 'memory.low', 'memory.high', 'memory.max', 'memory.oom', 'memory.oom_kill',
] as const;

export type CgroupEvent = (typeof CGROUP_EVENTS)[number];
export type EventCounts = Record<CgroupEvent, number>;

export function noEvents(): EventCounts {
  return { 'pids.max': 0, 'memory.low': 0, 'memory.high': 0, 'memory.max': 0, 'memory.oom': 0, 'memory.oom_kill': 0 };
}

/** The flat-keyed text of one controller's events file ("max 3\n"), keys in Linux's order. */
export function eventsText(counts: EventCounts, controller: 'pids' | 'memory'): string {
  let text = '';
  for (const e of CGROUP_EVENTS) {
    if (e.startsWith(`${controller}.`)) text += `${e.slice(controller.length + 1)} ${counts[e]}\n`;
  }
  return text;
}

/** Saved counts checked: every event a non-negative integer; null when corrupt. */
export function parseEventCounts(saved: unknown): EventCounts | null {
  if (typeof saved !== 'object' || saved === null) return null;
  const s = saved as Record<string, unknown>;
  const counts = noEvents();
  for (const e of CGROUP_EVENTS) {
    const v = s[e];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return null;
    counts[e] = v;
  }
  return counts;
}
