// Exits are data: counted by cause, costed by the model, logged with a bound.
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_MODEL, exitCost } from '../../../src/core/vmm/cost-model.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { guest } from './corpus.ts';

describe('exit accounting', () => {
  const image = guest('bare', 'rr-kernel').image;
  const r = runProgram({ image: image, mode: 'full', exitLogSize: 50 });

  it('counts by cause, and the causes add up to the total', () => {
    const sum = Object.values(r.exits.byCause).reduce((a, b) => a + b, 0);
    expect(sum).toBe(r.exits.total);
    for (const cause of ['csr-read', 'csr-write', 'mret', 'mmio-write:uart', 'mmio-read:clint', 'ecall-reflect', 'interrupt-inject']) {
      expect(r.exits.byCause[cause], cause).toBeGreaterThan(0);
    }
  });

  it('charges each exit under the cost model, and overhead is guest vs VMM cycles', () => {
    let expected = 0;
    for (const [cause, n] of Object.entries(r.exits.byCause)) expected += n * exitCost(DEFAULT_COST_MODEL, cause);
    expect(r.cost.overheadCycles).toBe(expected);
    expect(r.cycles).toBe(r.cost.guestCycles + r.cost.overheadCycles + r.cost.idleCycles);
    const pct = (r.cost.overheadCycles / (r.cost.guestCycles + r.cost.overheadCycles)) * 100;
    expect(r.cost.overheadPercent).toBeCloseTo(pct, 9);
  });

  it('keeps a bounded log of the latest exits, in order, with pc, instruction and action', () => {
    expect(r.exitLog).toHaveLength(50);
    expect(r.exitLog.at(-1)!.seq).toBe(r.exits.total - 1);
    for (let i = 1; i < r.exitLog.length; i++) expect(r.exitLog[i].seq).toBe(r.exitLog[i - 1].seq + 1);
    const last = r.exitLog.at(-1)!;
    expect(last.cause).toBe('mmio-write:power-off');
    expect(last.action.length).toBeGreaterThan(0);
    const csr = r.exitLog.find((e) => e.cause.startsWith('csr-'));
    if (csr) expect(csr.insn & 0x7f).toBe(0x73);
  });

  it('a different cost model changes the overhead, not the output', () => {
    const cheap = runProgram({ image: image, mode: 'full', costModel: { exitRoundTrip: 500 } });
    expect(cheap.console).toBe(r.console);
    expect(cheap.cost.overheadCycles).toBeLessThan(r.cost.overheadCycles);
    expect(() => runProgram({ image: image, mode: 'full', costModel: { exitRoundTrip: -1 } })).toThrow(/non-negative/);
  });
});
