// One RV32IMAC + Zicsr hart with M, S and U modes (RISC-V unprivileged spec: I, M, A, C
// and Zicsr chapters; privileged spec chapters 3 and 4: traps, delegation, Sv32, PMP), and
// the H extension (chapter "Hypervisor Extension": HS, VS and VU modes, two-stage
// translation; hypervisor-extension.ts, two-stage.ts).
//
// Public interface, shared by the bare machine, the hypervisor and the process kernel:
//
//   const cpu = new Cpu(memory, { pmpEntries? })  // memory: Memory (isa/memory.ts): a RAM
//                                      // fast path plus load/store/fetch slow paths returning
//                                      // faults (machine/ram-only-memory.ts: RAM, nothing
//                                      // else); pmpEntries: PMP entries (default 0, pmp.ts)
//   cpu.memory = other                 // swap physical address spaces (clear cpu.reservation
//                                      // too; call cpu.mmu.fence(null) if satp is in use)
//   cpu.x[i], cpu.pc, cpu.priv         // registers (x0 is kept 0), pc (unsigned, even),
//                                      // PRIV_M / PRIV_S / PRIV_U
//   cpu.virt                           // H extension: V (with priv S: VS-mode, U: VU-mode)
//   cpu.run(budget): CpuStop           // execute at most `budget` steps, say why it stopped;
//                                      // cpu.stepsRun = steps it used
//   cpu.interceptUserTraps = true      // every trap taken in U-mode (exception or interrupt)
//                                      // ends run() with {kind:'trap', trap} instead of
//                                      // vectoring to mtvec/stvec; no CSR changes; pc stays
//                                      // at the faulting instruction (the next one for
//                                      // interrupts)
//   cpu.interceptGuestTraps = true     // every trap taken while V=1 that would go to HS- or
//                                      // M-mode ends run() the same way (trap.virtual set,
//                                      // trap.guestPhysical for guest-page faults): a
//                                      // hypervisor written in TypeScript is the HS-mode
//   cpu.raiseInterrupt(n) / lowerInterrupt(n)  // device lines: MEIP 11, SEIP 9, MSIP 3
//   cpu.charge(cycles)                 // other layers add virtual time (exits, syscalls)
//   cpu.requestStop()                  // a device or host callback ends run() with 'stopped'
//   cpu.breakpoints                    // Set of addresses; run() stops before executing one
//                                      // (a run() that starts at one executes it)
//   cpu.storeWatch / onWatchedStore    // one physical RAM word whose word stores call back
//                                      // (HTIF tohost)
//   cpu.clock, cpu.csr                 // virtual time (clock.ts) and the CSR file (csr.ts,
//                                      // with csr.pmp)
//   cpu.mmu                            // Sv32 + PMP (mmu.ts): mmu.translate(va, width,
//                                      // access) for debuggers, mmu.tlb, mmu.fence(va|null)
//   cpu.pageTables = store             // where the page-table walker reads PTEs, when not
//                                      // physical memory (a hypervisor's shadow tables)
//   cpu.gStageTables = store           // where the G-stage walker reads hgatp's tables
//   cpu.getState() / setState()        // versioned
//
// A step is one instruction executed or one exception raised; the budget counts steps.
// Each retired instruction costs one cycle; traps cost nothing here (layers charge them).
// Interrupts are checked between chunks of steps; a chunk ends at the next timer deadline,
// on any CSR instruction, xRET, wfi, sfence.vma, trap, and any slow-path memory access
// (devices) unless the memory says it has none (Memory.sideEffectFree). Outside the RAM
// window, fetches use Memory.fetchPage when offered (a page of code words), and loads/
// stores Memory.dataPage (a page of bytes), cached until Memory.fetchEpoch moves.
//
// Virtual memory costs physical programs nothing: each chunk picks its memory once.
// When neither Sv32 nor PMP applies to the current mode (Mmu.needed()), the chunk runs on
// the physical memory with its RAM fast path; otherwise on the Mmu, whose fetchPage/
// dataPage hand out views of the translated RAM pages, so the same paged fast paths serve
// virtual addresses.
//
// The translator needs nothing for V: blocks are keyed by physical page and the chunk's
// memory is resolved through the MMU per chunk, and V, vsatp and hgatp change only on traps,
// xRET and CSR instructions, which end a chunk, or move the MMU's epoch (TLB flushes).
//
// Compressed instructions (C extension) are expanded by one table lookup
// (compressed.ts) and executed as their 32-bit forms with a 2-byte length; with C, IALIGN
// is 16, so jumps to 2-byte aligned targets are legal and never misaligned.
//
// execute() is one long function on purpose: the interpreter's hot loop, with decoding
// inline and the RAM fast path on typed arrays (as TinyEMU does). Everything rare —
// SYSTEM instructions, atomics, traps, slow memory paths — is a method call out of it.

import { Clock, type ClockState } from './clock.ts';
import { RVC_EXPANSION } from './compressed.ts';
import { defaultCpuKind, defaultJitBackend, type CpuKind, type JitBackend } from './cpu-kind.ts';
import { CSR, CsrFile, type CsrState } from './csr.ts';
import { TARGET_VS, pendingInterrupt, trapTarget } from './delegation.ts';
import {
  CSR_VIRTUAL, HCSR, HSTATUS_HU, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW,
  MSTATUSH_MPV, csrTarget, isGuestPageFault, recordHypervisorTrap, recordMachineTrap,
  returnFromVirtualSupervisor, trapToVirtualSupervisor, writesVirtualAddress,
} from './hypervisor-extension.ts';
import { returnFromMachine, trapToMachine } from './machine-trap.ts';
import { MemoryFault, PAGE_SHIFT, type AccessWidth, type Memory } from './memory.ts';
import { Mmu } from './mmu.ts';
import type { TlbState } from './tlb.ts';
import { mulh, mulhsu, mulhu } from './multiply.ts';
import {
  MIP_MTIP, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRIV_M, PRIV_S,
  PRIV_U,
} from './privilege.ts';
import { returnFromSupervisor, trapToSupervisor } from './supervisor-trap.ts';
import { StateVersionError } from './state-header.ts';
import { ACCESS_READ, ACCESS_WRITE, type PageTableMemory } from './sv32.ts';
import { Translator, translatorBackends } from './translator.ts';
import { Exception, causeName, type Trap } from './trap.ts';

export type CpuStop =
  | { kind: 'budget' }
  | { kind: 'breakpoint'; pc: number }
  | { kind: 'wfi-idle' }
  | { kind: 'trap'; trap: Trap }
  | { kind: 'stopped' }
  | { kind: 'fault'; message: string };

export const CPU_STATE_VERSION = 4;

/** Versions setState reads: 3 is the hart before the H extension (V = 0, no guest TLB). */
export const CPU_STATE_VERSIONS: readonly number[] = [3, 4];

/** Throws a StateVersionError unless `state` is a saved CPU of a version this build reads. */
export function checkCpuStateHeader(state: unknown): void {
  const h = state as { kind?: unknown; version?: unknown } | null;
  if (typeof h !== 'object' || h === null || h.kind !== 'cpu') throw new StateVersionError('not a saved cpu state');
  if (!CPU_STATE_VERSIONS.includes(h.version as number)) {
    throw new StateVersionError(`saved cpu state has version ${String(h.version)}, this build reads versions ${CPU_STATE_VERSIONS.join(' and ')}`);
  }
}

export interface CpuOptions {
  /** PMP entries (0..64; default 0: every access allowed, like QEMU with pmp=false). */
  pmpEntries?: number;
  /** Translator or interpreter (default: defaultCpuKind(), cpu-kind.ts). */
  kind?: CpuKind;
  /** The translator's back end for RAM regions (default: defaultJitBackend(), cpu-kind.ts). */
  backend?: JitBackend;
  /** The H extension (default true). */
  hypervisor?: boolean;
}

export interface CpuState {
  kind: 'cpu';
  version: number;
  x: number[];
  pc: number;
  priv: number;
  waiting: boolean;
  reservation: number;
  csr: CsrState;
  clock: ClockState;
  /** Cached translations: a guest that skips sfence.vma sees the same stale ones. */
  tlb: TlbState;
  /** Version 4: the virtualization mode V and the two-stage translations cached. */
  virt?: boolean;
  guestTlb?: TlbState;
}

const EMPTY = new ArrayBuffer(8);

/**
 * Longest chunk of steps per execute() call. Returning to run() now and then lets the
 * engine compile execute() as a whole function instead of only on-stack replacing its
 * loop, which is measurably faster; a chunk boundary costs well under a microsecond.
 */
const MAX_CHUNK = 1 << 14;

/** Which exception a faulting access raises, by kind of access (3.1.15). */
const FAULT_CAUSE = {
  fetch: { access: Exception.InstructionAccessFault, page: Exception.InstructionPageFault, misaligned: Exception.InstructionAddressMisaligned },
  load: { access: Exception.LoadAccessFault, page: Exception.LoadPageFault, misaligned: Exception.LoadAddressMisaligned },
  store: { access: Exception.StoreAccessFault, page: Exception.StorePageFault, misaligned: Exception.StoreAddressMisaligned },
} as const;
const GUEST_PAGE_FAULT = {
  fetch: Exception.InstructionGuestPageFault, load: Exception.LoadGuestPageFault, store: Exception.StoreGuestPageFault,
} as const;
type AccessKind = keyof typeof FAULT_CAUSE;

export class Cpu {
  readonly x = new Int32Array(32);
  /** Address of the next instruction, unsigned. */
  pc = 0;
  priv: number = PRIV_M;
  /** H extension: the virtualization mode V (priv S: VS-mode, U: VU-mode). */
  virt = false;
  readonly clock = new Clock();
  readonly csr: CsrFile;
  /** Sv32 translation, the TLB and PMP checks (used only while they apply). */
  readonly mmu: Mmu;
  /** Deliver traps taken from U-mode to the caller of run() instead of mtvec. */
  interceptUserTraps = false;
  /** Deliver traps taken while V=1 that would go to HS- or M-mode to the caller of run(). */
  interceptGuestTraps = false;
  readonly breakpoints = new Set<number>();
  /** Physical address of a RAM word whose stores call onWatchedStore, or -1. */
  storeWatch = -1;
  onWatchedStore: ((addr: number, value: number) => void) | null = null;
  /**
   * Memory the Sv32 walker reads page tables from instead of the physical memory: a
   * hypervisor keeps its shadow tables in its own store, out of the guest's reach.
   */
  pageTables: PageTableMemory | null = null;
  /** Memory the G-stage walker reads hgatp's tables from instead of the physical memory. */
  gStageTables: PageTableMemory | null = null;
  /** Steps the last run() used of its budget. */
  stepsRun = 0;
  /** Stalled in WFI (3.3.3) until an interrupt is pending in mie. */
  waiting = false;
  /** Address reserved by LR.W, or -1 (set it to -1 on a context switch). */
  reservation = -1;

  private stopRequested = false;
  private trapTaken = false;
  private exit: CpuStop | null = null;
  private lastTrap = '';
  /** An hlv/hlvx/hsv is accessing memory (its faults write a guest virtual address). */
  private hlvActive = false;
  // Typed-array views of memory.ram, rebuilt when the window changes.
  private viewOf: Uint8Array | null = null;
  private i8: Int8Array<ArrayBufferLike> = new Int8Array(EMPTY);
  private i32: Int32Array<ArrayBufferLike> = new Int32Array(EMPTY);
  private dv: DataView<ArrayBufferLike> = new DataView(EMPTY);

  /** The memory of the current chunk: `memory`, or the Mmu over it. */
  private active: Memory;
  /** Translate chunks (kind 'jit')? The translator itself is made on first use. */
  private translating = false;
  private translatorInstance: Translator | null = null;
  private backendChoice: JitBackend;

  constructor(public memory: Memory, options: CpuOptions = {}) {
    this.backendChoice = options.backend ?? defaultJitBackend();
    this.csr = new CsrFile(this.clock, options.pmpEntries ?? 0, options.hypervisor ?? true);
    this.mmu = new Mmu(this);
    this.active = memory;
    this.kind = options.kind ?? defaultCpuKind();
  }

  /**
   * 'jit' runs chunks as translated blocks (identical results, faster); 'interp' only
   * interprets. Asking for 'jit' where code cannot be compiled (a Content-Security-Policy
   * without 'unsafe-eval' and without 'wasm-unsafe-eval') gives 'interp'.
   */
  get kind(): CpuKind {
    return this.translating ? 'jit' : 'interp';
  }

  set kind(kind: CpuKind) {
    const can = translatorBackends();
    this.translating = kind === 'jit' && (can.js || can.wasm);
  }

  /** The translator's back end for RAM regions (translator.ts falls back to the other). */
  get backend(): JitBackend {
    return this.backendChoice;
  }

  set backend(backend: JitBackend) {
    this.backendChoice = backend;
    if (this.translatorInstance !== null) {
      this.translatorInstance.backend = backend;
      this.translatorInstance.flush();
    }
  }

  /** Compiles guest blocks to JavaScript (translator.ts), made when first needed. */
  private get translator(): Translator {
    const cpu = this; // eslint-disable-line @typescript-eslint/no-this-alias
    if (this.translatorInstance !== null) return this.translatorInstance;
    this.translatorInstance = new Translator({
      x: this.x,
      get memory() { return cpu.memory; },
      get pc() { return cpu.pc; },
      set pc(v: number) { cpu.pc = v; },
      get storeWatch() { return cpu.storeWatch; },
      chunkMemory: () => (this.active = this.mmu.needed() ? this.mmu : this.memory),
      interpret: (steps) => this.execute(steps),
      account: (retired) => this.account(retired),
      chunkEnded: () => this.trapTaken || this.exit !== null || this.waiting || this.stopRequested,
    });
    this.translatorInstance.backend = this.backendChoice;
    return this.translatorInstance;
  }

  /** The translator's counters (translator.ts), or null when interpreting. */
  get translatorStats(): Translator['stats'] | null {
    return this.translating ? this.translator.stats : null;
  }

  /** The translator itself, for the bench (a clock for translation time). */
  get translatorForBench(): Translator | null {
    return this.translating ? this.translator : null;
  }

  /** Back to the reset state of 3.4: M-mode, MIE=0, pc=resetPc; RAM is not touched. */
  reset(resetPc: number): void {
    this.x.fill(0);
    this.pc = resetPc >>> 0;
    this.priv = PRIV_M;
    this.virt = false;
    this.waiting = false;
    this.reservation = -1;
    this.clock.setState(new Clock().getState());
    this.csr.setState(new CsrFile(this.clock, this.csr.pmp.entries, this.csr.hypervisor).getState());
    this.mmu.fence(null);
    this.mmu.fenceGuest(null);
    this.translatorInstance?.flush();
  }

  // Lines change only between runs or inside a slow-path access (a device), and both end
  // the current chunk, so the next interrupt check sees the new level.
  raiseInterrupt(cause: number): void {
    this.csr.mipLines |= 1 << cause;
  }

  lowerInterrupt(cause: number): void {
    this.csr.mipLines &= ~(1 << cause);
  }

  /** Adds virtual cycles spent outside the instruction stream. */
  charge(cycles: number): void {
    const c = Math.max(0, Math.round(cycles));
    this.clock.cycles += c;
    this.clock.chargedCycles += c;
  }

  requestStop(): void {
    this.stopRequested = true;
  }

  step(): CpuStop {
    return this.run(1);
  }

  run(budget: number): CpuStop {
    this.stepsRun = 0;
    this.exit = null;
    this.stopRequested = false;
    let remaining = Math.floor(budget);
    let first = true;
    const startPc = this.pc;
    while (remaining > 0) {
      this.takeInterrupt();
      if (this.exit) return this.exit;
      if (this.waiting && !this.wakeOrIdle()) return { kind: 'wfi-idle' };
      if (this.waiting) continue;
      // Resuming at a breakpoint executes it; any other instruction there stops first.
      if (this.breakpoints.size > 0 && !(first && this.pc === startPc) && this.breakpoints.has(this.pc)) {
        return { kind: 'breakpoint', pc: this.pc };
      }
      // With breakpoints set, go one step at a time: slower, but the hot loop stays lean.
      // Single steps (the debugger's) are interpreted; chunks are translated when enabled,
      // and then not capped at MAX_CHUNK (that cap is for the interpreter's function only).
      const jit = this.translating && this.breakpoints.size === 0;
      const chunk = this.breakpoints.size > 0 ? 1 : this.chunkLength(remaining, jit ? remaining : MAX_CHUNK);
      const done = jit && chunk > 1 ? this.translator.execute(chunk) : this.execute(chunk);
      first = false;
      remaining -= done;
      this.stepsRun += done;
      if (this.exit) return this.exit;
      if (this.stopRequested) return { kind: 'stopped' };
    }
    return { kind: 'budget' };
  }

  /** 3.1.9: take the highest-priority interrupt that is pending, enabled and delegable now. */
  private takeInterrupt(): void {
    if ((this.csr.mip() & this.csr.mie) === 0) return;
    const cause = pendingInterrupt(this.csr, this.priv, this.virt);
    if (cause < 0) return;
    this.waiting = false;
    this.enterTrap(cause, 0, 0, true);
  }

  /** While in WFI: wake on a pending interrupt, or skip idle time to the timer. */
  private wakeOrIdle(): boolean {
    if (this.csr.mip() & this.csr.mie) {
      this.waiting = false;
      return true;
    }
    const deadline = this.clock.timerDeadline();
    if (!(this.csr.mie & MIP_MTIP) || deadline === Infinity) return false;
    const idle = Math.ceil(deadline - this.clock.cycles);
    this.clock.cycles += idle;
    this.clock.idleCycles += idle;
    return true;
  }

  /** Steps until the timer could fire, so the interrupt is seen on the right cycle. */
  private chunkLength(remaining: number, cap: number): number {
    const limit = Math.min(remaining, cap);
    if (!(this.csr.mie & MIP_MTIP) || this.clock.timerPending()) return limit;
    const deadline = this.clock.timerDeadline();
    return Math.max(1, Math.min(limit, Math.ceil(deadline - this.clock.cycles)));
  }

  private account(retired: number): void {
    this.clock.cycles += retired;
    this.csr.instret += retired;
  }

  private refreshViews(bytes: Uint8Array): void {
    this.viewOf = bytes;
    this.i8 = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The interpreter loop: runs up to `steps` steps without looking at interrupts. */
  private execute(steps: number): number {
    const x = this.x;
    const mem = this.mmu.needed() ? this.mmu : this.memory;
    this.active = mem;
    const ram = mem.ram;
    let base = 0;
    let size = 0;
    let u8 = EMPTY_U8;
    let dirty = EMPTY_U8;
    if (ram !== null) {
      if (this.viewOf !== ram.bytes) this.refreshViews(ram.bytes);
      base = ram.base | 0;
      size = ram.bytes.byteLength;
      u8 = ram.bytes;
      dirty = ram.dirty;
    }
    const i8 = this.i8;
    const i32 = this.i32;
    const dv = this.dv;
    const sizeM2 = size - 2;
    const sizeM4 = size - 4;
    const watch = this.storeWatch < 0 ? -1 : ((this.storeWatch - base) | 0);
    // Fetch fast path outside the RAM window: one page of code words at a time.
    const paged = mem.fetchPage !== undefined;
    const dataPaged = mem.dataPage !== undefined;
    const quiet = mem.sideEffectFree === true;
    let epoch = mem.fetchEpoch ?? 0;
    let fvpn = -1;
    let fwords = EMPTY_I32;
    // Data fast path outside the RAM window: the last page loaded from and stored to.
    let rvpn = -1;
    let rbytes = EMPTY_U8;
    let wvpn = -1;
    let wbytes = EMPTY_U8;
    let pc = this.pc | 0;
    let n = 0;
    let accounted = 0;
    let trapped = false;
    this.trapTaken = false;

    loop: while (n < steps) {
      n++;
      let insn: number;
      let ilen = 4;
      const foff = (pc - base) | 0;
      if ((foff >>> 0) <= sizeM4) {
        insn = (foff & 2) === 0 ? i32[foff >> 2] : dv.getInt32(foff, true);
      } else {
        if ((pc >>> PAGE_SHIFT) !== fvpn && paged) {
          const words = mem.fetchPage!(pc >>> PAGE_SHIFT);
          if (words !== null) { fvpn = pc >>> PAGE_SHIFT; fwords = words; }
        }
        const wi = (pc & PAGE_MASK) >> 2;
        if ((pc >>> PAGE_SHIFT) === fvpn && ((pc & 2) === 0 || wi < 1023 || ((fwords[wi] >>> 16) & 3) !== 3)) {
          insn = (pc & 2) === 0 ? fwords[wi] : (fwords[wi] >>> 16) | (wi < 1023 ? fwords[wi + 1] << 16 : 0);
        } else {
          this.pc = pc >>> 0;
          this.account(n - 1 - accounted);
          accounted = n - 1;
          insn = this.fetchSlow(pc >>> 0);
          if (this.trapTaken) { trapped = true; break loop; }
        }
      }
      if ((insn & 3) !== 3) { // C extension: one table lookup gives the 32-bit form
        insn = RVC_EXPANSION[insn & 0xffff];
        ilen = 2;
      }
      const rd = (insn >> 7) & 31;
      const rs1 = (insn >> 15) & 31;
      const f3 = (insn >> 12) & 7;
      switch (insn & 0x7f) {
        case 0x33: { // OP: register-register ALU, and the M extension
          const a = x[rs1];
          const b = x[(insn >> 20) & 31];
          const f7 = insn >>> 25;
          let v: number;
          if (f7 === 0) {
            switch (f3) {
              case 0: v = (a + b) | 0; break;
              case 1: v = a << (b & 31); break;
              case 2: v = a < b ? 1 : 0; break;
              case 3: v = (a >>> 0) < (b >>> 0) ? 1 : 0; break;
              case 4: v = a ^ b; break;
              case 5: v = (a >>> (b & 31)) | 0; break;
              case 6: v = a | b; break;
              default: v = a & b; break;
            }
          } else if (f7 === 0x20) {
            if (f3 === 0) v = (a - b) | 0;
            else if (f3 === 5) v = a >> (b & 31);
            else { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
          } else if (f7 === 1) {
            switch (f3) {
              case 0: v = Math.imul(a, b); break;
              case 1: v = mulh(a, b); break;
              case 2: v = mulhsu(a, b); break;
              case 3: v = mulhu(a, b); break;
              case 4: v = b === 0 ? -1 : (a / b) | 0; break;
              case 5: v = b === 0 ? -1 : ((a >>> 0) / (b >>> 0)) | 0; break;
              case 6: v = b === 0 ? a : (a % b) | 0; break;
              default: v = b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0; break;
            }
          } else { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
          if (rd !== 0) x[rd] = v;
          break;
        }
        case 0x13: { // OP-IMM
          const a = x[rs1];
          const imm = insn >> 20;
          let v: number;
          switch (f3) {
            case 0: v = (a + imm) | 0; break;
            case 1:
              if ((insn >>> 25) !== 0) { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
              v = a << (imm & 31); break;
            case 2: v = a < imm ? 1 : 0; break;
            case 3: v = (a >>> 0) < (imm >>> 0) ? 1 : 0; break;
            case 4: v = a ^ imm; break;
            case 5: {
              const f7 = insn >>> 25;
              if (f7 === 0) v = (a >>> (imm & 31)) | 0;
              else if (f7 === 0x20) v = a >> (imm & 31);
              else { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
              break;
            }
            case 6: v = a | imm; break;
            default: v = a & imm; break;
          }
          if (rd !== 0) x[rd] = v;
          break;
        }
        case 0x03: { // LOAD; misaligned RAM accesses are performed, as QEMU does
          const addr = (x[rs1] + (insn >> 20)) | 0;
          const off = (addr - base) | 0;
          let v: number;
          if (f3 === 2 && (off >>> 0) <= sizeM4) v = (off & 3) === 0 ? i32[off >> 2] : dv.getInt32(off, true);
          else if (f3 === 4 && (off >>> 0) < size) v = u8[off];
          else if (f3 === 0 && (off >>> 0) < size) v = i8[off];
          else if (f3 === 1 && (off >>> 0) <= sizeM2) v = dv.getInt16(off, true);
          else if (f3 === 5 && (off >>> 0) <= sizeM2) v = dv.getUint16(off, true);
          else {
            if (f3 === 3 || f3 > 5) { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
            if (dataPaged) {
              const vpn = addr >>> PAGE_SHIFT;
              if (vpn !== rvpn) {
                const page = mem.dataPage!(vpn, false);
                if (mem.fetchEpoch !== epoch) { epoch = mem.fetchEpoch ?? 0; fvpn = rvpn = wvpn = -1; }
                if (page !== null) { rvpn = vpn; rbytes = page; }
              }
              const po = addr & PAGE_MASK;
              if (vpn === rvpn && po <= PAGE_MASK - 3) {
                const b = rbytes;
                if (f3 === 2) v = b[po] | (b[po + 1] << 8) | (b[po + 2] << 16) | (b[po + 3] << 24);
                else if (f3 === 4) v = b[po];
                else if (f3 === 0) v = (b[po] << 24) >> 24;
                else if (f3 === 5) v = b[po] | (b[po + 1] << 8);
                else v = ((b[po] | (b[po + 1] << 8)) << 16) >> 16;
                if (rd !== 0) x[rd] = v;
                break;
              }
            }
            this.pc = pc >>> 0;
            if (!quiet) {
              this.account(n - 1 - accounted);
              accounted = n - 1;
            }
            v = this.loadSlow(addr >>> 0, f3, insn);
            if (this.trapTaken) { trapped = true; break loop; }
            if (rd !== 0) x[rd] = v;
            // A device may have changed interrupt lines: end the chunk.
            if (!quiet) { pc = (pc + ilen) | 0; break loop; }
            if (mem.fetchEpoch !== epoch) { epoch = mem.fetchEpoch ?? 0; fvpn = rvpn = wvpn = -1; }
            break;
          }
          if (rd !== 0) x[rd] = v;
          break;
        }
        case 0x23: { // STORE
          const addr = (x[rs1] + (((insn >> 20) & ~31) | rd)) | 0;
          const off = (addr - base) | 0;
          const v = x[(insn >> 20) & 31];
          if (f3 === 2 && (off >>> 0) <= sizeM4) {
            if ((off & 3) === 0) i32[off >> 2] = v;
            else { dv.setInt32(off, v, true); dirty[(off + 3) >>> PAGE_SHIFT] = 1; }
            dirty[off >>> PAGE_SHIFT] = 1;
            if (off === watch) {
              this.pc = pc >>> 0;
              this.onWatchedStore?.(addr >>> 0, v);
              pc = (pc + ilen) | 0;
              break loop;
            }
          } else if (f3 === 0 && (off >>> 0) < size) {
            u8[off] = v;
            dirty[off >>> PAGE_SHIFT] = 1;
          } else if (f3 === 1 && (off >>> 0) <= sizeM2) {
            dv.setInt16(off, v, true);
            dirty[off >>> PAGE_SHIFT] = 1;
            dirty[(off + 1) >>> PAGE_SHIFT] = 1;
          } else {
            if (f3 > 2) { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
            if (dataPaged) {
              const vpn = addr >>> PAGE_SHIFT;
              if (vpn !== wvpn) {
                const page = mem.dataPage!(vpn, true);
                if (mem.fetchEpoch !== epoch) { epoch = mem.fetchEpoch ?? 0; fvpn = rvpn = wvpn = -1; }
                if (page !== null) { wvpn = vpn; wbytes = page; }
              }
              const po = addr & PAGE_MASK;
              if (vpn === wvpn && po <= PAGE_MASK - 3) {
                const b = wbytes;
                b[po] = v;
                if (f3 !== 0) b[po + 1] = v >> 8;
                if (f3 === 2) { b[po + 2] = v >> 16; b[po + 3] = v >> 24; }
                break;
              }
            }
            this.pc = pc >>> 0;
            if (!quiet) {
              this.account(n - 1 - accounted);
              accounted = n - 1;
            }
            if (!this.storeSlow(addr >>> 0, f3, v, insn)) { trapped = true; break loop; }
            if (!quiet) { pc = (pc + ilen) | 0; break loop; }
            // A store may have changed a mapping (copy-on-write): refetch the code page.
            if (mem.fetchEpoch !== epoch) { epoch = mem.fetchEpoch ?? 0; fvpn = rvpn = wvpn = -1; }
            break;
          }
          break;
        }
        case 0x63: { // BRANCH
          const a = x[rs1];
          const b = x[(insn >> 20) & 31];
          let taken: boolean;
          switch (f3) {
            case 0: taken = a === b; break;
            case 1: taken = a !== b; break;
            case 4: taken = a < b; break;
            case 5: taken = a >= b; break;
            case 6: taken = (a >>> 0) < (b >>> 0); break;
            case 7: taken = (a >>> 0) >= (b >>> 0); break;
            default: this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop;
          }
          if (taken) { // IALIGN = 16 with C: every even target is aligned
            pc = (pc + (((insn >> 19) & 0xfffff000) | ((insn << 4) & 0x800)
              | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e))) | 0;
            continue loop;
          }
          break;
        }
        case 0x6f: { // JAL
          const target = (pc + (((insn >> 11) & 0xfff00000) | (insn & 0xff000)
            | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe))) | 0;
          if (rd !== 0) x[rd] = (pc + ilen) | 0;
          pc = target;
          continue loop;
        }
        case 0x67: { // JALR
          const target = ((x[rs1] + (insn >> 20)) & ~1) | 0;
          if (f3 !== 0) { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
          if (rd !== 0) x[rd] = (pc + ilen) | 0;
          pc = target;
          continue loop;
        }
        case 0x37: // LUI
          if (rd !== 0) x[rd] = insn & 0xfffff000;
          break;
        case 0x17: // AUIPC
          if (rd !== 0) x[rd] = (pc + (insn & 0xfffff000)) | 0;
          break;
        case 0x0f: // MISC-MEM: FENCE and FENCE.I are no-ops on one hart without caches
          if (f3 > 1) { this.pc = pc >>> 0; this.illegal(insn); trapped = true; break loop; }
          break;
        case 0x73: // SYSTEM: ecall, ebreak, mret, wfi, CSR instructions
        case 0x2f: { // AMO: LR/SC and atomic memory operations
          this.pc = pc >>> 0;
          this.account(n - 1 - accounted);
          accounted = n - 1;
          const ok = (insn & 0x7f) === 0x73 ? this.system(insn) : this.atomic(insn);
          if (!ok) { trapped = true; break loop; }
          // They may change interrupt state (CSRs, mret, wfi): end the chunk.
          pc = this.pc | 0;
          x[0] = 0;
          break loop;
        }
        default: // also every reserved compressed encoding (compressed.ts): xtval = the parcel
          this.pc = pc >>> 0;
          this.illegal(ilen === 2 ? insn >>> 16 : insn);
          trapped = true;
          break loop;
      }
      pc = (pc + ilen) | 0;
    }
    if (trapped) {
      // The trap handler has set pc (or left it for an interceptor); nothing retired.
      this.account(n - 1 - accounted);
    } else {
      this.pc = pc >>> 0;
      this.account(n - accounted);
    }
    return n;
  }

  /** mtval = the instruction bits (3.1.16). */
  private illegal(insn: number): void {
    this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
  }

  /**
   * An instruction from the slow path: the word at pc & ~3 (Memory.fetch is word-aligned),
   * and for a 32-bit instruction at pc + 2 the next word too, which may be on another page
   * and fault there (xtval = pc + 2, the part that faulted: 4.3.2 / 3.1.16).
   */
  private fetchSlow(pc: number): number {
    const w = this.fetchWord((pc & ~3) >>> 0);
    if (w < 0) { this.fault('fetch', w, pc, 0); return 0; }
    if ((pc & 2) === 0) return w | 0;
    const low = w >>> 16;
    if ((low & 3) !== 3) return low;
    const next = this.fetchWord((pc + 2) >>> 0);
    if (next < 0) { this.fault('fetch', next, (pc + 2) >>> 0, 0); return 0; }
    return (low | (next << 16)) | 0;
  }

  /** An aligned word for fetchSlow: from the RAM window (its last word), else Memory.fetch. */
  private fetchWord(addr: number): number {
    const ram = this.active.ram;
    const off = ram === null ? -1 : addr - ram.base;
    if (ram !== null && off >= 0 && off + 4 <= ram.bytes.byteLength) {
      const b = ram.bytes;
      return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
    }
    return this.active.fetch(addr);
  }

  /** An exception at this.pc, with insn as the faulting instruction word. */
  raise(cause: number, tval: number, insn: number): void {
    this.enterTrap(cause, tval, insn, false);
  }

  private fault(kind: AccessKind, code: number, addr: number, insn: number): void {
    const causes = FAULT_CAUSE[kind];
    const cause = code === MemoryFault.Page ? causes.page
      : code === MemoryFault.GuestPage ? GUEST_PAGE_FAULT[kind]
        : code === MemoryFault.Misaligned ? causes.misaligned : causes.access;
    this.raise(cause, addr, insn);
  }

  /**
   * 3.1.8 and 3.1.6.1, 3.1.14-3.1.16 (4.1.1, 4.1.7-4.1.9 for S; "Trap Entry" of the H
   * extension for HS and VS): enter the mode that takes this trap at its xtvec, or hand the
   * trap to the interceptor.
   */
  private enterTrap(cause: number, tval: number, insn: number, interrupt: boolean): void {
    this.trapTaken = true;
    const virt = this.virt;
    if (this.interceptUserTraps && this.priv === PRIV_U && !virt) {
      const trap: Trap = { cause, tval: tval >>> 0, pc: this.pc >>> 0, insn: insn >>> 0, interrupt };
      this.exit = { kind: 'trap', trap };
      return;
    }
    const s = this.csr;
    const target = trapTarget(s, this.priv, cause, interrupt, virt);
    const guestFault = !interrupt && isGuestPageFault(cause);
    if (virt && target !== TARGET_VS && this.interceptGuestTraps) {
      const trap: Trap = { cause, tval: tval >>> 0, pc: this.pc >>> 0, insn: insn >>> 0, interrupt, virtual: true };
      if (guestFault) trap.guestPhysical = this.mmu.guestFault.address;
      this.exit = { kind: 'trap', trap };
      return;
    }
    const name = target === TARGET_VS ? 'vstvec' : target === PRIV_S ? 'stvec' : 'mtvec';
    const tvec = target === TARGET_VS ? s.h.vstvec : target === PRIV_S ? s.stvec : s.mtvec;
    const handler = (tvec & ~3) >>> 0;
    // An exception at the handler's own first instruction would repeat forever: say so.
    const inTarget = target === TARGET_VS ? virt && this.priv === PRIV_S : !virt && this.priv === target;
    if (!interrupt && this.pc === handler && inTarget) {
      this.exit = {
        kind: 'fault',
        message: `the trap handler at ${name} 0x${hex(handler)} itself raises ${causeName(cause, false)}`
          + (this.lastTrap ? `; the trap being handled: ${this.lastTrap}` : ''),
      };
      return;
    }
    this.lastTrap = `${causeName(cause, interrupt)} at pc 0x${hex(this.pc)} (${name.slice(0, -4)}tval 0x${hex(tval)})`;
    if (target === TARGET_VS) {
      this.pc = trapToVirtualSupervisor(s.h, this.priv, cause, tval, interrupt, this.pc);
      this.priv = PRIV_S;
      return;
    }
    const gva = !interrupt && (virt || this.hlvActive) && writesVirtualAddress(cause);
    const gpa = guestFault ? this.mmu.guestFault.address : 0;
    const tinst = guestFault ? this.mmu.guestFault.tinst : 0;
    if (target === PRIV_S) {
      this.pc = trapToSupervisor(s, this.priv, cause, tval, interrupt, this.pc);
      if (s.hypervisor) recordHypervisorTrap(s.h, virt, this.priv, gva, gpa, tinst);
    } else {
      this.pc = trapToMachine(s, this.priv, cause, tval, interrupt, this.pc);
      if (s.hypervisor) recordMachineTrap(s.h, virt, gva, gpa, tinst);
    }
    this.priv = target;
    this.virt = false;
  }

  private loadSlow(addr: number, f3: number, insn: number): number {
    const width = (1 << (f3 & 3)) as AccessWidth;
    const v = this.active.load(addr, width);
    if (v < 0) {
      this.fault('load', v, addr, insn);
      return 0;
    }
    if (f3 === 0) return (v << 24) >> 24;
    if (f3 === 1) return (v << 16) >> 16;
    return v | 0;
  }

  private storeSlow(addr: number, f3: number, value: number, insn: number): boolean {
    const r = this.active.store(addr, (1 << f3) as AccessWidth, value);
    if (r < 0) {
      this.fault('store', r, addr, insn);
      return false;
    }
    return true;
  }

  /**
   * The physical address of an atomic access (translated and PMP-checked when the Mmu is
   * in use), or undefined after raising the fault. AMOs and SC need write permission.
   */
  private atomicAddress(addr: number, insn: number, kind: AccessKind): number | undefined {
    if (this.active !== this.mmu) return addr;
    const pa = this.mmu.translate(addr, 4, kind === 'load' ? ACCESS_READ : ACCESS_WRITE);
    if (pa < 0) { this.fault(kind, pa, addr, insn); return undefined; }
    return pa;
  }

  /** Physical word access for atomics (fast path or slow path); undefined after a trap. */
  private loadWord(pa: number, va: number, insn: number, kind: AccessKind): number | undefined {
    const ram = this.memory.ram;
    const off = ram ? pa - ram.base : -1;
    if (ram && off >= 0 && off <= ram.bytes.byteLength - 4) {
      if (this.viewOf !== ram.bytes) this.refreshViews(ram.bytes);
      return this.i32[off >> 2];
    }
    const v = this.memory.load(pa, 4);
    if (v < 0) { this.fault(kind, v, va, insn); return undefined; }
    return v | 0;
  }

  private storeWord(pa: number, va: number, value: number, insn: number): boolean {
    const ram = this.memory.ram;
    const off = ram ? pa - ram.base : -1;
    if (ram && off >= 0 && off <= ram.bytes.byteLength - 4) {
      if (this.viewOf !== ram.bytes) this.refreshViews(ram.bytes);
      this.i32[off >> 2] = value;
      ram.dirty[off >>> PAGE_SHIFT] = 1;
      if (pa === this.storeWatch) this.onWatchedStore?.(pa, value);
      return true;
    }
    const r = this.memory.store(pa, 4, value);
    if (r < 0) { this.fault('store', r, va, insn); return false; }
    return true;
  }

  /** The A extension (chapter 8): LR.W/SC.W and AMO*.W; one hart, so aq/rl need nothing. */
  private atomic(insn: number): boolean {
    const rd = (insn >> 7) & 31;
    const rs2 = (insn >> 20) & 31;
    const funct5 = insn >>> 27;
    const addr = this.x[(insn >> 15) & 31] >>> 0;
    if (((insn >> 12) & 7) !== 2 || !AMO_FUNCT5.has(funct5) || (funct5 === 2 && rs2 !== 0)) {
      this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    if (addr & 3) {
      const cause = funct5 === 2 ? Exception.LoadAddressMisaligned : Exception.StoreAddressMisaligned;
      this.raise(cause, addr, insn);
      return false;
    }
    const pa = this.atomicAddress(addr, insn, funct5 === 2 ? 'load' : 'store');
    if (pa === undefined) return false;
    let result: number;
    if (funct5 === 2) { // LR.W: the reservation is on the physical address
      const v = this.loadWord(pa, addr, insn, 'load');
      if (v === undefined) return false;
      this.reservation = pa;
      result = v;
    } else if (funct5 === 3) { // SC.W
      const ok = this.reservation === pa;
      this.reservation = -1;
      if (ok && !this.storeWord(pa, addr, this.x[rs2], insn)) return false;
      result = ok ? 0 : 1;
    } else {
      const old = this.loadWord(pa, addr, insn, 'store');
      if (old === undefined) return false;
      if (!this.storeWord(pa, addr, amoResult(funct5, old, this.x[rs2]), insn)) return false;
      result = old;
    }
    if (rd !== 0) this.x[rd] = result;
    this.pc = (this.pc + 4) >>> 0;
    return true;
  }

  /** SYSTEM opcode: returns false when it raised a trap. */
  private system(insn: number): boolean {
    const f3 = (insn >> 12) & 7;
    if (f3 === 0) return this.privileged(insn);
    if (f3 === 4) return this.hypervisorLoadStore(insn);
    return this.csrInstruction(insn, f3);
  }

  /** Zicsr (chapter 9): csrrw/csrrs/csrrc and their immediate forms. */
  private csrInstruction(insn: number, f3: number): boolean {
    const rd = (insn >> 7) & 31;
    const rs1 = (insn >> 15) & 31;
    const num = insn >>> 20;
    const op = f3 & 3;
    const src = f3 & 4 ? rs1 : this.x[rs1];
    // csrrs/csrrc with rs1 = x0 (or uimm 0) read without writing (9.1).
    const writes = op === 1 || rs1 !== 0;
    // While V=1, s* CSRs are their vs* copies; some accesses are virtual instructions.
    const target = csrTarget(this.csr, num, this.priv, this.virt, writes);
    if (target < 0) {
      this.raise(target === CSR_VIRTUAL ? Exception.VirtualInstruction : Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    const time = this.virt && (target === CSR.time || target === CSR.timeh);
    const old = time ? this.csr.guestTime(target) : this.csr.read(target) ?? 0;
    if (writes) {
      const base = op === 1 ? 0 : this.csr.readForUpdate(target) ?? 0;
      this.csr.write(target, op === 1 ? src : op === 2 ? base | src : base & ~src);
      // A new root table or mode: cached translations belong to the old one.
      if (target === CSR.satp) this.mmu.fence(null);
      if (target === HCSR.vsatp || target === HCSR.hgatp) this.mmu.fenceGuest(null);
    }
    if (rd !== 0) this.x[rd] = old;
    this.pc = (this.pc + 4) >>> 0;
    return true;
  }

  /**
   * ecall, ebreak, mret, sret, wfi, sfence.vma, hfence.vvma, hfence.gvma; everything else
   * with funct3 = 0 is illegal. While V=1 the cases the H extension lists ("Trap Cause
   * Codes") are virtual-instruction exceptions instead.
   */
  private privileged(insn: number): boolean {
    const priv = this.priv;
    const virt = this.virt;
    const mstatus = this.csr.mstatus;
    const hstatus = this.csr.h.hstatus;
    switch (insn) {
      case 0x00000073: // 3.3.1 Environment Call; 10 from VS-mode, 8 from VU-mode
        this.raise(priv === PRIV_U ? Exception.EcallFromU : priv === PRIV_M ? Exception.EcallFromM
          : virt ? Exception.EcallFromVS : Exception.EcallFromS, 0, insn);
        return false;
      case 0x00100073: // 3.3.1 Breakpoint: mtval = 0, as QEMU 7.2 writes for EBREAK
        this.raise(Exception.Breakpoint, 0, insn);
        return false;
      case 0x30200073: // 3.3.2 MRET; "Trap Return": V = MPV unless MPP = M, MPV = 0
        if (priv !== PRIV_M) break;
        return this.mret();
      case 0x10200073: // 3.3.2 SRET: S-mode only when TSR is clear (3.1.6.5), VTSR for VS
        if (virt) {
          if (priv === PRIV_U || (hstatus & HSTATUS_VTSR)) return this.virtualInstruction(insn);
          this.priv = returnFromVirtualSupervisor(this.csr.h);
          this.pc = this.csr.h.vsepc >>> 0;
          return true;
        }
        if (priv === PRIV_U || (priv === PRIV_S && (mstatus & MSTATUS_TSR))) break;
        return this.sret();
      case 0x10500073: // 3.3.3 WFI: illegal below M with TW; VU-mode, or VS-mode with VTW: virtual
        if (priv !== PRIV_M && (mstatus & MSTATUS_TW)) break;
        if (virt && (priv === PRIV_U || (hstatus & HSTATUS_VTW))) return this.virtualInstruction(insn);
        if (priv === PRIV_U) break;
        this.pc = (this.pc + 4) >>> 0;
        if ((this.csr.mip() & this.csr.mie) === 0) this.waiting = true;
        return true;
    }
    if ((insn & 0xfe007fff) === 0x12000073) return this.sfenceVma(insn);
    if (this.csr.hypervisor && (insn & 0xbe007fff) === 0x22000073) return this.hfence(insn);
    this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
    return false;
  }

  private virtualInstruction(insn: number): false {
    this.raise(Exception.VirtualInstruction, insn >>> 0, insn);
    return false;
  }

  /** 3.3.2 MRET with "Trap Return" of the H extension. */
  private mret(): boolean {
    const h = this.csr.h;
    const toVirtual = this.csr.hypervisor && (h.mstatush & MSTATUSH_MPV) !== 0
      && ((this.csr.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) !== PRIV_M;
    h.mstatush &= ~MSTATUSH_MPV;
    this.priv = returnFromMachine(this.csr);
    this.virt = toVirtual;
    this.pc = this.csr.mepc >>> 0;
    return true;
  }

  /** 3.3.2 SRET from M- or HS-mode: V = hstatus.SPV, then SPV = 0 ("Trap Return"). */
  private sret(): boolean {
    const h = this.csr.h;
    const toVirtual = this.csr.hypervisor && (h.hstatus & HSTATUS_SPV) !== 0;
    h.hstatus &= ~HSTATUS_SPV;
    this.priv = returnFromSupervisor(this.csr);
    this.virt = toVirtual;
    this.pc = this.csr.sepc >>> 0;
    return true;
  }

  /**
   * 4.2.1 SFENCE.VMA: flushes cached translations (all of them, or those of the address
   * in rs1); illegal in U-mode, and in S-mode with TVM (3.1.6.5). ASIDs are not cached.
   * While V=1 it fences the guest's translations; VU-mode, or VS-mode with VTVM: virtual.
   */
  private sfenceVma(insn: number): boolean {
    const rs1 = (insn >> 15) & 31;
    const va = rs1 === 0 ? null : this.x[rs1] >>> 0;
    if (this.virt) {
      if (this.priv === PRIV_U || (this.csr.h.hstatus & HSTATUS_VTVM)) return this.virtualInstruction(insn);
      this.mmu.fenceGuest(va);
      this.pc = (this.pc + 4) >>> 0;
      return true;
    }
    if (this.priv === PRIV_U || (this.priv === PRIV_S && (this.csr.mstatus & MSTATUS_TVM))) {
      this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    this.mmu.fence(va);
    this.pc = (this.pc + 4) >>> 0;
    return true;
  }

  /**
   * "Hypervisor Memory-Management Fence Instructions": HFENCE.VVMA (funct7 0x11) fences the
   * VS-stage by guest-virtual address or all; HFENCE.GVMA (0x31) the G-stage, which in the
   * combined guest TLB means every guest entry. Virtual while V=1, illegal in U-mode, and
   * HFENCE.GVMA in HS-mode with mstatus.TVM.
   */
  private hfence(insn: number): boolean {
    const gvma = (insn >>> 25) === 0x31;
    if (this.virt) return this.virtualInstruction(insn);
    if (this.priv === PRIV_U || (gvma && this.priv === PRIV_S && (this.csr.mstatus & MSTATUS_TVM))) {
      this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    const rs1 = (insn >> 15) & 31;
    this.mmu.fenceGuest(gvma || rs1 === 0 ? null : this.x[rs1] >>> 0);
    this.pc = (this.pc + 4) >>> 0;
    return true;
  }

  /**
   * "Hypervisor Virtual-Machine Load and Store Instructions": HLV.B/BU/H/HU/W, HLVX.HU/WU
   * and HSV.B/H/W access memory as VS- or VU-mode would (hstatus.SPVP), through two-stage
   * translation. Valid in M- and HS-mode, and U-mode with hstatus.HU; virtual while V=1.
   */
  private hypervisorLoadStore(insn: number): boolean {
    const f7 = insn >>> 25;
    const sel = (insn >> 20) & 31;
    const rd = (insn >> 7) & 31;
    const store = (f7 & 1) === 1;
    const width = (1 << ((f7 >> 1) & 3)) as AccessWidth;
    const known = (f7 & 0x78) === 0x30 && width !== 8 as number
      && (store ? rd === 0 : sel === 0 || (sel === 1 && width < 4) || (sel === 3 && width > 1));
    if (!this.csr.hypervisor || !known) {
      this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    if (this.virt) return this.virtualInstruction(insn);
    if (this.priv === PRIV_U && !(this.csr.h.hstatus & HSTATUS_HU)) {
      this.raise(Exception.IllegalInstruction, insn >>> 0, insn);
      return false;
    }
    const addr = this.x[(insn >> 15) & 31] >>> 0;
    const mmu = this.mmu;
    mmu.virtualAccess = { priv: this.csr.h.hstatus & HSTATUS_SPVP ? PRIV_S : PRIV_U, execute: sel === 3 };
    this.hlvActive = true;
    try {
      if (store) {
        const r = mmu.store(addr, width, this.x[sel]);
        if (r < 0) { this.fault('store', r, addr, insn); return false; }
      } else {
        const v = mmu.load(addr, width);
        if (v < 0) { this.fault('load', v, addr, insn); return false; }
        const signed = sel === 0 && width < 4;
        const value = !signed ? v | 0 : width === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
        if (rd !== 0) this.x[rd] = value;
      }
    } finally {
      mmu.virtualAccess = null;
      this.hlvActive = false;
    }
    this.pc = (this.pc + 4) >>> 0;
    return true;
  }

  getState(): CpuState {
    return {
      kind: 'cpu', version: CPU_STATE_VERSION, x: Array.from(this.x), pc: this.pc,
      priv: this.priv, waiting: this.waiting, reservation: this.reservation,
      csr: this.csr.getState(), clock: this.clock.getState(), tlb: this.mmu.tlb.getState(),
      virt: this.virt, guestTlb: this.mmu.guestTlb.getState(),
    };
  }

  /** Restores a state of version 4, or 3 (a hart before the H extension: V = 0). */
  setState(state: CpuState): void {
    checkCpuStateHeader(state);
    this.x.set(state.x);
    this.x[0] = 0;
    this.pc = state.pc >>> 0;
    this.priv = state.priv === PRIV_U || state.priv === PRIV_S ? state.priv : PRIV_M;
    this.waiting = state.waiting;
    this.reservation = state.reservation;
    this.csr.setState(state.csr);
    this.clock.setState(state.clock);
    this.mmu.tlb.setState(state.tlb);
    this.virt = state.virt === true && this.priv !== PRIV_M;
    if (state.guestTlb) this.mmu.guestTlb.setState(state.guestTlb);
    else this.mmu.fenceGuest(null);
    this.translatorInstance?.flush();
  }
}

const EMPTY_U8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
const EMPTY_I32: Int32Array<ArrayBufferLike> = new Int32Array(0);
const PAGE_MASK = (1 << PAGE_SHIFT) - 1;

const AMO_FUNCT5 = new Set([0b00000, 0b00001, 0b00010, 0b00011, 0b00100, 0b01000, 0b01100,
  0b10000, 0b10100, 0b11000, 0b11100]);

function amoResult(funct5: number, a: number, b: number): number {
  switch (funct5) {
    case 0b00001: return b;
    case 0b00000: return (a + b) | 0;
    case 0b00100: return a ^ b;
    case 0b01100: return a & b;
    case 0b01000: return a | b;
    case 0b10000: return a < b ? a : b;
    case 0b10100: return a > b ? a : b;
    case 0b11000: return (a >>> 0) < (b >>> 0) ? a : b;
    default: return (a >>> 0) > (b >>> 0) ? a : b;
  }
}

function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
