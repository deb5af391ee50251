// The translator's JavaScript back end (and the planning both back ends share: blocks,
// regions, loops): a region of guest code — a hot basic block and the blocks on its loops
// within the same page — becomes the source text of one JavaScript function, compiled
// once with `new Function` (the engine then compiles that to machine code like any other
// hot function). wasm-generator.ts is the WebAssembly back end for RAM regions (and,
// with Translator.pagedWasm, paged code in RAM).
//
// What the generated code keeps from the interpreter (cpu.ts), instruction for instruction:
// the same int32 arithmetic, the same RAM fast path (typed arrays, the same bounds checks,
// misaligned accesses through a DataView, one dirty byte per stored page), and the same
// paged fast path (Memory.dataPage views). Everything else is left to the interpreter:
// a block never contains SYSTEM, AMO or illegal instructions, and any access that misses
// the fast path "bails": the function writes its registers back, sets s.pc to that
// instruction and returns how many steps it retired, and the translator interprets the one
// instruction. So translated code never traps and never observes time, which keeps it exact.
//
// Guest registers live in JavaScript locals for the whole region (read once at entry,
// written back at the one exit). Blocks are the cases of a `switch` inside a loop; a jump
// to another block of the region stays in the function, and each block runs only if all
// of its steps fit in the budget the function was given.
//
// Calling convention: fn(s, x, budget, entry) -> steps retired; s.pc = next pc (int32), s.exit =
// EXIT_NONE (keep going), EXIT_FALLBACK (interpret the instruction at s.pc; s.reason says
// what it is), EXIT_REVALIDATE (a store hit translated code: look the page up again) or
// EXIT_STALE (a page without a write barrier changed under the region: retranslate).

import { RVC_EXPANSION } from './compressed.ts';
import { mulh, mulhsu, mulhu } from './multiply.ts';

export const EXIT_NONE = 0;
export const EXIT_FALLBACK = 1;
export const EXIT_REVALIDATE = 2;
export const EXIT_STALE = 3;

/** Why a block bailed: a load or store (the chunk may go on after it when memory is quiet) or anything else. */
export const REASON_ACCESS = 1;
export const REASON_OTHER = 2;

/** Longest block in instructions: bounds the work before the next dispatch. */
export const MAX_BLOCK = 64;

const PAGE = 4096;

/** State shared by the translator and every block (one object, one hidden class). */
export interface BlockState {
  pc: number;
  exit: number;
  reason: number;
  /** Offset into RAM of the watched word (HTIF tohost), or -1. */
  watch: number;
  /** Paged fast path: the page last loaded from / stored to, as in the interpreter. */
  rvpn: number;
  rbytes: Uint8Array;
  wvpn: number;
  wbytes: Uint8Array;
  readPage(vpn: number): boolean;
  writePage(vpn: number): boolean;
  /** A RAM store into a page holding translated code: true if it overlapped code. */
  codeStore(page: number, off: number, width: number): boolean;
  /** fence.i: forget every translation. */
  fenceI(): void;
}

/** A region's function; `entry` is the number of its block to start at (0: the hot entry). */
export type BlockFunction = (s: BlockState, x: Int32Array, budget: number, entry: number) => number;

/** How loads and stores reach memory in a block. */
export type Flavour = 'ram' | 'paged';

/** The RAM window of the chunk, baked into blocks of the 'ram' flavour. */
export interface RamEnv {
  base: number;
  size: number;
  u8: Uint8Array;
  i8: Int8Array;
  i16: Int16Array;
  u16: Uint16Array;
  i32: Int32Array;
  dv: DataView;
  dirty: Uint8Array;
}

export interface Decoded {
  pc: number;
  /** The 32-bit instruction (compressed ones expanded). */
  insn: number;
  len: number;
}

export interface BlockPlan {
  pc: number;
  insns: Decoded[];
  /** Guest bytes covered, from pc. */
  bytes: number;
  /** The page the block was decoded from. */
  words: Int32Array;
}

/** Reads the 16-bit parcel at byte offset `off` of a page of words. */
function parcel(words: Int32Array, off: number): number {
  return (words[off >> 2]! >>> ((off & 2) * 8)) & 0xffff;
}

/**
 * Decodes the block starting at `pc` from its page (`words`, 1024 words), stopping before
 * anything the generator does not translate and after any control transfer.
 */
export function planBlock(pc: number, words: Int32Array): BlockPlan {
  const insns: Decoded[] = [];
  let off = pc & (PAGE - 1);
  let bytes = 0;
  while (insns.length < MAX_BLOCK && off < PAGE) {
    const low = parcel(words, off);
    let insn: number;
    let len: number;
    if ((low & 3) !== 3) {
      insn = RVC_EXPANSION[low]!;
      len = 2;
    } else {
      if (off + 4 > PAGE) break; // crosses into the next page: the interpreter fetches it
      insn = (low | (parcel(words, off + 2) << 16)) | 0;
      len = 4;
    }
    const kind = classify(insn);
    if (kind === KIND_STOP) break;
    insns.push({ pc: (pc + bytes) | 0, insn, len });
    bytes += len;
    off += len;
    if (kind === KIND_END) break;
  }
  return { pc: pc | 0, insns, bytes, words };
}

const KIND_STRAIGHT = 0;
const KIND_END = 1;
const KIND_STOP = 2;

/** Straight-line, block-ending (control transfer, fence.i), or not translated at all. */
function classify(insn: number): number {
  const f3 = (insn >> 12) & 7;
  const f7 = insn >>> 25;
  switch (insn & 0x7f) {
    case 0x33: return f7 === 0 || f7 === 1 || (f7 === 0x20 && (f3 === 0 || f3 === 5)) ? KIND_STRAIGHT : KIND_STOP;
    case 0x13:
      if (f3 === 1) return f7 === 0 ? KIND_STRAIGHT : KIND_STOP;
      if (f3 === 5) return f7 === 0 || f7 === 0x20 ? KIND_STRAIGHT : KIND_STOP;
      return KIND_STRAIGHT;
    case 0x03: return f3 === 3 || f3 > 5 ? KIND_STOP : KIND_STRAIGHT;
    case 0x23: return f3 > 2 ? KIND_STOP : KIND_STRAIGHT;
    case 0x63: return f3 === 2 || f3 === 3 ? KIND_STOP : KIND_END;
    case 0x6f: return KIND_END;
    case 0x67: return f3 === 0 ? KIND_END : KIND_STOP;
    case 0x37: case 0x17: return KIND_STRAIGHT;
    case 0x0f: return f3 === 0 ? KIND_STRAIGHT : f3 === 1 ? KIND_END : KIND_STOP;
    default: return KIND_STOP; // SYSTEM, AMO, illegal: the interpreter's
  }
}

/** Generation options for one region. */
export interface GenerateOptions {
  flavour: Flavour;
  ram: RamEnv | null;
  /** Compare the region's words before running it (pages no write barrier watches). */
  verify: boolean;
}

/** How big a region may grow. */
export interface RegionLimits {
  blocks: number;
  insns: number;
}

/**
 * The JavaScript back end's limits. Small on purpose: the engine compiles a function again
 * after each path it had not seen (a deoptimization), and that time counts; measured on
 * bench/programs, 4 blocks beat both 1 and 48 in every mode.
 */
export const JS_REGION: RegionLimits = { blocks: 4, insns: 64 };

/**
 * A region: the hot block at `entry` and the blocks reachable from it by static branches
 * and jumps inside the same page, compiled into one function, so loops and if/else inside
 * a page run with registers in locals and no return to the dispatcher.
 */
export function planRegion(
  entry: BlockPlan, words: Int32Array, hot: (pc: number) => boolean = () => true, limits: RegionLimits = JS_REGION,
): BlockPlan[] {
  const plans = [entry];
  const seen = new Set([entry.pc]);
  const pageBase = entry.pc & ~(PAGE - 1);
  let insns = entry.insns.length;
  for (let i = 0; i < plans.length && plans.length < limits.blocks; i++) {
    for (const t of successors(plans[i]!)) {
      if ((t & ~(PAGE - 1)) !== pageBase || seen.has(t) || !hot(t)) continue;
      seen.add(t);
      const plan = planBlock(t, words);
      if (plan.insns.length === 0 || insns + plan.insns.length > limits.insns) continue;
      insns += plan.insns.length;
      plans.push(plan);
      if (plans.length >= limits.blocks) break;
    }
  }
  return loopsThrough(plans);
}

/**
 * The entry and the blocks on a cycle through it (its loops). Blocks the loop leaves to
 * stay out: every path of a function the engine has not seen run costs a deoptimization,
 * so a region holds the code that will run over and over, and little else.
 */
function loopsThrough(plans: BlockPlan[]): BlockPlan[] {
  const entry = plans[0]!.pc;
  const reaches = new Set([entry]);
  for (let changed = true; changed;) {
    changed = false;
    for (const p of plans) {
      if (reaches.has(p.pc)) continue;
      if (successors(p).some((t) => reaches.has(t))) {
        reaches.add(p.pc);
        changed = true;
      }
    }
  }
  return plans.filter((p) => reaches.has(p.pc));
}

/**
 * The loops among some blocks: their strongly connected components that hold a cycle
 * (more than one block, or one that jumps to itself), by Tarjan's algorithm.
 */
export function innerLoops(nodes: number[], next: (n: number) => number[]): number[][] {
  const inSet = new Set(nodes);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const out: number[][] = [];
  let counter = 0;
  const visit = (v: number): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!inSet.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: number[] = [];
    let w: number;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || next(v).includes(v)) out.push(scc.sort((a, b) => a - b));
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

/** Adds the registers an instruction reads (and writes) to `used`, those it writes to `written`. */
export function noteRegisters(insn: number, used: Set<number>, written: Set<number>): void {
  const op = insn & 0x7f;
  const rd = (insn >> 7) & 31;
  const rs1 = (insn >> 15) & 31;
  const rs2 = (insn >> 20) & 31;
  const reads1 = op === 0x33 || op === 0x13 || op === 0x03 || op === 0x23 || op === 0x63 || op === 0x67;
  const reads2 = op === 0x33 || op === 0x23 || op === 0x63;
  const writes = op === 0x33 || op === 0x13 || op === 0x03 || op === 0x37 || op === 0x17 || op === 0x6f || op === 0x67;
  if (reads1 && rs1 !== 0) used.add(rs1);
  if (reads2 && rs2 !== 0) used.add(rs2);
  if (writes && rd !== 0) {
    used.add(rd);
    written.add(rd);
  }
}

/** Does this (planned) instruction end its block (a control transfer, fence.i)? */
export function endsBlock(insn: number): boolean {
  return classify(insn) === KIND_END;
}

/** Indices (in `plans`) of the blocks of a region that block i may go to directly. */
export function successorsInRegion(plans: BlockPlan[], index: Map<number, number>, i: number): number[] {
  return successors(plans[i]!).map((t) => index.get(t)).filter((j): j is number => j !== undefined);
}

/**
 * The block of a loop (an SCC of a region's blocks) that is not in any loop inside it: one
 * entered from outside the loop, preferring the one that leaves the most blocks in inner
 * loops, then the first. Both back ends nest loops around it.
 */
export function loopHeader(plans: BlockPlan[], scc: number[], next: (i: number) => number[]): number {
  let best = scc[0]!;
  let bestScore = -1;
  for (const h of scc) {
    const inner = innerLoops(scc.filter((m) => m !== h), next);
    const entered = plans.some((_, i) => !scc.includes(i) && next(i).includes(h));
    const score = (entered ? 1000 : 0) + inner.reduce((sum, l) => sum + l.length, 0);
    if (score > bestScore) {
      best = h;
      bestScore = score;
    }
  }
  return best;
}

/** Static successors of a block: branch targets, jal targets, the fall-through. */
export function successors(plan: BlockPlan): number[] {
  const last = plan.insns[plan.insns.length - 1]!;
  const next = (last.pc + last.len) | 0;
  const op = last.insn & 0x7f;
  if (op === 0x63) return [(last.pc + branchOffset(last.insn)) | 0, next];
  if (op === 0x6f) return [(last.pc + jalOffset(last.insn)) | 0];
  if (op === 0x67 || (op === 0x0f && ((last.insn >> 12) & 7) === 1)) return [];
  return [next];
}

/** The JavaScript body of a region function (parameters s, x, budget, entry; closure: env, w, mul*). */
export function generate(plans: BlockPlan[], opts: GenerateOptions): string {
  return new Generator(plans, opts).source();
}

class Generator {
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();
  private readonly out: string[] = [];
  /** Block start pc -> its number in the switch (small dense numbers: a jump table). */
  private readonly index = new Map<number, number>();
  /** The loops around the block being generated, outermost first. */
  private readonly loops: Array<{ label: string; members: Set<number>; single: boolean }> = [];
  private labels = 0;

  constructor(private readonly plans: BlockPlan[], private readonly opts: GenerateOptions) {
    for (const plan of plans) for (const d of plan.insns) noteRegisters(d.insn, this.used, this.written);
    plans.forEach((p, i) => this.index.set(p.pc, i));
  }

  source(): string {
    const lines = this.out;
    lines.push('"use strict";');
    if (this.opts.verify) lines.push(`if (${this.verification()}) { s.exit = ${EXIT_STALE}; return 0; }`);
    const regs = [...this.used].sort((a, b) => a - b);
    if (regs.length > 0) lines.push(`let ${regs.map((r) => `r${r} = x[${r}]`).join(', ')};`);
    // Exits only assign locals (pc, k = steps past c, e = exit, why = reason), and the one
    // epilogue stores them: an exit that has not run yet then holds nothing the engine
    // needs feedback for, so taking it the first time costs no deoptimization.
    lines.push('let c = 0, b = entry, pc = 0, k = 0, e = 0, why = 0;');
    lines.push('run: for (;;) {', 'switch (b) {');
    const all = this.plans.map((_, i) => i);
    this.loops.push({ label: 'run', members: new Set(all), single: false });
    this.group(all, 0);
    // A computed target (jalr): inside the region, or back to the dispatcher.
    const cases = this.plans.map((p, i) => `case ${p.pc}: b = ${i}; continue run;`).join(' ');
    lines.push(`default: switch (pc) { ${cases} } break run;`, '}', '}');
    // One way out: registers written back in one place, whichever exit was taken.
    lines.push('s.pc = pc; if (e !== 0) { s.exit = e; s.reason = why; }', this.writeBack(), 'return c + k;');
    return lines.join('\n');
  }

  /** Any word a block was decoded from differs from what it was then. */
  private verification(): string {
    const words = new Set<number>();
    for (const plan of this.plans) {
      const first = (plan.pc & (PAGE - 1)) >> 2;
      const last = ((plan.pc & (PAGE - 1)) + plan.bytes - 1) >> 2;
      for (let i = first; i <= last; i++) words.add(i);
    }
    const w = this.plans[0]!.words;
    return [...words].sort((a, b) => a - b).map((i) => `w[${i}] !== ${w[i]!}`).join(' || ');
  }

  /**
   * The cases of one loop: its header, then each inner loop (a cycle that avoids the
   * header) as a JavaScript loop of its own, nested. A jump through the switch makes every
   * register of the loop a loop variable; in a nested loop only the registers it changes
   * vary, so the engine keeps the inner loop's values in machine registers.
   */
  private group(members: number[], header: number): void {
    const rest = members.filter((m) => m !== header);
    const loops = innerLoops(rest, (i) => this.successorsIn(i));
    // A header that loops to itself: that loop is nested too (the outer loop is the rest).
    if (this.successorsIn(header).includes(header) && members.length > 1) loops.unshift([header]);
    else this.block(header, true);
    for (const m of rest) if (!loops.some((l) => l.includes(m))) this.block(m, true);
    for (const scc of loops) {
      const label = `l${++this.labels}`;
      const first = scc.length === 1 ? scc[0]! : this.headerOf(scc);
      const single = scc.length === 1;
      this.out.push(`${scc.map((m) => `case ${m}:`).join(' ')} ${label}: for (;;) {${single ? '' : ' switch (b) {'}`);
      this.loops.push({ label, members: new Set(scc), single });
      if (single) this.block(first, false);
      else this.group(scc, first);
      this.loops.pop();
      this.out.push(single ? '}' : '} }');
    }
  }

  /** Indices of the blocks of the region a block may go to directly. */
  private successorsIn(i: number): number[] {
    return successorsInRegion(this.plans, this.index, i);
  }

  private headerOf(scc: number[]): number {
    return loopHeader(this.plans, scc, (i) => this.successorsIn(i));
  }

  private block(i: number, withCase: boolean): void {
    const plan = this.plans[i]!;
    const L = this.out;
    const n = plan.insns.length;
    L.push(withCase ? `case ${i}: {` : '{');
    // Only whole blocks run: stop at this one when it does not fit in the budget.
    L.push(`if (c + ${n} > budget) ${this.leave(String(plan.pc), 0, EXIT_NONE)}`);
    plan.insns.forEach((d, k) => this.instruction(d, k, n));
    const last = plan.insns[n - 1]!;
    if (classify(last.insn) !== KIND_END) {
      // Cut by its length or by an untranslated instruction: fall through.
      L.push(`c += ${n};`, this.goTo((last.pc + last.len) | 0));
    }
    L.push('}');
  }

  /** Continue at a static pc: inside the region by the switch, else back to the dispatcher. */
  private goTo(target: number): string {
    const i = this.index.get(target);
    if (i === undefined) return this.leave(String(target), 0, EXIT_NONE);
    // The innermost loop holding the target: continue it (its switch finds the block).
    for (let d = this.loops.length - 1; d >= 0; d--) {
      const loop = this.loops[d]!;
      if (!loop.members.has(i)) continue;
      return loop.single ? `continue ${loop.label};` : `{ b = ${i}; continue ${loop.label}; }`;
    }
    throw new Error('a region block outside every loop');
  }

  private r(i: number): string {
    return i === 0 ? '0' : `r${i}`;
  }

  private set(rd: number, expr: string): string {
    return rd === 0 ? '' : `r${rd} = ${expr};`;
  }

  private writeBack(): string {
    return [...this.written].sort((a, b) => a - b).map((r) => `x[${r}] = r${r};`).join(' ');
  }

  /** Leave before instruction number k (at pc), for the interpreter to run it. */
  private bail(pc: number, k: number, reason: number): string {
    return `{ pc = ${pc | 0}; e = ${EXIT_FALLBACK}; why = ${reason};${k !== 0 ? ` k = ${k};` : ''} break run; }`;
  }

  /** Leave after instruction number k, going on at pc, with an exit code. */
  private leave(pc: string, steps: number, exit: number): string {
    return `{ pc = ${pc};${exit !== EXIT_NONE ? ` e = ${exit};` : ''}${steps !== 0 ? ` k = ${steps};` : ''} break run; }`;
  }

  private instruction(d: Decoded, k: number, n: number): void {
    const { insn, pc, len } = d;
    const L = this.out;
    const rd = (insn >> 7) & 31;
    const rs1 = (insn >> 15) & 31;
    const rs2 = (insn >> 20) & 31;
    const f3 = (insn >> 12) & 7;
    const a = this.r(rs1);
    const b = this.r(rs2);
    const next = (pc + len) | 0;
    switch (insn & 0x7f) {
      case 0x33: L.push(this.set(rd, aluReg(insn >>> 25, f3, a, b))); return;
      case 0x13: L.push(this.set(rd, aluImm(insn, f3, a))); return;
      case 0x37: L.push(this.set(rd, String(insn & 0xfffff000))); return;
      case 0x17: L.push(this.set(rd, String((pc + (insn & 0xfffff000)) | 0))); return;
      case 0x03: L.push(this.load(f3, rd, a, insn >> 20, pc, k)); return;
      case 0x23: L.push(this.store(f3, a, b, ((insn >> 20) & ~31) | rd, pc, next, k)); return;
      case 0x0f:
        if (f3 === 1) { // FENCE.I: stores are already seen, but say it: forget every translation
          L.push(`c += ${n}; s.fenceI(); ${this.leave(String(next), 0, EXIT_REVALIDATE)}`);
        }
        return; // FENCE: nothing to order on one hart
      case 0x6f: {
        L.push(this.set(rd, String(next)), `c += ${n};`, this.goTo((pc + jalOffset(insn)) | 0));
        return;
      }
      case 0x67: { // the target is found by the switch (returns inside the page stay here)
        L.push(`{ const t = ((${a} + ${insn >> 20}) & ~1) | 0; ${this.set(rd, String(next))} c += ${n}; pc = t; b = -1; continue run; }`);
        return;
      }
      case 0x63: {
        const target = (pc + branchOffset(insn)) | 0;
        L.push(`c += ${n};`, `if (${branchCondition(f3, a, b)}) ${this.goTo(target)}`, this.goTo(next));
        return;
      }
    }
    throw new Error(`untranslatable instruction 0x${(insn >>> 0).toString(16)} planned`);
  }

  private load(f3: number, rd: number, a: string, imm: number, pc: number, k: number): string {
    const bail = this.bail(pc, k, REASON_ACCESS);
    const addr = `const a = (${a} + ${imm}) | 0;`;
    if (this.opts.flavour === 'ram') {
      const env = this.opts.ram!;
      const o = `const o = (a - ${env.base | 0}) | 0;`;
      const sz4 = env.size - 4;
      const sz2 = env.size - 2;
      let value: string;
      let bound: string;
      switch (f3) {
        case 2: bound = `(o >>> 0) <= ${sz4}`; value = '(o & 3) === 0 ? i32[o >> 2] : dv.getInt32(o, true)'; break;
        case 4: bound = `(o >>> 0) < ${env.size}`; value = 'u8[o]'; break;
        case 0: bound = `(o >>> 0) < ${env.size}`; value = 'i8[o]'; break;
        case 1: bound = `(o >>> 0) <= ${sz2}`; value = '(o & 1) === 0 ? i16[o >> 1] : dv.getInt16(o, true)'; break;
        default: bound = `(o >>> 0) <= ${sz2}`; value = '(o & 1) === 0 ? u16[o >> 1] : dv.getUint16(o, true)'; break;
      }
      return `{ ${addr} ${o} if (!(${bound})) ${bail} ${rd === 0 ? '' : `r${rd} = ${value};`} }`;
    }
    let value: string;
    switch (f3) {
      case 2: value = 'b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)'; break;
      case 4: value = 'b[p]'; break;
      case 0: value = '(b[p] << 24) >> 24'; break;
      case 5: value = 'b[p] | (b[p + 1] << 8)'; break;
      default: value = '((b[p] | (b[p + 1] << 8)) << 16) >> 16'; break;
    }
    return `{ ${addr} const v = a >>> 12; if (v !== s.rvpn && !s.readPage(v)) ${bail} `
      + `const p = a & 4095; if (p > 4092) ${bail} const b = s.rbytes; ${rd === 0 ? '' : `r${rd} = ${value};`} }`;
  }

  private store(f3: number, a: string, v: string, imm: number, pc: number, next: number, k: number): string {
    const bail = this.bail(pc, k, REASON_ACCESS);
    const addr = `const a = (${a} + ${imm}) | 0;`;
    if (this.opts.flavour === 'ram') {
      const env = this.opts.ram!;
      const o = `const o = (a - ${env.base | 0}) | 0;`;
      // Marks page q dirty; a page holding translated code asks whether code was hit.
      const hit = this.leave(String(next), k + 1, EXIT_REVALIDATE);
      const mark = (q: string, w: number) =>
        `{ const q = ${q}; if (dirty[q] !== 1) { if (dirty[q] === 0) dirty[q] = 1; else if (s.codeStore(q, o, ${w})) h = true; } }`;
      let body: string;
      switch (f3) {
        case 2:
          body = `if (!((o >>> 0) <= ${env.size - 4} && o !== s.watch)) ${bail} `
            + `if ((o & 3) === 0) i32[o >> 2] = ${v}; else { dv.setInt32(o, ${v}, true); ${mark('(o + 3) >>> 12', 4)} } `
            + mark('o >>> 12', 4);
          break;
        case 0:
          body = `if (!((o >>> 0) < ${env.size})) ${bail} u8[o] = ${v}; ${mark('o >>> 12', 1)}`;
          break;
        default:
          body = `if (!((o >>> 0) <= ${env.size - 2})) ${bail} dv.setInt16(o, ${v}, true); `
            + `${mark('o >>> 12', 2)} ${mark('(o + 1) >>> 12', 2)}`;
          break;
      }
      return `{ ${addr} ${o} let h = false; ${body} if (h) ${hit} }`;
    }
    let body: string;
    switch (f3) {
      case 2: body = `b[p] = ${v}; b[p + 1] = ${v} >> 8; b[p + 2] = ${v} >> 16; b[p + 3] = ${v} >> 24;`; break;
      case 1: body = `b[p] = ${v}; b[p + 1] = ${v} >> 8;`; break;
      default: body = `b[p] = ${v};`; break;
    }
    return `{ ${addr} const v = a >>> 12; if (v !== s.wvpn && !s.writePage(v)) ${bail} `
      + `const p = a & 4095; if (p > 4092) ${bail} const b = s.wbytes; ${body} }`;
  }
}

function aluReg(f7: number, f3: number, a: string, b: string): string {
  if (f7 === 0) {
    switch (f3) {
      case 0: return `(${a} + ${b}) | 0`;
      case 1: return `${a} << (${b} & 31)`;
      case 2: return `${a} < ${b} ? 1 : 0`;
      case 3: return `(${a} >>> 0) < (${b} >>> 0) ? 1 : 0`;
      case 4: return `${a} ^ ${b}`;
      case 5: return `(${a} >>> (${b} & 31)) | 0`;
      case 6: return `${a} | ${b}`;
      default: return `${a} & ${b}`;
    }
  }
  if (f7 === 0x20) return f3 === 0 ? `(${a} - ${b}) | 0` : `${a} >> (${b} & 31)`;
  switch (f3) {
    case 0: return `Math.imul(${a}, ${b})`;
    case 1: return `mulh(${a}, ${b})`;
    case 2: return `mulhsu(${a}, ${b})`;
    case 3: return `mulhu(${a}, ${b})`;
    case 4: return `${b} === 0 ? -1 : (${a} / ${b}) | 0`;
    case 5: return `${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0`;
    case 6: return `${b} === 0 ? ${a} : (${a} % ${b}) | 0`;
    default: return `${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0`;
  }
}

function aluImm(insn: number, f3: number, a: string): string {
  const imm = insn >> 20;
  switch (f3) {
    case 0: return `(${a} + ${imm}) | 0`;
    case 1: return `${a} << ${imm & 31}`;
    case 2: return `${a} < ${imm} ? 1 : 0`;
    case 3: return `(${a} >>> 0) < ${imm >>> 0} ? 1 : 0`;
    case 4: return `${a} ^ ${imm}`;
    case 5: return (insn >>> 25) === 0 ? `(${a} >>> ${imm & 31}) | 0` : `${a} >> ${imm & 31}`;
    case 6: return `${a} | ${imm}`;
    default: return `${a} & ${imm}`;
  }
}

function branchCondition(f3: number, a: string, b: string): string {
  switch (f3) {
    case 0: return `${a} === ${b}`;
    case 1: return `${a} !== ${b}`;
    case 4: return `${a} < ${b}`;
    case 5: return `${a} >= ${b}`;
    case 6: return `(${a} >>> 0) < (${b} >>> 0)`;
    default: return `(${a} >>> 0) >= (${b} >>> 0)`;
  }
}

export function branchOffset(insn: number): number {
  return ((insn >> 19) & 0xfffff000) | ((insn << 4) & 0x800) | ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e);
}

export function jalOffset(insn: number): number {
  return ((insn >> 11) & 0xfff00000) | (insn & 0xff000) | ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe);
}

/** The helpers generated code may call besides the state object. */
export const RUNTIME = { mulh, mulhsu, mulhu };
