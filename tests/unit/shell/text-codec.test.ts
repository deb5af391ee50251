// The shell's UTF-8 stream codec (on top of the kernel's codec): a text cut into chunks at
// any byte comes back whole, and bad bytes decode as TextDecoder decodes them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAll, decodeUtf8, encodeUtf8 } from '../../../src/core/shell/text-codec.ts';

function decodeChunks(bytes: Uint8Array, cuts: number[]): string {
  let text = '';
  let carry: Uint8Array = new Uint8Array(0);
  let from = 0;
  for (const to of [...cuts.sort((a, b) => a - b), bytes.length]) {
    const chunk = new Uint8Array([...carry, ...bytes.subarray(from, Math.max(from, to))]);
    const r = decodeUtf8(chunk);
    text += r.text;
    carry = r.rest;
    from = Math.max(from, to);
  }
  return text + decodeAll(carry);
}

describe('shell text codec', () => {
  it('encodes as TextEncoder does', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect([...encodeUtf8(s)]).toEqual([...new TextEncoder().encode(s)]);
    }));
  });

  it('a text cut into chunks anywhere decodes whole', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.nat()), (s, cuts) => {
      const bytes = encodeUtf8(s);
      expect(decodeChunks(bytes, cuts.map((c) => c % (bytes.length + 1)))).toBe(s);
    }));
  });

  it('keeps back only an unfinished sequence at the end of a chunk', () => {
    const euro = encodeUtf8('a€'); // 61 e2 82 ac
    expect(decodeUtf8(euro.subarray(0, 3))).toEqual({ text: 'a', rest: euro.subarray(1, 3) });
    expect(decodeUtf8(new Uint8Array([0x61, 0xc0]))).toEqual({ text: 'a\ufffd', rest: new Uint8Array(0) });
  });

  it('bad bytes become U+FFFD as TextDecoder makes them', () => {
    for (const bad of [[0xff], [0x80, 0x41], [0xc0, 0x80], [0xe2, 0x41], [0xf5, 0x80, 0x80, 0x80]]) {
      const bytes = new Uint8Array(bad);
      expect(decodeAll(bytes), bad.join(' ')).toBe(new TextDecoder().decode(bytes));
    }
    // A sequence the buffer ends in the middle of: one U+FFFD per byte (TextDecoder: one).
    expect(decodeAll(new Uint8Array([0xe2, 0x82]))).toBe('\ufffd\ufffd');
  });
});
