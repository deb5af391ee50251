// /sys/fs/cgroup: the cgroup v2 interface files of one cgroup (and its children, as
// directories). The host's view is writable (echo 64M > memory.max); a container sees
// its own group read-only, as docker mounts it. The event files (pids.events,
// memory.events, their .local twins, cpu.stat) are described in cgroup-events.ts and
// cgroup.ts; cpu.stat is hierarchical for usage, the group's own cpu.max for the rest.

import { CORE_HZ } from '../isa/clock.ts';
import { utf8Decode, utf8Encode } from './bytes.ts';
import type { Cgroup } from './cgroup.ts';
import { eventsText } from './cgroup-events.ts';
import { EINVAL, KernelError } from './errno.ts';
import { Inode } from './fs/inode.ts';
import type { KernelServices } from './kernel-services.ts';
import type { PidNamespace } from './namespace.ts';

const CG_INO = 0x60000000;
const US = CORE_HZ / 1e6;

const limit = (v: number): string => (v === Infinity ? 'max' : String(v));

/** "max", or a byte count with an optional K/M/G suffix, as memory.max accepts. */
export function parseLimit(text: string): number {
  const t = text.trim();
  if (t === 'max') return Infinity;
  const m = /^(\d+)([KMG]?)$/i.exec(t);
  if (!m) throw new KernelError(EINVAL);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * scale;
}

interface CgroupFile {
  /** `viewer`: the pid namespace of the view (pids are shown as it numbers them). */
  read(g: Cgroup, k: KernelServices, viewer: PidNamespace): string;
  write?(g: Cgroup, text: string): void;
}

const FILES: Record<string, CgroupFile> = {
  'cpu.max': {
    read: (g) => `${g.cpuQuota === Infinity ? 'max' : Math.round(g.cpuQuota / US)} ${Math.round(g.cpuPeriod / US)}\n`,
    write: (g, t) => {
      const [quota, period] = t.trim().split(/\s+/);
      if (period !== undefined) g.cpuPeriod = parseLimit(period) * US;
      g.cpuQuota = quota === 'max' ? Infinity : parseLimit(quota ?? '') * US;
    },
  },
  'cpu.weight': {
    read: (g) => `${g.cpuWeight}\n`,
    write: (g, t) => {
      const w = parseLimit(t);
      if (!(w >= 1 && w <= 10000)) throw new KernelError(EINVAL);
      g.cpuWeight = w;
    },
  },
  'cpu.stat': { read: cpuStat },
  'memory.max': { read: (g) => `${limit(g.memoryMax)}\n`, write: (g, t) => { g.memoryMax = parseLimit(t); } },
  'memory.current': { read: (g) => `${g.memoryCurrent}\n` },
  'memory.peak': { read: (g) => `${g.memoryPeak}\n` },
  'memory.events': { read: (g) => eventsText(g.events, 'memory') },
  'memory.events.local': { read: (g) => eventsText(g.eventsLocal, 'memory') },
  'pids.max': { read: (g) => `${limit(g.pidsMax)}\n`, write: (g, t) => { g.pidsMax = parseLimit(t); } },
  'pids.current': { read: (g) => `${g.pidsCurrent}\n` },
  'pids.events': { read: (g) => eventsText(g.events, 'pids') },
  'pids.events.local': { read: (g) => eventsText(g.eventsLocal, 'pids') },
  // The group's processes (thread group leaders, zombies gone) by their pids in the
  // viewer's namespace, as Linux translates them for the reader; others are not shown.
  'cgroup.procs': {
    read: (g, k, viewer) => [...k.processes.values()]
      .filter((p) => p.cgroup === g && p.state !== 'zombie' && p.leader === p && viewer.pidOf(p) !== 0)
      .map((p) => `${viewer.pidOf(p)}\n`).join(''),
  },
};

/** cpu.stat: usage (this group and below), then the cpu.max bandwidth controller's figures. */
function cpuStat(g: Cgroup): string {
  const usec = (cycles: number): number => Math.round(cycles / US);
  return `usage_usec ${usec(g.cpuUsage)}\nnr_periods ${g.nrPeriods}\nnr_throttled ${g.nrThrottled}\n`
    + `throttled_usec ${usec(g.throttledCycles)}\n`;
}

/**
 * The directory for cgroup `g`; `writable` for the host's view. `parent` is its ".." (the
 * directory it is mounted in, or the parent group's); `viewer` the pid namespace whose
 * pids cgroup.procs shows (the host's when null).
 */
export function cgroupfs(
  k: KernelServices, g: Cgroup, writable: boolean, parent: Inode | null = null, viewer: PidNamespace | null = null,
): Inode {
  const view = viewer ?? k.initNs.pid;
  const dir = new Inode(CG_INO + (hash(g.path()) & 0xffff) * 32, 'dir', 0o555);
  dir.readOnly = !writable;
  dir.synthetic = { kind: 'cgroup', cgroup: g, writable, parent, viewer };
  dir.dynamicEntries = () => {
    const m = new Map<string, Inode>();
    if (parent) m.set('..', parent);
    let i = 1;
    for (const [name, spec] of Object.entries(FILES)) {
      const f = new Inode(dir.ino + i++, 'file', spec.write && writable ? 0o644 : 0o444);
      f.readOnly = !(spec.write && writable);
      f.dynamicContents = () => utf8Encode(spec.read(g, k, view));
      if (spec.write && writable) f.onWrite = (bytes) => spec.write!(g, utf8Decode(bytes));
      m.set(name, f);
    }
    if (writable) for (const [name, child] of g.children) m.set(name, cgroupfs(k, child, writable, dir, viewer));
    return m;
  };
  return dir;
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
