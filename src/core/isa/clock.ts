// Deterministic virtual time. Nothing here reads a wall clock: time advances only when
// the CPU retires instructions, when another layer charges a cost, or when an idle WFI
// skips ahead to the next timer interrupt.
//
// Ratios: the core runs at 100 MHz (1 cycle per retired instruction) and mtime counts
// at 10 MHz, the timebase of QEMU's virt board, so one mtime tick = 10 cycles.

export const CORE_HZ = 100_000_000;
export const TIMEBASE_HZ = 10_000_000;
export const CYCLES_PER_TICK = CORE_HZ / TIMEBASE_HZ;

const TWO_32 = 2 ** 32;
/** Beyond this a compare value is unreachable in practice (and not exact as a double). */
const NEVER = 2 ** 53;

export interface ClockState {
  cycles: number;
  idleCycles: number;
  chargedCycles: number;
  mtimeOffset: number;
  mtimecmpLo: number;
  mtimecmpHi: number;
  /** Optional in saved states from before it existed (read as 0). */
  stolenCycles?: number;
}

export class Clock {
  /** All cycles since reset: retired instructions, charged costs and idle time. */
  cycles = 0;
  /** Cycles skipped by WFI waiting for the timer. */
  idleCycles = 0;
  /** Cycles added by charge() (hypervisor exits, system calls...). */
  chargedCycles = 0;
  /** mtime = floor((cycles - stolenCycles) / CYCLES_PER_TICK) + mtimeOffset; a write to
   *  mtime moves the offset. */
  mtimeOffset = 0;
  /**
   * Cycles that passed for the host but not for the software reading this clock: a
   * hypervisor's exits (vmm/vm.ts), which a hardware hypervisor hides from its guest by
   * offsetting the guest's timer (H extension htimedelta, x86 TSC offsetting). Zero on
   * the bare machine.
   */
  stolenCycles = 0;
  /** Reset to all ones, so no timer interrupt is pending until software sets one. */
  mtimecmpLo = 0xffffffff;
  mtimecmpHi = 0xffffffff;

  mtime(): number {
    return Math.floor((this.cycles - this.stolenCycles) / CYCLES_PER_TICK) + this.mtimeOffset;
  }

  setMtime(value: number): void {
    this.mtimeOffset = value - Math.floor((this.cycles - this.stolenCycles) / CYCLES_PER_TICK);
  }

  /** Host cycles that pass without the clock's reader seeing them (a VM exit's cost). */
  steal(cycles: number): void {
    this.stolenCycles += cycles;
  }

  mtimecmp(): number {
    return this.mtimecmpHi * TWO_32 + this.mtimecmpLo;
  }

  timerPending(): boolean {
    return this.mtime() >= this.mtimecmp();
  }

  /** The first cycle count at which mtime >= mtimecmp, or Infinity if never. */
  timerDeadline(): number {
    const cmp = this.mtimecmp();
    if (cmp >= NEVER) return Infinity;
    return Math.max(this.cycles, (cmp - this.mtimeOffset) * CYCLES_PER_TICK + this.stolenCycles);
  }

  getState(): ClockState {
    const { cycles, idleCycles, chargedCycles, mtimeOffset, mtimecmpLo, mtimecmpHi, stolenCycles } = this;
    return { cycles, idleCycles, chargedCycles, mtimeOffset, mtimecmpLo, mtimecmpHi, stolenCycles };
  }

  setState(s: ClockState): void {
    const { cycles, idleCycles, chargedCycles, mtimeOffset, mtimecmpLo, mtimecmpHi, stolenCycles = 0 } = s;
    Object.assign(this, { cycles, idleCycles, chargedCycles, mtimeOffset, mtimecmpLo, mtimecmpHi, stolenCycles });
  }
}

/** Low and high 32-bit halves of a 64-bit counter held as a double. */
export function low32(v: number): number {
  return (v % TWO_32 + TWO_32) % TWO_32;
}
export function high32(v: number): number {
  return Math.floor(v / TWO_32) >>> 0;
}
export function join64(hi: number, lo: number): number {
  return (hi >>> 0) * TWO_32 + (lo >>> 0);
}
