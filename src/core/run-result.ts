// What one run of a program produced, in every mode. The CLI prints it (`run --json`),
// the lesson check engine grades it, the UI draws it. Plain data: JSON-serialisable.

/**
 * A guest kernel under the hypervisor: unmodified (full: trap-and-emulate with shadow page
 * tables), ported to hypercalls (pv), or unmodified on the H extension (hw: its S and U
 * modes run in VS/VU with its own page tables, the VMM keeps only the G-stage table).
 */
export type VmMode = 'full' | 'pv' | 'hw';

export type RunMode = 'bare' | VmMode | 'linux';

/** Why the run ended. */
export type RunEnd = 'exit' | 'budget' | 'wfi-idle' | 'fault';

/** One hypervisor exit (or kernel trap), as the exit log and the timeline show it. */
export interface ExitEvent {
  /** Sequence number from 0 in this run. */
  seq: number;
  /** Stable cause name, e.g. "csr-read", "mmio-write:uart", "hypercall", "syscall". */
  cause: string;
  /** Virtual time (cycles) when it happened. */
  cycle: number;
  pc: number;
  /** The trapping instruction word (0 when none, e.g. an injected interrupt). */
  insn: number;
  /** What the VMM or kernel did, in words ("emulated csrw mtvec <- 0x80000040"). */
  action: string;
  /** Cycles this exit cost under the cost model. */
  cost: number;
}

export interface CostBreakdown {
  /** Cycles spent executing guest instructions. */
  guestCycles: number;
  /** Cycles charged for transitions: exits, emulation, hypercalls, syscalls, switches. */
  overheadCycles: number;
  /** Cycles the CPU sat idle in wfi (skipped virtual time). */
  idleCycles: number;
  /** overheadCycles / (guestCycles + overheadCycles) * 100. */
  overheadPercent: number;
  /** Overhead cycles by cause. */
  byCause: Record<string, number>;
}

/** What a run kept in memory: the guest's own pages and what the layer under it held for it. */
export interface MemoryFootprint {
  /** Guest RAM pages written at least once (bare, VM), or the process's peak memory.current
   *  (linux), in bytes: untouched RAM costs address space, not memory. */
  guestBytes: number;
  /** The hypervisor's tables for this guest at their peak: shadow page tables (full, pv) or
   *  the G-stage table (hw), in bytes; 0 bare and for a process. */
  vmmTableBytes: number;
}

export interface RunResult {
  mode: RunMode;
  end: RunEnd;
  /** The program's exit status (power-off device, tohost, exit); null when it did not exit. */
  exitCode: number | null;
  /** Human explanation when end is 'fault' or 'budget'. */
  message?: string;
  /** Console bytes as text (UART or write(1)), decoded as latin1 so no byte is lost. */
  console: string;
  instructions: number;
  cycles: number;
  exits: { total: number; byCause: Record<string, number> };
  cost: CostBreakdown;
  /** x0..x31 of the (first) hart at the end, as unsigned 32-bit values. */
  registers: number[];
  pc: number;
  /** The most recent exits, bounded (oldest dropped first). */
  exitLog: ExitEvent[];
  /** Memory the run used (bare, VM and process runs fill it). */
  memory?: MemoryFootprint;
  /** linux: the signal that killed the process, when one did. */
  signal?: number;
  /** linux: kernel messages (unknown system calls, faults, OOM kills). */
  kernelLog?: string[];
}

/** The cost breakdown from guest cycles and overhead cycles by cause. */
export function costOf(guestCycles: number, overheadByCause: Record<string, number>, idleCycles: number): CostBreakdown {
  const overheadCycles = Object.values(overheadByCause).reduce((a, b) => a + b, 0);
  const busy = guestCycles + overheadCycles;
  return {
    guestCycles, overheadCycles, idleCycles,
    overheadPercent: busy === 0 ? 0 : (overheadCycles / busy) * 100,
    byCause: { ...overheadByCause },
  };
}

/** Console bytes kept as latin1 text (no byte lost), bounded: a flooding guest cannot grow it forever. */
export class ConsoleRecord {
  private chunks: string[] = [];
  private length = 0;
  dropped = 0;

  constructor(private readonly limit = Infinity) {}

  write(bytes: Uint8Array): void {
    const room = Math.max(0, this.limit - this.length);
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.dropped += bytes.length - kept.length;
    for (let i = 0; i < kept.length; i += 8192) this.chunks.push(String.fromCharCode(...kept.subarray(i, i + 8192)));
    this.length += kept.length;
    if (this.chunks.length > 4096) this.chunks = [this.chunks.join('')];
  }

  text(): string {
    const text = this.chunks.join('');
    this.chunks = [text];
    return text;
  }

  /** Replaces the record (a restored snapshot's console). */
  set(text: string, dropped: number): void {
    this.chunks = [text];
    this.length = text.length;
    this.dropped = dropped;
  }
}
