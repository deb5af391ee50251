// The fetch and data fast paths for paged memories (Memory.fetchPage / dataPage /
// fetchEpoch / sideEffectFree):
// it must behave exactly like the slow path, see stores to executable pages, and follow
// mapping changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../../src/core/isa/cpu.ts';
import type { AccessWidth } from '../../../src/core/isa/memory.ts';
import { PRIV_U } from '../../../src/core/isa/privilege.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import { ECALL, I, R, addi, beq, jal, li, lw, sw } from './encode.ts';
import { PagedMemory } from './harness.ts';

/** PagedMemory plus the fast path; pages listed in noExec are not executable. */
class FastPagedMemory extends PagedMemory {
  fetchEpoch = 0;
  readonly sideEffectFree = true;
  readonly noExec = new Set<number>();
  fetchPageCalls = 0;
  slowFetches = 0;
  /** A store to this address remaps page `remap.vpn` to `remap.bytes` (like copy-on-write). */
  remap: { addr: number; vpn: number; bytes: Uint8Array } | null = null;

  fetchPage(vpn: number): Int32Array | null {
    this.fetchPageCalls++;
    const p = this.pages.get(vpn);
    return p && !this.noExec.has(vpn) ? new Int32Array(p.buffer, p.byteOffset, 1024) : null;
  }
  override fetch(addr: number): number {
    this.slowFetches++;
    return this.noExec.has(addr >>> 12) ? -2 : super.fetch(addr);
  }
  override store(addr: number, width: AccessWidth, value: number): number {
    const r = super.store(addr, width, value);
    if (this.remap && addr === this.remap.addr) {
      this.pages.set(this.remap.vpn, this.remap.bytes);
      this.fetchEpoch++;
    }
    return r;
  }
}

function userCpu(mem: PagedMemory, entry: number): Cpu {
  const cpu = new Cpu(mem);
  cpu.reset(entry);
  cpu.priv = PRIV_U;
  cpu.interceptUserTraps = true;
  return cpu;
}

const words = (ws: number[]): Uint8Array => new Uint8Array(Uint32Array.from(ws).buffer);

describe('instruction fetch through Memory.fetchPage', () => {
  it('fetches a page of code once, not every instruction, and loads/stores do not end the chunk', () => {
    const mem = new FastPagedMemory();
    // sum 1..50 into x2, storing the running sum each time round the loop
    const prog = [...li(5, 0x20000), addi(1, 0, 50), addi(2, 0, 0),
      R(0, 1, 2, 0, 2, 0x33), sw(2, 5, 0), lw(3, 5, 0), addi(1, 1, -1), beq(1, 0, 8), jal(0, -20), ECALL];
    mem.map(0x10000, words(prog));
    mem.map(0x20000, new Uint8Array(4));
    const cpu = userCpu(mem, 0x10000);
    cpu.kind = 'interp'; // counts the interpreter's own fetches
    const stop = cpu.run(10_000);
    expect(stop).toMatchObject({ kind: 'trap', trap: { cause: Exception.EcallFromU, pc: 0x10000 + 4 * (prog.length - 1) } });
    expect(cpu.x[2]).toBe(1275);
    expect(cpu.x[3]).toBe(1275);
    expect(mem.slowFetches).toBe(0);
    expect(mem.fetchPageCalls).toBe(1);
    expect(cpu.csr.instret).toBe(4 + 50 * 6 - 1);
  });

  it('sees a store into a writable executable page (self-modifying code)', () => {
    const mem = new FastPagedMemory();
    const newInsn = addi(7, 0, 42);
    const prog = [...li(1, newInsn | 0), ...li(5, 0x10000 + 6 * 4), sw(1, 5, 0), addi(7, 0, 1), ECALL];
    mem.map(0x10000, words(prog));
    const cpu = userCpu(mem, 0x10000);
    cpu.run(100);
    expect(cpu.x[7]).toBe(42);
  });

  it('follows a mapping change made by a store (fetchEpoch): the new page is executed', () => {
    const mem = new FastPagedMemory();
    const page1 = [...li(5, 0x30000), jal(0, 0x1000 - 8)]; // store happens on page 2
    const page2 = [sw(0, 5, 0), addi(6, 0, 1), ECALL];
    const page2After = [sw(0, 5, 0), addi(6, 0, 2), ECALL];
    mem.map(0x10000, words(page1));
    mem.map(0x11000, words(page2));
    mem.map(0x30000, new Uint8Array(4));
    const replacement = new Uint8Array(4096);
    replacement.set(words(page2After));
    mem.remap = { addr: 0x30000, vpn: 0x11, bytes: replacement };
    const cpu = userCpu(mem, 0x10000);
    cpu.run(100);
    expect(cpu.x[6]).toBe(2);
  });

  it('a page that is not executable takes the slow path and raises an instruction page fault', () => {
    const mem = new FastPagedMemory();
    mem.map(0x10000, words([jal(0, 0x1000)]));
    mem.map(0x11000, words([addi(1, 0, 1)]));
    mem.noExec.add(0x11);
    const cpu = userCpu(mem, 0x10000);
    expect(cpu.run(10)).toMatchObject({ kind: 'trap', trap: { cause: Exception.InstructionPageFault, tval: 0x11000 } });
    expect(cpu.x[1]).toBe(0);
  });

  it('gives the same registers, memory and counts as the slow path for random straight-line code', () => {
    const aluOp = fc.record({
      f3: fc.integer({ min: 0, max: 7 }), rd: fc.integer({ min: 1, max: 15 }),
      rs1: fc.integer({ min: 0, max: 15 }), rs2: fc.integer({ min: 0, max: 15 }),
      imm: fc.integer({ min: -2048, max: 2047 }), kind: fc.integer({ min: 0, max: 3 }),
    }).map(({ f3, rd, rs1, rs2, imm, kind }) => {
      if (kind === 0) return R(f3 === 0 || f3 === 5 ? 0 : 0, rs2, rs1, f3, rd, 0x33);
      if (kind === 1) return R(1, rs2, rs1, f3, rd, 0x33);
      if (kind === 2) return sw(rs2, 31, (imm & 0x3fc));
      return f3 === 1 || f3 === 5 ? I(imm & 31, rs1, f3, rd, 0x13) : I(imm, rs1, f3, rd, 0x13);
    });
    fc.assert(fc.property(fc.array(aluOp, { minLength: 1, maxLength: 200 }), fc.array(fc.integer(), { minLength: 15, maxLength: 15 }), (body, seeds) => {
      const prog = [...li(31, 0x40000), ...body, lw(20, 31, 0), ECALL];
      const run = (mem: PagedMemory) => {
        mem.map(0x10000, words(prog));
        mem.map(0x40000, new Uint8Array(4096));
        const cpu = userCpu(mem, 0x10000);
        seeds.forEach((v, i) => { cpu.x[i + 1] = v; });
        cpu.x[31] = 0;
        const stop = cpu.run(1000);
        return { stop, x: Array.from(cpu.x), data: Array.from(mem.pages.get(0x40)!), instret: cpu.csr.instret, cycles: cpu.clock.cycles };
      };
      expect(run(new FastPagedMemory())).toEqual(run(new PagedMemory()));
    }), { numRuns: 60 });
  });
});

/** FastPagedMemory plus the data fast path; pages in readOnly refuse stores (page fault). */
class DataPagedMemory extends FastPagedMemory {
  readonly readOnly = new Set<number>();
  dataPageCalls = 0;
  dataPage(vpn: number, write: boolean): Uint8Array | null {
    this.dataPageCalls++;
    if (write && this.readOnly.has(vpn)) return null;
    return this.pages.get(vpn) ?? null;
  }
  override store(addr: number, width: AccessWidth, value: number): number {
    for (let i = 0; i < width; i++) if (this.readOnly.has((addr + i) >>> 12)) return -2;
    return super.store(addr, width, value);
  }
}

describe('loads and stores through Memory.dataPage', () => {
  const S = (f3: number, rs2: number, rs1: number, imm: number) =>
    ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;

  it('gives the same results as the slow path for every width, offset and page edge', () => {
    const access = fc.record({
      store: fc.boolean(), f3: fc.constantFrom(0, 1, 2, 4, 5), rd: fc.integer({ min: 1, max: 9 }),
      rs2: fc.integer({ min: 0, max: 9 }), imm: fc.integer({ min: -2048, max: 2047 }),
    }).map(({ store, f3, rd, rs2, imm }) => (store ? S(f3 & 3, rs2, 31, imm) : I(imm, 31, f3, rd, 0x03)));
    fc.assert(fc.property(fc.array(access, { minLength: 1, maxLength: 120 }), fc.array(fc.integer(), { minLength: 9, maxLength: 9 }), (body, seeds) => {
      // x31 points at the boundary between two data pages: offsets reach both and straddle it.
      const prog = [...li(31, 0x41000), ...body, ECALL];
      const run = (mem: PagedMemory) => {
        mem.map(0x10000, words(prog));
        mem.map(0x40000, new Uint8Array(4096).map((_, i) => i * 7));
        mem.map(0x41000, new Uint8Array(4096).map((_, i) => i * 13));
        const cpu = userCpu(mem, 0x10000);
        seeds.forEach((v, i) => { cpu.x[i + 1] = v; });
        const stop = cpu.run(1000);
        return { stop, x: Array.from(cpu.x), a: Array.from(mem.pages.get(0x40)!), b: Array.from(mem.pages.get(0x41)!), cycles: cpu.clock.cycles };
      };
      expect(run(new DataPagedMemory())).toEqual(run(new PagedMemory()));
    }), { numRuns: 80 });
  });

  it('a page refused for stores faults through the slow path and is left unchanged; loads from it still run fast', () => {
    const mem = new DataPagedMemory();
    const prog = [...li(5, 0x20000), lw(6, 5, 8), addi(6, 6, 1), sw(6, 5, 8), ECALL];
    mem.map(0x10000, words(prog));
    mem.map(0x20000, words([0, 0, 41]));
    mem.readOnly.add(0x20);
    const cpu = userCpu(mem, 0x10000);
    expect(cpu.run(100)).toMatchObject({ kind: 'trap', trap: { cause: Exception.StorePageFault, tval: 0x20008 } });
    expect(cpu.x[6]).toBe(42);
    expect(mem.load(0x20008, 4)).toBe(41);
  });
});
