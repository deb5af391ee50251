// Utilization over time: busy physical-CPU cycles per fixed bucket of virtual time, so a
// host's load can be drawn as a time series and averaged over any window. A slice that
// straddles a bucket boundary is split between the buckets it covers.

export interface UtilizationSample {
  /** Start of the bucket, host cycles. */
  at: number;
  /** Busy share of all the host's physical CPUs in this bucket, 0..100. */
  percent: number;
}

export const UTILIZATION_STATE_VERSION = 1;

export interface UtilizationState {
  kind: 'utilization';
  version: number;
  busy: number[];
}

export class UtilizationSeries {
  private busy: number[] = [];

  constructor(readonly bucketCycles: number, readonly pcpus: number) {}

  /** Records that one physical CPU was busy over [start, end). */
  add(start: number, end: number): void {
    let t = start;
    while (t < end) {
      const b = Math.floor(t / this.bucketCycles);
      const edge = Math.min(end, (b + 1) * this.bucketCycles);
      while (this.busy.length <= b) this.busy.push(0);
      this.busy[b] += edge - t;
      t = edge;
    }
  }

  /** Buckets that end at or before `until` (a bucket still filling is left out). */
  samples(until: number): UtilizationSample[] {
    const full = Math.floor(until / this.bucketCycles);
    const out: UtilizationSample[] = [];
    for (let b = 0; b < full; b++) {
      out.push({ at: b * this.bucketCycles, percent: (100 * (this.busy[b] ?? 0)) / (this.bucketCycles * this.pcpus) });
    }
    return out;
  }

  /** Average busy share over [from, to), in %. */
  average(from: number, to: number): number {
    if (to <= from) return 0;
    let busy = 0;
    const first = Math.floor(from / this.bucketCycles);
    const last = Math.ceil(to / this.bucketCycles);
    for (let b = first; b < last; b++) busy += this.busy[b] ?? 0;
    return (100 * busy) / ((last - first) * this.bucketCycles * this.pcpus);
  }

  getState(): UtilizationState {
    return { kind: 'utilization', version: UTILIZATION_STATE_VERSION, busy: [...this.busy] };
  }

  /** Refuses (RangeError, series unchanged) another version or a damaged bucket list. */
  setState(s: UtilizationState): void {
    if (s?.kind !== 'utilization' || s.version !== UTILIZATION_STATE_VERSION) throw new RangeError('not a utilization state of this version');
    if (!Array.isArray(s.busy) || !s.busy.every((b) => typeof b === 'number' && Number.isFinite(b) && b >= 0)) {
      throw new RangeError('utilization state damaged: busy cycles must be numbers >= 0');
    }
    this.busy = [...s.busy];
  }
}
