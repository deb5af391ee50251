// Placement: which host a VM goes on. Consolidation is bin packing — VMs (items with a CPU
// demand and a memory reservation) into identical servers (bins) — and first fit, with
// the items sorted largest first (first-fit decreasing), is the textbook heuristic: it
// never uses more than 11/9 OPT + 6/9 bins (Dósa 2007) and is what simple schedulers do.

export type PlacementPolicy = 'first-fit' | 'first-fit-decreasing';

export interface Demand {
  name: string;
  /** Physical CPUs' worth of work (0.25 = a quarter of one CPU), measured. */
  cpu: number;
  /** RAM reserved, bytes. */
  memBytes: number;
}

export interface Capacity {
  /** Physical CPUs usable by VMs (pcpus x the utilization one is willing to run at). */
  cpu: number;
  memBytes: number;
}

export interface Bin {
  cpu: number;
  memBytes: number;
  items: string[];
}

/** Packs the demands into as few identical servers as the policy finds. */
export function pack(demands: Demand[], capacity: Capacity, policy: PlacementPolicy): Bin[] {
  const order = policy === 'first-fit-decreasing' ? sortDecreasing(demands, capacity) : [...demands];
  const bins: Bin[] = [];
  for (const d of order) {
    if (d.memBytes > capacity.memBytes) throw new RangeError(`${d.name} needs ${d.memBytes} bytes of RAM; a server has ${capacity.memBytes}`);
    let bin = bins.find((b) => fits(b, d, capacity));
    if (!bin) {
      bin = { cpu: 0, memBytes: 0, items: [] };
      bins.push(bin);
    }
    bin.cpu += d.cpu;
    bin.memBytes += d.memBytes;
    bin.items.push(d.name);
  }
  return bins;
}

/** A bin takes an item when both resources fit; an item bigger than a bin gets one alone. */
function fits(bin: Bin, d: Demand, c: Capacity): boolean {
  if (bin.memBytes + d.memBytes > c.memBytes) return false;
  return bin.cpu + d.cpu <= c.cpu || bin.items.length === 0;
}

/** Largest first, by the larger of the two resources as a share of a server. */
function sortDecreasing(demands: Demand[], c: Capacity): Demand[] {
  const size = (d: Demand) => Math.max(d.cpu / c.cpu, d.memBytes / c.memBytes);
  return [...demands].sort((a, b) => size(b) - size(a) || (a.name < b.name ? -1 : 1));
}

/** The first of `hosts` with room for `memBytes` more, or undefined. */
export function firstFitHost<H extends { name: string; failed: boolean; freeRam(): number }>(
  hosts: Iterable<H>, memBytes: number, except?: string,
): H | undefined {
  for (const h of hosts) {
    if (h.failed || h.name === except) continue;
    if (memBytes <= h.freeRam()) return h;
  }
  return undefined;
}
