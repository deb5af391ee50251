// The translator's WebAssembly back end: a region of guest code (planned as for the
// JavaScript back end, code-generator.ts) becomes one WebAssembly module over the RAM's
// own memory (wasm-ram.ts). WebAssembly has no type feedback, so nothing deoptimizes when
// a path first runs late: regions may hold whole loops (WASM_REGION).
//
// Semantics and calling convention are the JavaScript back end's, instruction for
// instruction: the same RAM fast path (one bounds check; misaligned accesses performed, as
// the interpreter does), the same dirty-byte marking and code-store check, budget checked
// per block (whole blocks only), and every access that misses the fast path — out of RAM,
// the watched word — bails to the interpreter; paged regions (WasmEnv.paged) take the
// 'paged' flavour's fast path instead. Where WebAssembly traps and RISC-V does not
// (division by zero, INT_MIN / -1) the code tests first; mulh* use i64 products.
//
// Shape of `run(budget, entry)`: the used registers are loaded from the shared area into
// locals, then the region's blocks run inside loops nested as the guest's loops are (as in
// code-generator.ts: Tarjan's components, recursively): each loop is a WebAssembly `loop`
// that dispatches on the block number with a br_table, each of its items (a block, or an
// inner loop) following the end of its own `block` label, so falling through reaches the
// next item; a block that jumps to itself is a `loop` of its own. Nesting matters: the
// engine keeps in machine registers only the locals a loop assigns, so an inner loop does
// not carry every register of the region. A computed target (jalr) is looked up by
// comparing pc with each block's start. A block's steps are counted as it begins (c);
// every exit sets locals (pc, k = the steps of the block not retired, taken back; exit e;
// reason) and branches to the one epilogue, which stores them and the written registers.

import {
  EXIT_FALLBACK, EXIT_NONE, EXIT_REVALIDATE, REASON_ACCESS, branchOffset, endsBlock, innerLoops, jalOffset,
  loopHeader, noteRegisters, successorsInRegion, type BlockPlan, type Decoded, type RegionLimits,
} from './code-generator.ts';
import type { WasmRam } from './memory.ts';
import {
  AREA_EXIT, AREA_PC, AREA_REASON, AREA_ROFF, AREA_RVPN, AREA_WATCH, AREA_WOFF, AREA_WVPN,
} from './wasm-ram.ts';
import {
  FN_CODE_STORE, FN_FENCE_I, FN_READ_PAGE, FN_WRITE_PAGE, FunctionBody, Op, encodeModule,
} from './wasm-encoder.ts';

/**
 * Regions of the WebAssembly back end: the loops through the entry, as for JavaScript, but
 * up to 32 blocks (all a page's loop usually has). Measured (docs/benchmarks.md): 4 blocks
 * left sort 25.7 M region entries, 32 blocks 0.85 M; keeping also the blocks on the way
 * into the loops, or every block reached (calls followed to their return), cut sort's
 * entries to under 100 but made sieve and crc32 slower by up to half wherever regions are
 * called more than once (every mode but one long Machine.run): more code for TurboFan to
 * compile, on threads whose time counts.
 */
export const WASM_REGION: RegionLimits = { blocks: 32, insns: 1024 };

// Locals: parameters first, then r1..r31 at 1 + r, then the working ones.
const BUDGET = 0;
const ENTRY = 1;
const C = 33; // steps of the blocks begun (each counted whole as it begins)
const B = 34; // the block to run next
const PC = 35;
const K = 36; // correction to C when leaving: minus the current block's steps not retired
const E = 37;
const WHY = 38;
const O = 39; // RAM offset of the access (paged: its virtual address)
const H = 40; // a store hit translated code
const Q = 41; // a dirty byte's page (paged: the access's virtual page)
const D = 42; // its value (paged: the offset in the page)
const WATCH = 43;
const T = 44;
const LOCALS = 43; // locals 2..44

const reg = (r: number) => 1 + r;

/**
 * What a region is compiled for: a RAM window (base, size; code running untranslated), or
 * `paged` code (Sv32) whose frames are in the RAM — its accesses then go through the paged
 * fast path, as code-generator.ts's 'paged' flavour: the page last read / stored is cached
 * as its frame's offset in the memory (AREA_RVPN..AREA_WOFF), a miss asks the imported
 * readPage / writePage (the translator's, with the same refusals: -1 bails), and an access
 * that reaches past byte 4092 of its page bails.
 */
export interface WasmEnv {
  base: number;
  size: number;
  wasm: WasmRam;
  paged?: boolean;
}

/** The binary module of a region (see the top of this file). */
export function generateWasm(plans: BlockPlan[], env: WasmEnv): Uint8Array {
  return new WasmGenerator(plans, env).module();
}

class WasmGenerator {
  private readonly f = new FunctionBody();
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  private readonly index = new Map<number, number>();
  private readonly area: number;
  /** The loops around the code being generated, innermost last. */
  private readonly groups: Array<{ label: string; itemOf: Map<number, number>; items: number[][]; single: boolean; current: number }> = [];
  private labels = 0;

  constructor(private readonly plans: BlockPlan[], private readonly env: WasmEnv) {
    for (const plan of plans) for (const d of plan.insns) noteRegisters(d.insn, this.used, this.written);
    plans.forEach((p, i) => this.index.set(p.pc, i));
    this.area = env.wasm.area;
  }

  module(): Uint8Array {
    const f = this.f;
    for (const r of [...this.used].sort((a, b) => a - b)) f.i32(0).mem(Op.i32Load, 2, this.area + 4 * r).set(reg(r));
    f.i32(0).mem(Op.i32Load, 2, this.area + 4 * AREA_WATCH).set(WATCH);
    f.get(ENTRY).set(B);
    f.open('block', 'out');
    this.group(this.plans.map((_, i) => i), 0, true);
    f.end();
    // The one way out.
    f.i32(0).get(PC).mem(Op.i32Store, 2, this.area + 4 * AREA_PC);
    f.i32(0).get(E).mem(Op.i32Store, 2, this.area + 4 * AREA_EXIT);
    f.i32(0).get(WHY).mem(Op.i32Store, 2, this.area + 4 * AREA_REASON);
    for (const r of [...this.written].sort((a, b) => a - b)) f.i32(0).get(reg(r)).mem(Op.i32Store, 2, this.area + 4 * r);
    f.get(C).get(K).op(Op.i32Add);
    return encodeModule(f, LOCALS, this.env.wasm.pages);
  }

  /**
   * One loop of the region (the whole region at the top): its header, its other blocks and
   * its inner loops (cycles that avoid the header) as items of a dispatch loop; entered
   * with B set to one of its blocks.
   */
  private group(members: number[], header: number, top: boolean): void {
    const f = this.f;
    const rest = members.filter((m) => m !== header);
    const loops = innerLoops(rest, (i) => this.successorsIn(i));
    const items: number[][] = [];
    // A header that loops to itself: that loop is an item too (the outer loop is the rest).
    if (this.successorsIn(header).includes(header) && members.length > 1) loops.unshift([header]);
    else items.push([header]);
    for (const m of rest) if (!loops.some((l) => l.includes(m))) items.push([m]);
    items.push(...loops);
    const label = `g${++this.labels}`;
    const itemOf = new Map<number, number>();
    items.forEach((item, j) => { for (const m of item) itemOf.set(m, j); });
    const frame = { label, itemOf, items, single: false, current: -1 };
    this.groups.push(frame);
    f.open('loop', label);
    for (let j = items.length - 1; j >= 0; j--) f.open('block', `${label}.${j}`);
    f.open('block', `${label}.x`);
    const table = this.plans.map((_, i) => (itemOf.has(i) ? `${label}.${itemOf.get(i)!}` : `${label}.x`));
    f.get(B).brTable(table, `${label}.x`);
    f.end();
    if (top) {
      // A computed target: a block of the region, or back to the dispatcher (pc is set).
      this.plans.forEach((p, i) => {
        f.get(PC).i32(p.pc).op(Op.i32Eq).open('if').i32(i).set(B).br(label).end();
      });
      f.br('out');
    } else {
      f.op(Op.unreachable); // entered only with B set to one of its blocks
    }
    items.forEach((item, j) => {
      f.end();
      frame.current = j;
      if (item.length > 1) this.group(item, this.headerOf(item), false);
      else if (loops.includes(item)) this.selfLoop(item[0]!);
      else this.block(item[0]!);
    });
    f.end();
    this.groups.pop();
  }

  /** A block that jumps to itself: a loop of its own. */
  private selfLoop(i: number): void {
    const label = `g${++this.labels}`;
    this.groups.push({ label, itemOf: new Map([[i, 0]]), items: [[i]], single: true, current: 0 });
    this.f.open('loop', label);
    this.block(i);
    this.f.end();
    this.groups.pop();
  }

  /** Indices of the blocks of the region a block may go to directly. */
  private successorsIn(i: number): number[] {
    return successorsInRegion(this.plans, this.index, i);
  }

  private headerOf(scc: number[]): number {
    return loopHeader(this.plans, scc, (i) => this.successorsIn(i));
  }

  private block(i: number): void {
    const f = this.f;
    const plan = this.plans[i]!;
    const n = plan.insns.length;
    // Only whole blocks run: count this one now, and stop before it if it does not fit.
    f.get(C).i32(n).op(Op.i32Add).tee(C).get(BUDGET).op(Op.i32GtS).open('if');
    this.leave(plan.pc, -n, EXIT_NONE);
    f.end();
    plan.insns.forEach((d, k) => this.instruction(d, k, n));
    const last = plan.insns[n - 1]!;
    if (!endsBlock(last.insn)) this.goTo((last.pc + last.len) | 0, true);
  }

  /**
   * Continue at a static pc: in the region by the innermost loop that holds it (falling
   * through when it is the next item of the current loop), else leave.
   */
  private goTo(target: number, tail: boolean): void {
    const f = this.f;
    const i = this.index.get(target);
    if (i === undefined) {
      this.leave(target, 0, EXIT_NONE);
      return;
    }
    for (let d = this.groups.length - 1; d >= 0; d--) {
      const g = this.groups[d]!;
      const j = g.itemOf.get(i);
      if (j === undefined) continue;
      if (g.single) {
        f.br(g.label);
      } else if (tail && d === this.groups.length - 1 && j === g.current + 1) {
        if (g.items[j]!.length > 1) f.i32(i).set(B); // an inner loop dispatches on B
      } else {
        f.i32(i).set(B).br(g.label);
      }
      return;
    }
    throw new Error('a region block outside every loop');
  }

  /** Leave, going on at pc; `correction` takes back the steps of the block not retired. */
  private leave(pc: number, correction: number, exit: number): void {
    const f = this.f;
    f.i32(pc).set(PC);
    if (correction !== 0) f.i32(correction).set(K);
    if (exit !== EXIT_NONE) f.i32(exit).set(E);
    f.br('out');
  }

  /** Leave before instruction number k of a block of n (at pc), for the interpreter to run it. */
  private bail(pc: number, k: number, n: number, reason: number): void {
    this.f.i32(pc).set(PC).i32(EXIT_FALLBACK).set(E).i32(reason).set(WHY);
    if (k !== n) this.f.i32(k - n).set(K);
    this.f.br('out');
  }

  private read(r: number): void {
    if (r === 0) this.f.i32(0);
    else this.f.get(reg(r));
  }

  private instruction(d: Decoded, k: number, n: number): void {
    const { insn, pc, len } = d;
    const f = this.f;
    const rd = (insn >> 7) & 31;
    const rs1 = (insn >> 15) & 31;
    const rs2 = (insn >> 20) & 31;
    const f3 = (insn >> 12) & 7;
    const next = (pc + len) | 0;
    switch (insn & 0x7f) {
      case 0x33:
        if (rd !== 0) {
          this.aluReg(insn >>> 25, f3, rs1, rs2);
          f.set(reg(rd));
        }
        return;
      case 0x13:
        if (rd !== 0) {
          this.aluImm(insn, f3, rs1);
          f.set(reg(rd));
        }
        return;
      case 0x37:
        if (rd !== 0) f.i32(insn & 0xfffff000).set(reg(rd));
        return;
      case 0x17:
        if (rd !== 0) f.i32((pc + (insn & 0xfffff000)) | 0).set(reg(rd));
        return;
      case 0x03: this.load(f3, rd, rs1, insn >> 20, pc, k, n); return;
      case 0x23: this.store(f3, rs1, rs2, ((insn >> 20) & ~31) | rd, pc, next, k, n); return;
      case 0x0f:
        if (f3 === 1) { // FENCE.I: stores are already seen, but say it: forget every translation
          f.call(FN_FENCE_I);
          this.leave(next, 0, EXIT_REVALIDATE);
        }
        return; // FENCE: nothing to order on one hart
      case 0x6f:
        if (rd !== 0) f.i32(next).set(reg(rd));
        this.goTo((pc + jalOffset(insn)) | 0, true);
        return;
      case 0x67: // the target is found by comparing with the region's blocks
        this.read(rs1);
        f.i32(insn >> 20).op(Op.i32Add).i32(~1).op(Op.i32And).set(T);
        if (rd !== 0) f.i32(next).set(reg(rd));
        f.get(T).set(PC).i32(-1).set(B).br(this.groups[0]!.label);
        return;
      case 0x63:
        this.read(rs1);
        this.read(rs2);
        f.op(BRANCH[f3]!).open('if');
        this.goTo((pc + branchOffset(insn)) | 0, false);
        f.end();
        this.goTo(next, true);
        return;
    }
    throw new Error(`untranslatable instruction 0x${(insn >>> 0).toString(16)} planned`);
  }

  private aluReg(f7: number, f3: number, rs1: number, rs2: number): void {
    const f = this.f;
    if (f7 === 1) {
      this.multiplyDivide(f3, rs1, rs2);
      return;
    }
    this.read(rs1);
    this.read(rs2);
    if (f7 === 0x20) f.op(f3 === 0 ? Op.i32Sub : Op.i32ShrS);
    else f.op(ALU[f3]!);
  }

  private aluImm(insn: number, f3: number, rs1: number): void {
    const f = this.f;
    const imm = insn >> 20;
    this.read(rs1);
    if (f3 === 1 || f3 === 5) {
      f.i32(imm & 31).op(f3 === 1 ? Op.i32Shl : (insn >>> 25) === 0 ? Op.i32ShrU : Op.i32ShrS);
    } else {
      f.i32(imm).op(ALU[f3]!);
    }
  }

  /** The M extension; division never traps (RISC-V defines every result, 7.2). */
  private multiplyDivide(f3: number, rs1: number, rs2: number): void {
    const f = this.f;
    const wide = (signedA: boolean, signedB: boolean, shift: number) => {
      this.read(rs1);
      f.op(signedA ? Op.i64ExtendI32S : Op.i64ExtendI32U);
      this.read(rs2);
      f.op(signedB ? Op.i64ExtendI32S : Op.i64ExtendI32U, Op.i64Mul).i64(32).op(shift, Op.i32WrapI64);
    };
    switch (f3) {
      case 0: this.read(rs1); this.read(rs2); f.op(Op.i32Mul); return;
      case 1: wide(true, true, Op.i64ShrS); return;
      case 2: wide(true, false, Op.i64ShrS); return;
      case 3: wide(false, false, Op.i64ShrU); return;
      case 4: // div: x/0 = -1; INT_MIN / -1 = INT_MIN (= 0 - INT_MIN)
        this.read(rs2);
        f.op(Op.i32Eqz).open('if', null, true).i32(-1).else();
        this.read(rs2);
        f.i32(-1).op(Op.i32Eq).open('if', null, true).i32(0);
        this.read(rs1);
        f.op(Op.i32Sub).else();
        this.read(rs1);
        this.read(rs2);
        f.op(Op.i32DivS).end().end();
        return;
      default: { // divu: x/0 = 2^32-1; rem, remu: x%0 = x (rem_s never traps on INT_MIN % -1)
        const op = f3 === 5 ? Op.i32DivU : f3 === 6 ? Op.i32RemS : Op.i32RemU;
        this.read(rs2);
        f.op(Op.i32Eqz).open('if', null, true);
        if (f3 === 5) f.i32(-1);
        else this.read(rs1);
        f.else();
        this.read(rs1);
        this.read(rs2);
        f.op(op).end();
      }
    }
  }

  /** The RAM offset of rs1 + imm into O, and whether it is out of bounds for `width`. */
  private offset(rs1: number, imm: number, width: number): void {
    this.read(rs1);
    this.f.i32((imm - this.env.base) | 0).op(Op.i32Add).tee(O).i32(this.env.size - width).op(Op.i32GtU);
  }

  /**
   * Paged: the RAM offset of the access rs1 + imm, left on the stack, through the cached
   * page of `vpn`/`off` slots (asking `fn` on a miss); bails where the JavaScript back end's
   * 'paged' flavour does, in the same order (the page is asked for first).
   */
  private pagedOffset(rs1: number, imm: number, vpn: number, off: number, fn: number, pc: number, k: number, n: number): void {
    const f = this.f;
    const area = this.area;
    this.read(rs1);
    f.i32(imm).op(Op.i32Add).tee(O).i32(12).op(Op.i32ShrU).tee(Q)
      .i32(0).mem(Op.i32Load, 2, area + 4 * vpn).op(Op.i32Ne).open('if');
    f.get(Q).call(fn).i32(0).op(Op.i32LtS).open('if');
    this.bail(pc, k, n, REASON_ACCESS);
    f.end().end();
    f.get(O).i32(4095).op(Op.i32And).tee(D).i32(4092).op(Op.i32GtU).open('if');
    this.bail(pc, k, n, REASON_ACCESS);
    f.end();
    f.i32(0).mem(Op.i32Load, 2, area + 4 * off).get(D).op(Op.i32Add);
  }

  private load(f3: number, rd: number, rs1: number, imm: number, pc: number, k: number, n: number): void {
    const f = this.f;
    const [op, width] = LOAD[f3]!;
    if (this.env.paged === true) {
      this.pagedOffset(rs1, imm, AREA_RVPN, AREA_ROFF, FN_READ_PAGE, pc, k, n);
      if (rd !== 0) f.mem(op, width >> 1, 0).set(reg(rd));
      else f.op(Op.drop);
      return;
    }
    this.offset(rs1, imm, width);
    f.open('if');
    this.bail(pc, k, n, REASON_ACCESS);
    f.end();
    if (rd !== 0) f.get(O).mem(op, width >> 1, 0).set(reg(rd));
  }

  private store(f3: number, rs1: number, rs2: number, imm: number, pc: number, next: number, k: number, n: number): void {
    const f = this.f;
    const width = f3 === 0 ? 1 : f3 === 1 ? 2 : 4;
    const op = width === 1 ? Op.i32Store8 : width === 2 ? Op.i32Store16 : Op.i32Store;
    if (this.env.paged === true) {
      // No dirty marking or code check here: writePage marked the page and refuses code pages.
      this.pagedOffset(rs1, imm, AREA_WVPN, AREA_WOFF, FN_WRITE_PAGE, pc, k, n);
      this.read(rs2);
      f.mem(op, width >> 1, 0);
      return;
    }
    this.offset(rs1, imm, width);
    if (width === 4) f.get(O).get(WATCH).op(Op.i32Eq, Op.i32Or);
    f.open('if');
    this.bail(pc, k, n, REASON_ACCESS);
    f.end();
    f.get(O);
    this.read(rs2);
    f.mem(op, width >> 1, 0);
    // A store that hit translated code leaves after itself, once every page is marked.
    const hit = () => this.leave(next, k + 1 - n, EXIT_REVALIDATE);
    const both = (first: number, second: number) => {
      f.i32(0).set(H);
      this.mark(first, width, null);
      this.mark(second, width, null);
      f.get(H).open('if');
      hit();
      f.end();
    };
    if (width === 1) {
      this.mark(0, 1, hit);
    } else if (width === 2) {
      both(0, 1);
    } else {
      f.get(O).i32(3).op(Op.i32And).open('if');
      both(3, 0);
      f.else();
      this.mark(0, 4, hit);
      f.end();
    }
  }

  /**
   * Marks the page of O + delta dirty, as code-generator.ts's store does: 0 becomes 1, 1
   * stays; a page holding translated code (bit 1) asks codeStore whether code was hit,
   * and if so `hit` runs (or, without one, H is set).
   */
  private mark(delta: number, width: number, hit: (() => void) | null): void {
    const f = this.f;
    const dirty = this.env.wasm.dirty;
    f.get(O);
    if (delta !== 0) f.i32(delta).op(Op.i32Add);
    f.i32(12).op(Op.i32ShrU).tee(Q).mem(Op.i32Load8U, 0, dirty).tee(D).i32(1).op(Op.i32Ne).open('if');
    f.get(D).op(Op.i32Eqz).open('if');
    f.get(Q).i32(1).mem(Op.i32Store8, 0, dirty);
    f.else();
    f.get(Q).get(O).i32(width).call(FN_CODE_STORE).open('if');
    if (hit !== null) hit();
    else f.i32(1).set(H);
    f.end();
    f.end().end();
  }
}

/** Register-register and immediate ALU operations by funct3 (funct7 0). */
const ALU = [Op.i32Add, Op.i32Shl, Op.i32LtS, Op.i32LtU, Op.i32Xor, Op.i32ShrU, Op.i32Or, Op.i32And];
const BRANCH = [Op.i32Eq, Op.i32Ne, 0, 0, Op.i32LtS, Op.i32GeS, Op.i32LtU, Op.i32GeU];
const LOAD: Array<[number, number] | undefined> = [
  [Op.i32Load8S, 1], [Op.i32Load16S, 2], [Op.i32Load, 4], undefined, [Op.i32Load8U, 1], [Op.i32Load16U, 2],
];
