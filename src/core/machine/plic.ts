// The platform-level interrupt controller at 0x0c000000, laid out as QEMU virt's
// (RISC-V PLIC specification 1.0.0; QEMU hw/intc/sifive_plic.c): one hart, two contexts,
// context 0 its M-mode (drives mip.MEIP) and context 1 its S-mode (drives mip.SEIP).
//
//   0x000000 + 4*s        priority of source s (3 bits, WARL; 0 = never interrupts)
//   0x001000 + 4*w        pending bits of sources 32w..32w+31 (read-only)
//   0x002000 + 0x80*c     enable bits of context c, one word per 32 sources
//   0x200000 + 0x1000*c   priority threshold of context c
//   0x200004 + 0x1000*c   claim (read) / complete (write) of context c
//
// Sources follow their device's line as QEMU's gateway does: raising the line sets the
// pending bit, lowering it clears it. A claim returns the highest-priority pending source
// enabled for the context whose priority exceeds its threshold (ties: the lowest id),
// clears its pending bit and keeps it from being claimed again until completed.

import type { AccessWidth } from '../isa/memory.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import type { MmioDevice } from './device.ts';

export const PLIC_BASE = 0x0c00_0000;
/** QEMU virt's VIRTIO_NDEV: sources 1..52 exist; 0 means "no interrupt". */
export const PLIC_SOURCES = 0x35;
export const PLIC_CONTEXTS = 2;
export const PLIC_STATE_VERSION = 1;
/** The sources of QEMU virt's devices. */
export const UART_IRQ = 10;
export const VIRTIO_IRQ_BASE = 1;

const PRIORITY_MASK = 7; // 3 priority bits, as QEMU virt
const WORDS = Math.ceil(PLIC_SOURCES / 32);
const PENDING = 0x1000;
const ENABLE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

export interface PlicState {
  kind: 'plic';
  version: number;
  priority: number[];
  pending: number[];
  claimed: number[];
  enable: number[][];
  threshold: number[];
}

export class Plic implements MmioDevice {
  readonly name = 'plic';
  readonly size = CONTEXT + PLIC_CONTEXTS * CONTEXT_STRIDE;
  private priority = new Array<number>(PLIC_SOURCES).fill(0);
  private pending = new Array<number>(WORDS).fill(0);
  private claimed = new Array<number>(WORDS).fill(0);
  private enable = Array.from({ length: PLIC_CONTEXTS }, () => new Array<number>(WORDS).fill(0));
  private threshold = new Array<number>(PLIC_CONTEXTS).fill(0);
  /** Counts of claims by source since reset (the lab shows interrupts by source). */
  readonly claims = new Array<number>(PLIC_SOURCES).fill(0);

  /** setContextLine(c, level): context c's interrupt output (0 -> MEIP, 1 -> SEIP). */
  constructor(private readonly setContextLine: (context: number, level: boolean) => void, readonly base: number = PLIC_BASE) {}

  /** A device's interrupt line, as its gateway sees it. */
  setSource(source: number, level: boolean): void {
    if (source <= 0 || source >= PLIC_SOURCES) return;
    const w = source >>> 5;
    const bit = 1 << (source & 31);
    this.pending[w] = level ? this.pending[w]! | bit : this.pending[w]! & ~bit;
    this.update();
  }

  read(offset: number, width: AccessWidth): number {
    if (width !== 4 || offset & 3) return 0; // 32-bit registers only, as on QEMU
    if (offset < PENDING) return offset >>> 2 < PLIC_SOURCES ? this.priority[offset >>> 2]! : 0;
    if (offset < ENABLE) {
      const w = (offset - PENDING) >>> 2;
      return w < WORDS ? this.pending[w]! >>> 0 : 0;
    }
    if (offset < CONTEXT) {
      const c = Math.floor((offset - ENABLE) / ENABLE_STRIDE);
      const w = ((offset - ENABLE) % ENABLE_STRIDE) >>> 2;
      return c < PLIC_CONTEXTS && w < WORDS ? this.enable[c]![w]! >>> 0 : 0;
    }
    const c = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE);
    const reg = (offset - CONTEXT) % CONTEXT_STRIDE;
    if (c >= PLIC_CONTEXTS) return 0;
    if (reg === 0) return this.threshold[c]!;
    if (reg === 4) return this.claim(c);
    return 0;
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (width !== 4 || offset & 3) return;
    if (offset < PENDING) {
      const s = offset >>> 2;
      if (s > 0 && s < PLIC_SOURCES) this.priority[s] = value & PRIORITY_MASK;
    } else if (offset < ENABLE) {
      return; // pending bits are read-only
    } else if (offset < CONTEXT) {
      const c = Math.floor((offset - ENABLE) / ENABLE_STRIDE);
      const w = ((offset - ENABLE) % ENABLE_STRIDE) >>> 2;
      if (c < PLIC_CONTEXTS && w < WORDS) this.enable[c]![w] = (value & sourceMask(w)) | 0;
    } else {
      const c = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE);
      const reg = (offset - CONTEXT) % CONTEXT_STRIDE;
      if (c >= PLIC_CONTEXTS) return;
      if (reg === 0) this.threshold[c] = value & PRIORITY_MASK;
      else if (reg === 4) this.complete(c, value >>> 0);
    }
    this.update();
  }

  /** PLIC spec 1.0.0 §8: the best pending, enabled, unclaimed source above the threshold. */
  private best(context: number): number {
    let bestSource = 0;
    let bestPriority = this.threshold[context]!;
    for (let w = 0; w < WORDS; w++) {
      const ready = this.pending[w]! & ~this.claimed[w]! & this.enable[context]![w]!;
      if (ready === 0) continue;
      for (let b = 0; b < 32; b++) {
        const s = w * 32 + b;
        if (ready & (1 << b) && this.priority[s]! > bestPriority) {
          bestSource = s;
          bestPriority = this.priority[s]!;
        }
      }
    }
    return bestSource;
  }

  private claim(context: number): number {
    const s = this.best(context);
    if (s !== 0) {
      this.pending[s >>> 5] = this.pending[s >>> 5]! & ~(1 << (s & 31));
      this.claimed[s >>> 5] = this.claimed[s >>> 5]! | (1 << (s & 31));
      this.claims[s] = this.claims[s]! + 1;
    }
    this.update();
    return s;
  }

  /** §9: a completion for a source not enabled for this context is ignored. */
  private complete(context: number, source: number): void {
    if (source >= PLIC_SOURCES) return;
    const bit = 1 << (source & 31);
    if ((this.enable[context]![source >>> 5]! & bit) === 0) return;
    this.claimed[source >>> 5] = this.claimed[source >>> 5]! & ~bit;
  }

  private update(): void {
    for (let c = 0; c < PLIC_CONTEXTS; c++) this.setContextLine(c, this.best(c) !== 0);
  }

  reset(): void {
    this.setState({
      kind: 'plic', version: PLIC_STATE_VERSION, priority: new Array<number>(PLIC_SOURCES).fill(0),
      pending: new Array<number>(WORDS).fill(0), claimed: new Array<number>(WORDS).fill(0),
      enable: Array.from({ length: PLIC_CONTEXTS }, () => new Array<number>(WORDS).fill(0)),
      threshold: new Array<number>(PLIC_CONTEXTS).fill(0),
    });
    this.claims.fill(0);
  }

  getState(): PlicState {
    return {
      kind: 'plic', version: PLIC_STATE_VERSION, priority: [...this.priority], pending: [...this.pending],
      claimed: [...this.claimed], enable: this.enable.map((e) => [...e]), threshold: [...this.threshold],
    };
  }

  setState(s: PlicState): void {
    checkPlicState(s);
    this.priority = [...s.priority];
    this.pending = [...s.pending];
    this.claimed = [...s.claimed];
    this.enable = s.enable.map((e) => [...e]);
    this.threshold = [...s.threshold];
    this.update();
  }
}

/** Throws unless `s` is a whole PLIC state of this version (checked before anything changes). */
export function checkPlicState(s: PlicState): void {
  checkStateHeader(s, 'plic', PLIC_STATE_VERSION);
  const words = (a: unknown, n: number) => Array.isArray(a) && a.length === n && a.every((v) => Number.isInteger(v));
  if (!words(s.priority, PLIC_SOURCES) || !words(s.pending, WORDS) || !words(s.claimed, WORDS)
    || !words(s.threshold, PLIC_CONTEXTS) || !Array.isArray(s.enable) || s.enable.length !== PLIC_CONTEXTS
    || !s.enable.every((e) => words(e, WORDS))) {
    throw new RangeError('damaged PLIC state');
  }
}

/** Enable bits exist for sources 1..PLIC_SOURCES-1 only. */
function sourceMask(word: number): number {
  let mask = 0;
  for (let b = 0; b < 32; b++) {
    const s = word * 32 + b;
    if (s > 0 && s < PLIC_SOURCES) mask |= 1 << b;
  }
  return mask;
}
