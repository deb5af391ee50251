// A run at a pace a person can follow: one instruction per tick of a timer. Each tick is
// one round trip to the engine (run one instruction; the stop carries the view, exits
// and disassembly), so a slow run costs no more messages than it has instructions.
import type { EngineApi, StopReport } from '../../worker/engine-api.ts';

export class PacedRun {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private active = false;
  private finish: ((r: StopReport | null) => void) | null = null;

  get running(): boolean {
    return this.active;
  }

  /**
   * Steps at `ips` instructions per second until a stop other than the budget.
   * `each` sees every tick's report; resolves with the final one (or null when stopped).
   */
  start(api: EngineApi, ips: number, each: (r: StopReport) => void): Promise<StopReport | null> {
    this.active = true;
    let first = true;
    return new Promise((resolve) => {
      const done = (r: StopReport | null) => {
        this.finish = null;
        resolve(r);
      };
      this.finish = done;
      const tick = async (): Promise<void> => {
        this.timer = null;
        if (!this.active) return done(null);
        const report = await api.run({ maxInstructions: 1, skipBreakpointAtPc: first });
        first = false;
        if (report.reason !== 'budget') {
          this.active = false;
          return done(report);
        }
        each(report);
        if (!this.active) return done(null);
        this.timer = setTimeout(() => void tick(), 1000 / ips);
      };
      void tick();
    });
  }

  stop(): void {
    this.active = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.finish?.(null);
  }
}
