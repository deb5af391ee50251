import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  WorkspaceFormatError, decodeShare, encodeShare, makeWorkspace, parseWorkspace, sharedCodeFromHash,
} from '../../../src/ui/state/workspace-format.ts';

describe('share links', () => {
  it('carry any text through the URL hash unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (code) => {
      const encoded = encodeShare(code);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeShare(encoded)).toBe(code);
      expect(sharedCodeFromHash(`#code=${encoded}`)).toBe(code);
    }));
  });

  it('give null for a hash without code or with garbage', () => {
    expect(sharedCodeFromHash('')).toBeNull();
    expect(sharedCodeFromHash('#other=1')).toBeNull();
    expect(decodeShare('_w')).toBeNull(); // not valid UTF-8 once decoded
  });
});

describe('workspace records', () => {
  it('round-trip through JSON', () => {
    const ws = makeWorkspace([{ name: 'a.s', content: 'nop\n' }, { name: 'b.s', content: '' }], 'b.s');
    expect(parseWorkspace(JSON.stringify(ws))).toEqual(ws);
  });

  it('reject what is not a workspace, saying why', () => {
    const bad = ['', '{', 'null', '[]', '{"format":"x"}',
      '{"format":"trapdoor-workspace","version":2,"files":[]}',
      '{"format":"trapdoor-workspace","version":1,"files":[]}',
      '{"format":"trapdoor-workspace","version":1,"files":[{"name":"a"}]}',
      '{"format":"trapdoor-workspace","version":1,"files":[{"name":"a","content":""},{"name":"a","content":""}]}'];
    for (const text of bad) expect(() => parseWorkspace(text), text).toThrow(WorkspaceFormatError);
  });

  it('never throws anything but WorkspaceFormatError on arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      try {
        parseWorkspace(text);
      } catch (e) {
        expect(e).toBeInstanceOf(WorkspaceFormatError);
      }
    }));
  });

  it('falls back to the first file when the active one is missing', () => {
    const text = JSON.stringify({ format: 'trapdoor-workspace', version: 1, files: [{ name: 'x.s', content: '' }], active: 'gone.s' });
    expect(parseWorkspace(text).active).toBe('x.s');
  });
});
