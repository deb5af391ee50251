// What kernel transitions cost in virtual cycles, charged on top of the instructions.
// The core runs at 100 MHz (isa/clock.ts), so 1 cycle = 10 ns.

export interface KernelCosts {
  /**
   * Entering and leaving the kernel for one system call. FlexSC (Soares & Stumm, OSDI
   * 2010) measures a null system call's direct cost at ~150 cycles on a Core i7.
   */
  syscall: number;
  /**
   * Switching to another process. Li, Ding & Shen, "Quantifying the cost of context
   * switch" (ExpCS 2007), measure ~3.8 µs direct cost on a 2 GHz Xeon; we charge 2,000
   * cycles of our core, which keeps the same order of magnitude relative to syscalls.
   */
  contextSwitch: number;
}

export const DEFAULT_KERNEL_COSTS: KernelCosts = { syscall: 150, contextSwitch: 2000 };

/** Cycles a process runs before the scheduler preempts it (a 1 ms tick at 100 MHz). */
export const DEFAULT_QUANTUM = 100_000;
