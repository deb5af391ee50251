// Compare: the same workload run several ways (an unmodified kernel under full
// virtualization, its port under pv, the task as a container...), separately from the
// machine in the editor. Which contenders run is data (compare-runs.ts), so a new mode
// (hw) is one more entry there. Pause or Cancel stops it; unfinished rows say so.
import type { CompareProgress, CompareRun, ComparisonRow } from '../../worker/engine-api.ts';
import type { EngineClient } from '../engine-client.ts';

export class Comparison {
  rows: ComparisonRow[] | null = $state(null);
  running = $state(false);
  progress: CompareProgress | null = $state(null);
  message = $state('');
  private cancelled = false;

  constructor(private readonly ready: Promise<EngineClient>) {}

  async run(runs: CompareRun[]): Promise<void> {
    if (this.running || runs.length === 0) return;
    const { api, callback } = await this.ready;
    this.running = true;
    this.progress = null;
    this.message = `Comparing ${runs.map((r) => r.label).join(', ')}…`;
    // Reports travel on the callback's own port and may land after the result: drop those.
    let done = false;
    try {
      const rows = await api.compareRuns(runs, undefined, callback((p: CompareProgress) => { if (!done) this.progress = p; }));
      const cancelled = rows.some((r) => r.end === 'budget') && this.cancelled;
      this.rows = rows;
      this.message = cancelled ? 'Comparison cancelled: unfinished rows show where they stopped' : 'Comparison done';
    } finally {
      done = true;
      this.running = false;
      this.cancelled = false;
      this.progress = null;
    }
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    const { api } = await this.ready;
    await api.pause();
  }
}
