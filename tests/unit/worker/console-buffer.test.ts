import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsoleBuffer } from '../../../src/worker/console-buffer.ts';

describe('ConsoleBuffer', () => {
  it('delivers every byte unchanged (latin1) when under the bound, in one message per flush', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
      const sent: string[] = [];
      const buf = new ConsoleBuffer((t) => sent.push(t));
      for (const c of chunks) buf.push(c);
      buf.flush();
      const total = chunks.reduce((n, c) => n + c.length, 0);
      expect(sent.length).toBe(total > 0 ? 1 : 0);
      const bytes = Uint8Array.from((sent[0] ?? ''), (ch) => ch.charCodeAt(0));
      expect(Array.from(bytes)).toEqual(chunks.flatMap((c) => Array.from(c)));
    }));
  });

  it('drops output beyond its bound and says how much', () => {
    const sent: string[] = [];
    const buf = new ConsoleBuffer((t) => sent.push(t));
    const big = new Uint8Array(20 * 1024).fill(65);
    buf.push(big);
    buf.push(big);
    buf.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.startsWith('A'.repeat(20 * 1024))).toBe(true);
    expect(sent[0]).toContain(`[trapdoor: ${20 * 1024} console bytes dropped]`);
  });
});
