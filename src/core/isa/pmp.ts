// Physical memory protection (RISC-V privileged spec 3.7): up to 64 entries, each a
// configuration byte (R, W, X, address-matching mode A, lock L) and an address register.
//
// The number of entries is a property of the hart, chosen when it is built (default 0,
// like QEMU with `pmp=false`). With zero entries every access is allowed and the pmpcfg/
// pmpaddr CSRs read as zero and ignore writes (WARL, 3.7.1), so programs written for QEMU
// that program PMP before leaving M-mode still run. With entries, the rules of 3.7.1:
// the lowest-numbered entry that matches any byte of an access decides, it must match
// every byte, and an S- or U-mode access that no entry matches fails. M-mode is checked
// only against locked entries. Granularity is 4 bytes (G = 0), so NA4 exists.

export const PMP_R = 1;
export const PMP_W = 2;
export const PMP_X = 4;
const PMP_A = 3 << 3;
const PMP_L = 1 << 7;
const A_OFF = 0;
const A_TOR = 1;
const A_NA4 = 2;
const A_NAPOT = 3;

/** The largest number of entries the spec allows (pmpcfg0..15, pmpaddr0..63). */
export const PMP_MAX_ENTRIES = 64;

export type PmpAccess = typeof PMP_R | typeof PMP_W | typeof PMP_X;

export interface PmpState {
  entries: number;
  cfg: number[];
  addr: number[];
}

export class Pmp {
  readonly entries: number;
  private readonly cfg: Uint8Array;
  private readonly addr: Uint32Array;
  /** Matching range [lo, hi) of each entry, in bytes (34-bit addresses fit a double). */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** Some entry is locked and active: M-mode accesses are checked too. */
  private lockedActive = false;
  private anyActive = false;

  constructor(entries = 0) {
    if (!Number.isInteger(entries) || entries < 0 || entries > PMP_MAX_ENTRIES) {
      throw new RangeError(`PMP entries must be an integer from 0 to ${PMP_MAX_ENTRIES}, got ${entries}`);
    }
    this.entries = entries;
    this.cfg = new Uint8Array(entries);
    this.addr = new Uint32Array(entries);
    this.lo = new Float64Array(entries);
    this.hi = new Float64Array(entries);
  }

  /** pmpcfgN (RV32: N = 0..15, four entries each); missing entries read as zero. */
  readCfg(n: number): number {
    let v = 0;
    for (let b = 3; b >= 0; b--) v = (v << 8) | (this.cfg[n * 4 + b] ?? 0);
    return v | 0;
  }

  writeCfg(n: number, value: number): void {
    for (let b = 0; b < 4; b++) {
      const i = n * 4 + b;
      if (i >= this.entries || (this.cfg[i]! & PMP_L)) continue;
      let c = (value >>> (8 * b)) & 0x9f; // bits 5..6 are reserved zero
      if ((c & (PMP_R | PMP_W)) === PMP_W) c &= ~PMP_W; // R=0, W=1 is reserved
      this.cfg[i] = c;
    }
    this.recompute();
  }

  /** pmpaddrN holds address bits 33..2. */
  readAddr(n: number): number {
    return n < this.entries ? this.addr[n]! | 0 : 0;
  }

  writeAddr(n: number, value: number): void {
    if (n >= this.entries || this.locked(n)) return;
    this.addr[n] = value >>> 0;
    this.recompute();
  }

  /** Does PMP check accesses at `priv` at all? (If not, the fast paths may skip it.) */
  restricts(priv: number): boolean {
    return this.entries > 0 && (priv !== 3 || this.lockedActive);
  }

  /** 3.7.1: may `priv` access [addr, addr + size) this way? */
  allows(addr: number, size: number, access: PmpAccess, priv: number): boolean {
    if (!this.restricts(priv)) return true;
    const first = addr >>> 0;
    const last = first + size - 1;
    for (let i = 0; i < this.entries; i++) {
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (hi <= lo || last < lo || first >= hi) continue;
      if (first < lo || last >= hi) return false; // matches only some bytes
      return this.permits(i, access, priv);
    }
    return priv === 3;
  }

  /**
   * The permissions (PMP_R | PMP_W | PMP_X) that hold for every byte of the 4 KiB page at
   * `pageAddr` at `priv`, or -1 when they differ within the page (check each access).
   */
  pagePermissions(pageAddr: number, priv: number): number {
    if (!this.restricts(priv)) return PMP_R | PMP_W | PMP_X;
    const first = pageAddr >>> 0;
    const last = first + 4095;
    for (let i = 0; i < this.entries; i++) {
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (hi <= lo || last < lo || first >= hi) continue;
      if (first < lo || last >= hi) return -1;
      let p = 0;
      for (const a of [PMP_R, PMP_W, PMP_X] as const) if (this.permits(i, a, priv)) p |= a;
      return p;
    }
    return priv === 3 ? PMP_R | PMP_W | PMP_X : 0;
  }

  private permits(i: number, access: PmpAccess, priv: number): boolean {
    const c = this.cfg[i]!;
    if (priv === 3 && !(c & PMP_L)) return true;
    return (c & access) !== 0;
  }

  /** An entry's registers are locked by its own L, and pmpaddr by the next entry's TOR lock. */
  private locked(i: number): boolean {
    if (this.cfg[i]! & PMP_L) return true;
    const next = this.cfg[i + 1];
    return next !== undefined && (next & PMP_L) !== 0 && ((next & PMP_A) >> 3) === A_TOR;
  }

  private recompute(): void {
    this.lockedActive = false;
    this.anyActive = false;
    for (let i = 0; i < this.entries; i++) {
      const c = this.cfg[i]!;
      const a = this.addr[i]! * 4;
      let lo = 0;
      let hi = 0;
      switch ((c & PMP_A) >> 3) {
        case A_OFF: break;
        case A_TOR: lo = i === 0 ? 0 : this.addr[i - 1]! * 4; hi = a; break;
        case A_NA4: lo = a; hi = a + 4; break;
        case A_NAPOT: {
          const ones = trailingOnes(this.addr[i]!);
          const size = 2 ** (ones + 3);
          lo = Math.floor(a / size) * size;
          hi = lo + size;
          break;
        }
      }
      this.lo[i] = lo;
      this.hi[i] = hi;
      if ((c & PMP_A) !== 0) {
        this.anyActive = true;
        if (c & PMP_L) this.lockedActive = true;
      }
    }
  }

  /** Some entry has a matching mode other than OFF. */
  get active(): boolean {
    return this.anyActive;
  }

  getState(): PmpState {
    return { entries: this.entries, cfg: Array.from(this.cfg), addr: Array.from(this.addr) };
  }

  /** Restores registers saved from a hart with the same number of entries. */
  setState(s: PmpState): void {
    if (s.entries !== this.entries || s.cfg.length !== this.entries || s.addr.length !== this.entries) {
      throw new RangeError(`saved PMP has ${s.entries} entries, this hart has ${this.entries}`);
    }
    this.cfg.set(s.cfg);
    this.addr.set(s.addr);
    this.recompute();
  }
}

function trailingOnes(v: number): number {
  let n = 0;
  while (n < 32 && ((v >>> n) & 1)) n++;
  return n;
}
