// The terminal's output pacing: bounded chunks, every N frames, one write in flight at a
// time, and a backlog that drops the middle with a note rather than growing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OutputPacer, type PacerHost } from '../../../src/ui/terminal/output-pacer.ts';

function fakeHost(): PacerHost & { frames: (() => void)[]; writes: string[]; pendingDone: (() => void)[]; runFrame(): void } {
  const h = {
    frames: [] as (() => void)[],
    writes: [] as string[],
    pendingDone: [] as (() => void)[],
    write(text: string, done: () => void) { h.writes.push(text); h.pendingDone.push(done); },
    requestFrame(cb: () => void) { h.frames.push(cb); return h.frames.length; },
    cancelFrame() { h.frames = []; },
    runFrame() { const f = h.frames.splice(0); for (const cb of f) cb(); },
  };
  return h;
}

describe('OutputPacer', () => {
  it('writes nothing before start, then one chunk every other frame after the last is parsed', () => {
    const host = fakeHost();
    const pacer = new OutputPacer(host, { chunkBytes: 4, framesPerChunk: 2, backlogBytes: 100 });
    pacer.push('abcdefghij');
    expect(host.frames).toHaveLength(0);
    pacer.start();
    host.runFrame();
    expect(host.writes).toEqual([]);
    host.runFrame();
    expect(host.writes).toEqual(['abcd']);
    // Until xterm has parsed it, no further frames are even requested.
    expect(host.frames).toHaveLength(0);
    host.pendingDone.shift()!();
    host.runFrame();
    host.runFrame();
    expect(host.writes).toEqual(['abcd', 'efgh']);
    host.pendingDone.shift()!();
    host.runFrame();
    host.runFrame();
    expect(host.writes.join('')).toBe('abcdefghij');
    host.pendingDone.shift()!();
    expect(host.frames).toHaveLength(0);
  });

  it('keeps every byte, in order, while the backlog is not exceeded', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }), fc.integer({ min: 1, max: 16 }), (parts, chunk) => {
      const host = fakeHost();
      const pacer = new OutputPacer(host, { chunkBytes: chunk, framesPerChunk: 1, backlogBytes: 10_000 });
      pacer.start();
      for (const p of parts) {
        pacer.push(p);
        host.runFrame();
        host.pendingDone.splice(0).forEach((d) => d());
      }
      for (let i = 0; i < 1000 && pacer.pendingBytes > 0; i++) {
        host.runFrame();
        host.pendingDone.splice(0).forEach((d) => d());
      }
      expect(host.writes.join('')).toBe(parts.join(''));
      expect(host.writes.every((w) => w.length <= chunk)).toBe(true);
    }));
  });

  it('drops the middle of an overflowing backlog with a note, keeping the newest text', () => {
    const host = fakeHost();
    const pacer = new OutputPacer(host, { chunkBytes: 1 << 20, framesPerChunk: 1, backlogBytes: 1000 });
    const text = Array.from({ length: 300 }, (_, i) => `${i}\n`).join('');
    for (let i = 0; i < text.length; i += 10) pacer.push(text.slice(i, i + 10));
    pacer.start();
    host.runFrame();
    const shown = host.writes.join('');
    expect(pacer.skipped).toBeGreaterThan(0);
    expect(shown).toMatch(/bytes of output skipped/);
    expect(shown.endsWith('299\n')).toBe(true);
    expect(shown.length).toBeLessThan(1000);
  });
});
