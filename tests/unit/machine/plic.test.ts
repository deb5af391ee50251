// The PLIC against the PLIC specification 1.0.0 and QEMU virt's layout, through the bus
// as a guest sees it: priorities, pending, per-context enables, threshold, claim/complete,
// and the MEIP/SEIP lines into the hart.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../../src/core/machine/machine.ts';
import { PLIC_BASE, UART_IRQ } from '../../../src/core/machine/plic.ts';

const MEIP = 1 << 11;
const SEIP = 1 << 9;
const PRIORITY = (s: number) => PLIC_BASE + 4 * s;
const PENDING = PLIC_BASE + 0x1000;
const ENABLE = (ctx: number) => PLIC_BASE + 0x2000 + 0x80 * ctx;
const THRESHOLD = (ctx: number) => PLIC_BASE + 0x200000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => THRESHOLD(ctx) + 4;

function setup() {
  const m = new Machine({ ramSize: 1 << 20 });
  const rd = (a: number) => m.bus.load(a, 4);
  const wr = (a: number, v: number) => expect(m.bus.store(a, 4, v)).toBe(0);
  const mip = () => m.cpu.csr.mip();
  return { m, rd, wr, mip };
}

describe('PLIC', () => {
  it('priorities are 3-bit WARL registers; source 0 has none', () => {
    const { rd, wr } = setup();
    wr(PRIORITY(10), 0xff);
    expect(rd(PRIORITY(10))).toBe(7);
    wr(PRIORITY(0), 5);
    expect(rd(PRIORITY(0))).toBe(0);
  });

  it('a raised source is pending (read-only) and lowering the line clears it', () => {
    const { m, rd, wr } = setup();
    m.plic.setSource(3, true);
    expect(rd(PENDING)).toBe(1 << 3);
    wr(PENDING, 0);
    expect(rd(PENDING)).toBe(1 << 3);
    m.plic.setSource(3, false);
    expect(rd(PENDING)).toBe(0);
  });

  it('drives MEIP from context 0 and SEIP from context 1, each with its own enables and threshold', () => {
    const { m, wr, mip } = setup();
    wr(PRIORITY(5), 2);
    m.plic.setSource(5, true);
    expect(mip() & (MEIP | SEIP)).toBe(0); // enabled nowhere
    wr(ENABLE(1), 1 << 5);
    expect(mip() & (MEIP | SEIP)).toBe(SEIP);
    wr(ENABLE(0), 1 << 5);
    expect(mip() & (MEIP | SEIP)).toBe(MEIP | SEIP);
    wr(THRESHOLD(0), 2); // priority must exceed the threshold
    expect(mip() & (MEIP | SEIP)).toBe(SEIP);
    wr(PRIORITY(5), 0); // priority 0 never interrupts
    expect(mip() & (MEIP | SEIP)).toBe(0);
  });

  it('a claim returns the highest priority (ties: lowest id), once, until completed', () => {
    const { m, rd, wr, mip } = setup();
    for (const [s, p] of [[2, 1], [7, 3], [9, 3]] as const) { wr(PRIORITY(s), p); m.plic.setSource(s, true); }
    wr(ENABLE(0), (1 << 2) | (1 << 7) | (1 << 9));
    expect(rd(CLAIM(0))).toBe(7);
    expect(rd(CLAIM(0))).toBe(9);
    expect(rd(CLAIM(0))).toBe(2);
    expect(rd(CLAIM(0))).toBe(0); // nothing left
    expect(mip() & MEIP).toBe(0);
    m.plic.setSource(7, true); // raised again while claimed: pending, not claimable
    expect(rd(PENDING) & (1 << 7)).not.toBe(0);
    expect(rd(CLAIM(0))).toBe(0);
    wr(CLAIM(0), 7); // complete
    expect(mip() & MEIP).toBe(MEIP);
    expect(rd(CLAIM(0))).toBe(7);
  });

  it('ignores a completion for a source the context has not enabled (spec §9)', () => {
    const { m, rd, wr } = setup();
    wr(PRIORITY(4), 1);
    wr(ENABLE(0), 1 << 4);
    m.plic.setSource(4, true);
    expect(rd(CLAIM(0))).toBe(4);
    m.plic.setSource(4, true);
    wr(ENABLE(0), 0);
    wr(CLAIM(0), 4);
    wr(ENABLE(0), 1 << 4);
    expect(rd(CLAIM(0))).toBe(0); // still claimed
  });

  it('the UART interrupts through source 10', () => {
    const { m, rd, wr, mip } = setup();
    wr(PRIORITY(UART_IRQ), 1);
    wr(ENABLE(0), 1 << UART_IRQ);
    m.bus.store(0x10000001, 1, 1); // IER.ERBFI
    m.receive(Uint8Array.of(0x41));
    expect(mip() & MEIP).toBe(MEIP);
    expect(rd(CLAIM(0))).toBe(UART_IRQ);
    expect(m.bus.load(0x10000000, 1)).toBe(0x41); // reading RBR empties the FIFO: line low
    wr(CLAIM(0), UART_IRQ);
    expect(mip() & MEIP).toBe(0);
  });

  it('saves and restores its registers with the machine', () => {
    const { m, rd, wr, mip } = setup();
    wr(PRIORITY(6), 4);
    wr(ENABLE(1), 1 << 6);
    wr(THRESHOLD(1), 1);
    m.plic.setSource(6, true);
    const saved = m.getState();
    const { m: other, rd: rd2 } = setup();
    other.setState(structuredClone(saved));
    expect([rd2(PRIORITY(6)), rd2(ENABLE(1)), rd2(THRESHOLD(1)), rd2(PENDING)]).toEqual([4, 1 << 6, 1, 1 << 6]);
    expect(other.cpu.csr.mip() & SEIP).toBe(SEIP);
    expect(mip() & SEIP).toBe(SEIP);
    expect(rd(CLAIM(1))).toBe(6);
    expect(() => other.setState({ ...saved, plic: { ...saved.plic, enable: [[1]] } })).toThrow(/damaged PLIC state/);
  });
});
