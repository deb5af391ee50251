import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/core/kernel/address-space.ts';
import { Cgroup } from '../../../src/core/kernel/cgroup.ts';
import { MemoryFault } from '../../../src/core/isa/memory.ts';

const BASE = 0x20000;
const SIZE = 4 * 4096;

function space(): AddressSpace {
  const s = new AddressSpace();
  s.addRegion({ start: BASE, end: BASE + SIZE, prot: PROT_READ | PROT_WRITE, kind: 'mmap' });
  return s;
}

describe('address space', () => {
  it('behaves like a flat little-endian byte array for any mix of widths and alignments', () => {
    const op = fc.record({
      addr: fc.integer({ min: 0, max: SIZE - 4 }),
      width: fc.constantFrom(1, 2, 4) as fc.Arbitrary<1 | 2 | 4>,
      value: fc.integer({ min: 0, max: 0xffffffff }),
      store: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const s = space();
      const model = new Uint8Array(SIZE);
      for (const { addr, width, value, store } of ops) {
        if (store) {
          expect(s.store(BASE + addr, width, value)).toBe(0);
          for (let i = 0; i < width; i++) model[addr + i] = (value >>> (8 * i)) & 0xff;
        } else {
          let expected = 0;
          for (let i = 0; i < width; i++) expected += model[addr + i]! * 2 ** (8 * i);
          expect(s.load(BASE + addr, width)).toBe(expected);
        }
      }
    }));
  });

  it('faults outside regions and on writes to read-only pages, changing nothing', () => {
    const s = space();
    s.addRegion({ start: 0x10000, end: 0x11000, prot: PROT_READ | PROT_EXEC, kind: 'text' });
    expect(s.load(0x5000, 4)).toBe(MemoryFault.Page);
    expect(s.store(0x10000, 4, 1)).toBe(MemoryFault.Page);
    expect(s.fetch(BASE)).toBe(MemoryFault.Page); // data is not executable
    // A store straddling into an unmapped page must not half-happen.
    expect(s.store(BASE + SIZE - 2, 4, 0xaabbccdd)).toBe(MemoryFault.Page);
    expect(s.load(BASE + SIZE - 2, 2)).toBe(0);
  });

  it('allocates pages lazily and charges them to the cgroup, freeing them on unmap', () => {
    const cg = new Cgroup('t', null);
    const s = new AddressSpace(cg);
    s.addRegion({ start: BASE, end: BASE + 1024 * 4096, prot: PROT_READ | PROT_WRITE, kind: 'mmap' });
    expect(cg.memoryCurrent).toBe(0);
    s.store(BASE + 5 * 4096, 1, 7);
    expect(cg.memoryCurrent).toBe(4096);
    s.unmap(BASE, BASE + 1024 * 4096);
    expect(cg.memoryCurrent).toBe(0);
  });

  it('fork shares pages copy-on-write and charges a copy only when written', () => {
    const cg = new Cgroup('t', null);
    const parent = new AddressSpace(cg);
    parent.addRegion({ start: BASE, end: BASE + SIZE, prot: PROT_READ | PROT_WRITE, kind: 'data' });
    parent.store(BASE, 4, 1);
    const child = parent.fork(cg);
    expect(cg.memoryCurrent).toBe(4096);
    expect(child.load(BASE, 4)).toBe(1);
    child.store(BASE, 4, 2);
    expect(cg.memoryCurrent).toBe(8192);
    expect(parent.load(BASE, 4)).toBe(1);
    expect(child.load(BASE, 4)).toBe(2);
    child.clear();
    parent.clear();
    expect(cg.memoryCurrent).toBe(0);
  });
});
