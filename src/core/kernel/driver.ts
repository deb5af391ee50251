// Drives the kernel for host-side callers (the shell, the CLI): runs the scheduler in
// slices and yields to the host between them, so promises the kernel settles (a read
// that completed, a child that exited, a sleep that ended) reach their awaiters. It
// stops when nothing can run and starts again when a host call kicks it.
//
// Idle time: virtual time advances while something runs, and skips over idle stretches
// (every process asleep) only while a host caller waits on the kernel — a foreground job
// (`wait`), a pipe read, the shell's own `sleep`, `container stop` — and nobody is
// waiting for the user's typing. Between commands nothing waits, so the clock stands
// still: a detached `container run -d alpine sleep 1000` is still "Up" at the next
// `container ps`, however long the user took to type it, and a script's transcript is
// the same on every machine. That is what a student at a terminal expects of time they
// did not spend in the lab; to let time pass, they run `sleep 5`, which skips exactly
// those 5 s, waking background sleepers due before then. (The page paces idle time to the
// wall clock instead: src/worker/paced-driver.ts.)

import type { Kernel } from './kernel.ts';

export class KernelDriver {
  private running: Promise<void> | null = null;
  private dirty = false;

  constructor(
    readonly kernel: Kernel,
    /**
     * How to give the host a turn. Hosts must pass a macrotask (setTimeout, setImmediate,
     * a MessageChannel): with the default microtask a spinning guest starves timers and I/O.
     */
    private readonly yieldToHost: () => Promise<void> = () => Promise.resolve(),
    readonly slice = 200_000,
  ) {}

  /** Something may have become runnable: make sure the kernel is running. */
  kick(): void {
    this.dirty = true;
    // Start on the next microtask: the caller finishes its own bookkeeping first.
    if (!this.running) this.running = Promise.resolve().then(() => this.pump());
  }

  /** Resolves once the kernel has nothing to run and no host call is pending a kick. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        this.dirty = false;
        const stop = this.kernel.run(this.slice, 'when-host-waits');
        await this.yieldToHost();
        if (stop.kind !== 'budget' && !this.dirty) break;
      }
    } catch (e) {
      // Nobody awaits the pump: a failure here would be an unhandled rejection that ends
      // the whole host (the CLI's shell, the page's worker). Log it; the next kick retries.
      this.kernel.log(`kernel panic in the scheduler: ${e instanceof Error ? e.message : String(e)}`);
      this.kernel.oopses++;
    } finally {
      this.running = null;
    }
  }
}
