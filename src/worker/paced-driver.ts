// Drives the terminal's kernel at the pace of the wall clock. The core's KernelDriver
// skips idle time (every process asleep) straight to the next wake-up, which is right for
// scripts and tests but wrong for a person at a terminal: `sleep 1000` in a container
// would end before they could type `container ps`. Here idle virtual time passes only as
// fast as real time does; busy time still advances with instructions, as in the core.

import { CORE_HZ } from '../core/isa/clock.ts';
import type { Kernel } from '../core/kernel/kernel.ts';

/** Longest single idle wait: the driver re-checks the kernel at least this often. */
const MAX_WAIT_MS = 250;

export interface PacedHost {
  /** A macrotask between kernel slices, so messages (keys, Ctrl-C) get through. */
  yieldToEvents(): Promise<void>;
  /** Wall-clock milliseconds (performance.now in the worker). */
  now(): number;
  /** Resolves after `ms` wall milliseconds. */
  delay(ms: number): Promise<void>;
}

export class PacedDriver {
  private running: Promise<void> | null = null;
  private dirty = false;
  private wake: (() => void) | null = null;
  private halted = false;

  /** @param afterSlice runs after every kernel slice (the VMs catch up with the clock). */
  constructor(
    readonly kernel: Kernel,
    private readonly host: PacedHost,
    readonly slice = 200_000,
    private readonly afterSlice: () => void = () => {},
  ) {}

  /** Something may have become runnable: run the kernel (and cut an idle wait short). */
  kick(): void {
    if (this.halted) return;
    this.dirty = true;
    this.wake?.();
    if (!this.running) this.running = Promise.resolve().then(() => this.pump());
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        this.dirty = false;
        const stop = this.kernel.run(this.slice, false);
        this.afterSlice();
        if (stop.kind === 'idle') await this.idle(stop.until);
        else await this.host.yieldToEvents();
        if (this.halted || ((stop.kind === 'blocked' || stop.kind === 'all-exited') && !this.dirty)) break;
      }
    } finally {
      this.running = null;
    }
  }

  /** Stops driving this kernel for good (the terminal replaced its host). */
  halt(): void {
    this.halted = true;
    this.wake?.();
  }

  /** Let virtual time catch up with the wall clock until `until` (or a kick). */
  private async idle(until: number): Promise<void> {
    const from = this.kernel.now;
    const started = this.host.now();
    const ms = Math.min(MAX_WAIT_MS, ((until - from) / CORE_HZ) * 1000);
    if (ms > 0) {
      await Promise.race([this.host.delay(ms), new Promise<void>((r) => { this.wake = r; })]);
      this.wake = null;
    }
    const elapsed = ((this.host.now() - started) / 1000) * CORE_HZ;
    this.kernel.idleUntil(Math.min(until, from + Math.max(1, Math.round(elapsed))));
  }
}
