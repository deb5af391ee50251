// The translating CPU: runs a chunk of steps (cpu.ts's unit between interrupt checks) as
// compiled blocks instead of interpreting instruction by instruction.
//
// It is exact by construction: the chunk structure, interrupts, budgets and WFI stay in
// Cpu.run; a block runs only when all of its steps fit in what is left of the chunk (the
// rest is interpreted), and every instruction a block does not translate — SYSTEM, AMO,
// illegal, an access that misses the fast paths — is handed to the interpreter as one
// step, after which the chunk ends exactly where the interpreter would end it (or sooner:
// ending a chunk early changes nothing observable, since nothing that decides interrupts
// can change inside a chunk without ending it). Time is accounted before every
// interpreted step, so the interpreter sees the same cycle and instret values.
//
// Back ends: a region in a RAM that lives in a WebAssembly memory becomes a WebAssembly
// module (wasm-generator.ts) unless `backend` is 'js' — code running untranslated through
// the RAM window, and with `pagedWasm` also paged (Sv32) code whose page is in that RAM
// (its loads and stores reach frames through the paged fast path; frames outside the RAM
// bail); anything else, or a module the engine refuses, a JavaScript function
// (code-generator.ts). Both have one calling
// convention (BlockFunction), so the dispatch below does not know which it calls.
//
// Lookup: per chunk the memory is picked as the interpreter picks it (the MMU only when
// Sv32 or PMP applies); the pc's page is resolved once per page change (the RAM window,
// or Memory.fetchPage — through the TLB when paging), then the block is found by offset
// in that physical page (block-cache.ts). satp writes, sfence.vma and mapping changes all
// end the chunk or move Memory.fetchEpoch, so page resolutions are redone; blocks
// themselves are keyed by physical page and never depend on the translation context.

import { BlockCache, type Block, type CodePage } from './block-cache.ts';
import {
  EXIT_FALLBACK, EXIT_NONE, EXIT_STALE, JS_REGION, REASON_ACCESS, RUNTIME, generate, planBlock, planRegion,
  type BlockFunction, type BlockPlan, type BlockState, type RamEnv,
} from './code-generator.ts';
import type { JitBackend } from './cpu-kind.ts';
import type { Memory, RamWindow, WasmRam } from './memory.ts';
import { instantiate, wasmCompileAvailable } from './wasm-api.ts';
import { WASM_REGION, generateWasm } from './wasm-generator.ts';
import {
  AREA_EXIT, AREA_PC, AREA_REASON, AREA_ROFF, AREA_RVPN, AREA_WATCH, AREA_WOFF, AREA_WVPN,
} from './wasm-ram.ts';

const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;

/** What the translator needs of the hart (Cpu builds it from its private parts). */
export interface TranslatorHost {
  readonly x: Int32Array;
  pc: number;
  /** The physical memory (its RAM window identifies physical pages). */
  readonly memory: Memory;
  readonly storeWatch: number;
  /** The memory of a chunk, as the interpreter picks it. */
  chunkMemory(): Memory;
  /** The interpreter: runs at most `steps` steps from pc, accounting them. */
  interpret(steps: number): number;
  /** Adds retired instructions to cycles and instret. */
  account(retired: number): void;
  /** Since the last interpret(): a trap, an exit, WFI or a stop request ends the chunk. */
  chunkEnded(): boolean;
}

/** Counters for the bench and the page (not part of the machine's state). */
export interface TranslatorStats {
  /** Block dispatches served from the cache. */
  hits: number;
  /** Block dispatches that had to decode the block first (cache misses). */
  plans: number;
  /** Regions compiled (a hot block and the blocks it reaches in its page). */
  translations: number;
  /** Guest instructions compiled (over all translations). */
  translatedInstructions: number;
  /** Milliseconds spent planning, generating and compiling (when a clock is given). */
  translateMs: number;
  /** Steps run by compiled blocks and by the interpreter inside translated chunks. */
  compiledSteps: number;
  interpretedSteps: number;
  /** Blocks dropped because their code changed (stores, loads, fence.i, restores). */
  invalidations: number;
  /** Characters of generated JavaScript, over all translations. */
  sourceChars: number;
  /** Regions compiled to WebAssembly (of `translations`), and their modules' bytes. */
  wasmTranslations: number;
  /** Of `wasmTranslations`, regions of paged (Sv32) code. */
  wasmPagedTranslations: number;
  wasmBytes: number;
  /** Regions the engine would not compile as WebAssembly (compiled to JavaScript instead). */
  wasmRefused: number;
}

function emptyStats(): TranslatorStats {
  return {
    hits: 0, plans: 0, translations: 0, translatedInstructions: 0, translateMs: 0, compiledSteps: 0,
    interpretedSteps: 0, invalidations: 0, sourceChars: 0, wasmTranslations: 0, wasmPagedTranslations: 0, wasmBytes: 0, wasmRefused: 0,
  };
}

// The exit codes as this module's own constants: under some module loaders (tsx, which
// the CLI and bench use) every read of an imported binding is a getter call, and the
// dispatch loop reads them once per region entry.
const NONE = EXIT_NONE;
const FALLBACK = EXIT_FALLBACK;
const STALE = EXIT_STALE;
const ACCESS = REASON_ACCESS;

const EMPTY_U8 = new Uint8Array(0);
/** Runs a block is interpreted before it is compiled. */
const HOT = 2;
/** Steps one call of a block may run (kept a small integer for the engine). */
const MAX_BUDGET = 1 << 24;

/**
 * Can this engine compile JavaScript at run time? A Content-Security-Policy without
 * 'unsafe-eval' makes `new Function` throw; then only the WebAssembly back end (if
 * 'wasm-unsafe-eval' is allowed) or the interpreter runs guests.
 */
export function translationAvailable(): boolean {
  if (evalAllowed === undefined) {
    try {
      evalAllowed = new Function('return 1')() === 1;
    } catch {
      evalAllowed = false;
    }
  }
  return evalAllowed;
}
let evalAllowed: boolean | undefined;

/** Which back ends this engine allows (each found out once). */
export function translatorBackends(): { js: boolean; wasm: boolean } {
  return { js: translationAvailable(), wasm: wasmCompileAvailable() };
}

export class Translator implements BlockState {
  readonly stats = emptyStats();
  /** A wall clock for translateMs (the bench passes performance.now); none in the machine. */
  now: (() => number) | null = null;
  /** The back end for RAM regions: WebAssembly where the RAM lives in a WebAssembly memory. */
  backend: JitBackend = 'wasm';
  /**
   * Paged (Sv32) code in RAM as WebAssembly too. Off: exact (the differential tests run it)
   * but measured slower than the JavaScript back end on sieve and sort, whose one-entry page
   * caches miss millions of times, each miss a call out of WebAssembly (docs/benchmarks.md).
   */
  pagedWasm = false;

  // BlockState: read and written by generated code.
  pc = 0;
  exit = EXIT_NONE;
  reason = 0;
  watch = -1;
  rvpn = -1;
  rbytes: Uint8Array = EMPTY_U8;
  wvpn = -1;
  wbytes: Uint8Array = EMPTY_U8;

  private readonly cache = new BlockCache();
  private generation = 0;
  // The chunk's memory and what identifies physical pages.
  private mem: Memory;
  private epoch = 0;
  private ramBytes: Uint8Array = EMPTY_U8;
  private dirty: Uint8Array = EMPTY_U8;
  private ramPages: Array<CodePage | undefined> = [];
  private env: RamEnv | null = null;
  /** The physical RAM's WebAssembly memory (paged regions cache pages in its area), if any. */
  private wasm: WasmRam | null = null;

  constructor(private readonly host: TranslatorHost) {
    this.mem = host.memory;
  }

  /** Forgets every translation (fence.i, a restored snapshot, new code loaded). */
  flush(): void {
    this.generation++;
  }

  /** Runs up to `steps` steps (one chunk of Cpu.run); returns the steps used. */
  execute(steps: number): number {
    const host = this.host;
    const x = host.x;
    const mem = host.chunkMemory();
    const phys = host.memory.ram;
    this.mem = mem;
    this.epoch = mem.fetchEpoch ?? 0;
    this.wasm = wasmOf(phys);
    this.dropViews();
    this.rbytes = this.wbytes = EMPTY_U8;
    if (phys !== null) {
      this.ramBytes = phys.bytes;
      this.dirty = phys.dirty;
      this.ramPages = this.cache.pagesOf(phys.bytes);
    } else {
      this.ramBytes = EMPTY_U8;
      this.dirty = EMPTY_U8;
      this.ramPages = [];
    }
    const window = mem.ram;
    const paged = window === null;
    const base = window !== null ? window.base | 0 : 0;
    const size = window !== null ? window.bytes.byteLength : 0;
    this.watch = host.storeWatch < 0 || window === null ? -1 : (host.storeWatch - base) | 0;
    const quiet = mem.sideEffectFree === true;
    const stats = this.stats;

    let pc = host.pc | 0;
    let n = 0;
    let accounted = 0;
    let page: CodePage | null = null;
    let pageVpn = -1;
    while (n < steps) {
      const vpn = pc >>> PAGE_SHIFT;
      if (vpn !== pageVpn) {
        page = paged ? this.pagedPage(vpn) : this.windowPage(pc, base, size);
        if (page === null) {
          // Nothing translatable here (not RAM, not mapped): the interpreter runs the rest.
          host.pc = pc >>> 0;
          host.account(n - accounted);
          const d = host.interpret(steps - n);
          stats.interpretedSteps += d;
          return n + d;
        }
        pageVpn = vpn;
      }
      const p = page!;
      // Still the code we compiled? (dirty bit 2 for RAM pages, then its translated words;
      // fence.i for all)
      const ri = p.ramIndex;
      if ((ri >= 0 && (this.dirty[ri]! & 2) === 0) || p.generation !== this.generation) {
        if (p.generation !== this.generation || !p.unchanged()) stats.invalidations += p.flush();
        p.generation = this.generation;
        if (ri >= 0) this.dirty[ri] = this.dirty[ri]! | 2;
        this.dropWriteView(); // a write view taken before must be asked for again
      }
      const slot = (pc & (PAGE - 1)) >> 1;
      let block = paged ? p.pagedSlots[slot] : p.ramSlots[slot];
      if (block === undefined || block.pc !== pc) block = this.plan(p, pc, paged);
      else stats.hits++;
      const left = steps - n;
      if (block.fn === null && block.len !== 0 && p.heat[slot]! < HOT) p.heat[slot]!++;
      else if (block.fn === null && block.len !== 0 && block.len <= left && !block.refused) this.compile(block, window, p);
      if (block.fn === null || block.len > left) {
        // Not translated (yet), or longer than the chunk's rest: interpret it, and end the
        // chunk (the interpreter may have ended it there; ending it early is harmless).
        host.pc = pc >>> 0;
        host.account(n - accounted);
        const d = host.interpret(block.len === 0 ? 1 : Math.min(block.len, left));
        stats.interpretedSteps += d;
        return n + d;
      }
      this.exit = NONE;
      const done = block.fn!(this, x, left > MAX_BUDGET ? MAX_BUDGET : left, block.entry);
      n += done;
      stats.compiledSteps += done;
      pc = this.pc;
      if (this.exit === NONE) continue;
      if (this.exit === FALLBACK) {
        host.pc = pc >>> 0;
        host.account(n - accounted);
        const d = host.interpret(1);
        stats.interpretedSteps += d;
        n += d;
        accounted = n;
        if (host.chunkEnded() || !quiet || this.reason !== ACCESS) return n;
        pc = host.pc | 0;
        pageVpn = this.checkEpoch(pageVpn);
      } else if (this.exit === STALE) {
        stats.invalidations += p.flush();
      }
      // EXIT_REVALIDATE: the page check above runs again at the next dispatch.
    }
    host.pc = pc >>> 0;
    host.account(n - accounted);
    return n;
  }

  /** After an interpreted step on a quiet memory: drop page views if mappings changed. */
  private checkEpoch(pageVpn: number): number {
    const e = this.mem.fetchEpoch ?? 0;
    if (e === this.epoch) return pageVpn;
    this.epoch = e;
    this.dropViews();
    return -1;
  }

  /** Forgets the paged fast path's cached pages (both back ends'). */
  private dropViews(): void {
    this.rvpn = -1;
    const slots = this.wasm?.slots;
    if (slots !== undefined) slots[AREA_RVPN] = -1;
    this.dropWriteView();
  }

  /** Forgets the cached write page: the page may hold code now (both back ends'). */
  private dropWriteView(): void {
    this.wvpn = -1;
    const slots = this.wasm?.slots;
    if (slots !== undefined) slots[AREA_WVPN] = -1;
  }

  /** The code page of pc in the chunk's RAM window, or null outside it. */
  private windowPage(pc: number, base: number, size: number): CodePage | null {
    const off = (pc - base) | 0;
    if ((off >>> 0) >= size) return null;
    return this.cache.ramPage(this.ramBytes, off >>> PAGE_SHIFT);
  }

  /** The code page virtual page vpn maps to (Memory.fetchPage), or null. */
  private pagedPage(vpn: number): CodePage | null {
    const words = this.mem.fetchPage?.(vpn) ?? null;
    if (words === null) return null;
    const ram = this.ramBytes;
    if (words.buffer === ram.buffer && ram.byteLength > 0) {
      const index = (words.byteOffset - ram.byteOffset) >>> PAGE_SHIFT;
      return this.cache.ramPage(ram, index);
    }
    return this.cache.framePage(words);
  }

  private envOf(bytes: Uint8Array, base: number): RamEnv {
    let env = this.env;
    if (env === null || env.u8 !== bytes) {
      const { buffer, byteOffset, byteLength } = bytes;
      env = {
        base, size: byteLength, u8: bytes,
        i8: new Int8Array(buffer, byteOffset, byteLength),
        i16: new Int16Array(buffer, byteOffset, byteLength >> 1),
        u16: new Uint16Array(buffer, byteOffset, byteLength >> 1),
        i32: new Int32Array(buffer, byteOffset, byteLength >> 2),
        dv: new DataView(buffer, byteOffset, byteLength),
        dirty: this.dirty,
      };
      this.env = env;
    }
    return env;
  }

  /** Decodes the block at pc of a page and caches it, not compiled yet. */
  private plan(page: CodePage, pc: number, paged: boolean): Block {
    const plan = planBlock(pc, page.words);
    const block: Block = { pc, len: plan.insns.length, fn: null, entry: 0, refused: false };
    this.stats.plans++;
    page.add(block, pc & (PAGE - 1), plan.bytes, paged);
    this.dropWriteView(); // the page now counts as code: stores to it must be seen
    return block;
  }

  /**
   * Generates and compiles a hot block, decoded again now: on a page without a write
   * barrier the words may have changed since it was planned, and the block's check must
   * compare the very words it was generated from.
   */
  private compile(block: Block, window: RamWindow | null, page: CodePage): void {
    const started = this.now?.() ?? 0;
    const plan = planBlock(block.pc, page.words);
    if (plan.insns.length === 0) return;
    // WebAssembly for the RAM window, or for paged code in a page of the RAM's memory.
    const wasm = this.backend !== 'wasm' ? null : window !== null ? wasmOf(window)
      : this.pagedWasm && page.ramIndex >= 0 ? this.wasm : null;
    let region: BlockPlan[] | null = null;
    let fn: BlockFunction | null = null;
    if (wasm !== null) {
      // Every block the loops reach: WebAssembly does not deoptimize on a path run late.
      region = planRegion(plan, page.words, () => true, WASM_REGION);
      fn = this.compileWasm(region, window, wasm);
    }
    if (fn === null) {
      if (!translationAvailable()) {
        block.refused = true; // neither back end can take it: the interpreter runs it
        return;
      }
      // Only blocks that already ran: a path the engine never saw makes it deoptimize.
      region = planRegion(plan, page.words, (t) => page.heat[(t & (PAGE - 1)) >> 1]! >= HOT, JS_REGION);
      const env = window === null ? null : this.envOf(window.bytes, window.base);
      const body = generate(region, { flavour: env ? 'ram' : 'paged', ram: env, verify: page.ramIndex < 0 });
      fn = compile(body, env, page.words);
      this.stats.sourceChars += body.length;
    }
    for (const p of region!) page.mark(p.pc & (PAGE - 1), p.bytes);
    block.fn = fn;
    block.len = plan.insns.length;
    // The region's other blocks are entries to it too: one function per loop, not one per
    // block that the loop's exits lead back to.
    const slots = window !== null ? page.ramSlots : page.pagedSlots;
    region!.forEach((p, i) => {
      const other = slots[(p.pc & (PAGE - 1)) >> 1];
      if (i === 0 || other === undefined || other.pc !== p.pc || other.fn !== null) return;
      other.fn = fn;
      other.entry = i;
      other.len = p.insns.length;
    });
    this.dropWriteView();
    this.stats.translations++;
    for (const p of region!) this.stats.translatedInstructions += p.insns.length;
    if (this.now) this.stats.translateMs += this.now() - started;
  }

  /**
   * A region as a WebAssembly module over the RAM's memory (for the RAM window, or paged
   * when there is none), or null if the engine refuses it.
   */
  private compileWasm(region: BlockPlan[], window: RamWindow | null, wasm: WasmRam): BlockFunction | null {
    const env = window !== null
      ? { base: window.base | 0, size: window.bytes.byteLength, wasm }
      : { base: 0, size: 0, wasm, paged: true };
    const bytes = generateWasm(region, env);
    const instance = instantiate(bytes, {
      m: {
        mem: wasm.memory,
        codeStore: (q: number, off: number, width: number) => (this.codeStore(q, off, width) ? 1 : 0),
        fenceI: () => this.fenceI(),
        readPage: (vpn: number) => this.wasmReadPage(vpn),
        writePage: (vpn: number) => this.wasmWritePage(vpn),
      },
    });
    if (instance === null) {
      this.stats.wasmRefused++;
      return null;
    }
    if (window === null) this.stats.wasmPagedTranslations++;
    this.stats.wasmTranslations++;
    this.stats.wasmBytes += bytes.length;
    return wasmBlockFunction(instance.exports.run as (budget: number, entry: number) => number, wasm.slots);
  }

  // ---- BlockState helpers, called from generated code on slow paths ----

  readPage(vpn: number): boolean {
    const page = this.readView(vpn);
    if (page === null) return false;
    this.rvpn = vpn;
    this.rbytes = page;
    return true;
  }

  writePage(vpn: number): boolean {
    const page = this.writeView(vpn);
    if (page === null) return false;
    this.wvpn = vpn;
    this.wbytes = page;
    return true;
  }

  /** readPage for WebAssembly regions: the frame's offset in the RAM's memory, or -1 (bail). */
  private wasmReadPage(vpn: number): number {
    const off = this.offsetOf(this.readView(vpn));
    if (off >= 0) {
      const slots = this.wasm!.slots;
      slots[AREA_RVPN] = vpn;
      slots[AREA_ROFF] = off;
    }
    return off;
  }

  /** writePage for WebAssembly regions (the same refusals), as an offset or -1. */
  private wasmWritePage(vpn: number): number {
    const off = this.offsetOf(this.writeView(vpn));
    if (off >= 0) {
      const slots = this.wasm!.slots;
      slots[AREA_WVPN] = vpn;
      slots[AREA_WOFF] = off;
    }
    return off;
  }

  /** Where a page view lies in the RAM's WebAssembly memory, or -1 outside it. */
  private offsetOf(page: Uint8Array | null): number {
    const wasm = this.wasm;
    if (page === null || wasm === null || page.buffer !== wasm.memory.buffer) return -1;
    return page.byteOffset;
  }

  /** A read view of virtual page vpn, or null (not mapped, not RAM, or mappings moved). */
  private readView(vpn: number): Uint8Array | null {
    const page = this.mem.dataPage?.(vpn, false) ?? null;
    if (page === null || (this.mem.fetchEpoch ?? 0) !== this.epoch) return null;
    return page;
  }

  /** A write view, unless the page holds translated code (then the interpreter stores). */
  private writeView(vpn: number): Uint8Array | null {
    const page = this.mem.dataPage?.(vpn, true) ?? null;
    if (page === null || (this.mem.fetchEpoch ?? 0) !== this.epoch) return null;
    const ram = this.ramBytes;
    if (page.buffer === ram.buffer && ram.byteLength > 0) {
      const code = this.ramPages[(page.byteOffset - ram.byteOffset) >>> PAGE_SHIFT];
      if (code !== undefined && code.blocks > 0) return null;
    } else if (this.cache.frameWithCode(page) !== undefined) {
      return null;
    }
    return page;
  }

  codeStore(q: number, off: number, width: number): boolean {
    const page = this.ramPages[q];
    const start = q << PAGE_SHIFT;
    if (page !== undefined && page.covers(off - start, width)) {
      this.dirty[q] = 1; // the bit goes: the page is looked at again before its next block
      return true;
    }
    this.dirty[q] = 3;
    return false;
  }

  fenceI(): void {
    this.flush();
  }

  /** Drops the statistics (the bench, between runs). */
  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }
}

/** The WebAssembly memory a RAM window lives in (at offset 0), if it does. */
function wasmOf(window: RamWindow | null): WasmRam | null {
  const wasm = window?.wasm ?? null;
  if (wasm === null || window!.bytes.buffer !== wasm.memory.buffer || window!.bytes.byteOffset !== 0) return null;
  return wasm;
}

/**
 * A region module's run() behind the JavaScript back end's calling convention: registers
 * and the watched word go into the shared area, pc, exit and reason come back from it.
 */
function wasmBlockFunction(run: (budget: number, entry: number) => number, slots: Int32Array): BlockFunction {
  const regs = slots.subarray(0, 32);
  // Copied once: under some module loaders (tsx) an imported constant is a getter call.
  const watch = AREA_WATCH, pc = AREA_PC, exit = AREA_EXIT, reason = AREA_REASON, none = NONE;
  return (s, x, budget, entry) => {
    regs.set(x);
    slots[watch] = s.watch;
    const n = run(budget, entry);
    x.set(regs);
    s.pc = slots[pc]!;
    const e = slots[exit]!;
    if (e !== none) {
      s.exit = e;
      s.reason = slots[reason]!;
    }
    return n;
  };
}

function compile(body: string, env: RamEnv | null, words: Int32Array): BlockFunction {
  const prelude = env
    ? 'const u8 = env.u8, i8 = env.i8, i16 = env.i16, u16 = env.u16, i32 = env.i32, dv = env.dv, dirty = env.dirty;\n'
    : '';
  const factory = new Function('env', 'w', 'mulh', 'mulhsu', 'mulhu',
    `${prelude}return function block(s, x, budget, entry) {\n${body}\n};`) as
    (env: RamEnv | null, w: Int32Array, ...mul: Array<(a: number, b: number) => number>) => BlockFunction;
  return factory(env, words, RUNTIME.mulh, RUNTIME.mulhsu, RUNTIME.mulhu);
}
