// Drives the kernel for host-side callers (the shell, the worker): runs the scheduler in
// slices and yields to the host between them, so promises the kernel settles (a read
// that completed, a child that exited, a sleep that ended) reach their awaiters. It
// stops when nothing can run and starts again when a host call kicks it.

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
        const stop = this.kernel.run(this.slice);
        await this.yieldToHost();
        if (stop.kind !== 'budget' && !this.dirty) break;
      }
    } finally {
      this.running = null;
    }
  }
}
