// The fixture corpus: tests/fixtures/asm/<case>/input.s with the .text bytes GNU as + ld
// produced for it (expected.hex), or the exact diagnostics we promise (expected.errors).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { formatDiagnostic } from '../../../src/core/diagnostic.ts';
import { marchRvc } from './fixture-march.ts';

const root = join(import.meta.dirname, '../../fixtures/asm');
const cases = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

const hexOf = (bytes: Uint8Array) => {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push([...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(''));
  return lines.join('\n') + '\n';
};

describe('assembler fixtures', () => {
  it('has a corpus', () => expect(cases.length).toBeGreaterThan(20));

  for (const name of cases) {
    const dir = join(root, name);
    const source = readFileSync(join(dir, 'input.s'), 'utf8');
    const file = `${name}/input.s`;
    const rvc = marchRvc(dir);
    if (existsSync(join(dir, 'expected.errors'))) {
      it(`${name}: reports exactly the expected errors`, () => {
        const r = assemble(source, { file });
        const got = r.diagnostics.map(formatDiagnostic).join('\n') + '\n';
        expect(got).toBe(readFileSync(join(dir, 'expected.errors'), 'utf8'));
        expect(r.image).toBeUndefined();
      });
      continue;
    }
    it(`${name}: .text bytes equal GNU as + ld`, () => {
      const r = assemble(source, { file, rvc });
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      const text = r.image!.segments.find((s) => s.vaddr === 0x80000000)!;
      expect(hexOf(text.bytes)).toBe(readFileSync(join(dir, 'expected.hex'), 'utf8'));
    });
    it(`${name}: .rodata/.data bytes and symbol addresses equal GNU ld's`, () => {
      const img = assemble(source, { file, rvc }).image!;
      for (const [sec, flags] of [['rodata', 4], ['data', 6]] as const) {
        const path = join(dir, `expected.${sec}.hex`);
        const seg = img.segments.find((s) => s.flags === flags && s.bytes.length > 0);
        if (existsSync(path)) expect(hexOf(seg!.bytes)).toBe(readFileSync(path, 'utf8'));
        else expect(seg).toBeUndefined();
      }
      const symbols = readFileSync(join(dir, 'expected.symbols'), 'utf8').trim().split('\n').filter(Boolean);
      expect(symbols.length).toBeGreaterThan(0);
      for (const line of symbols) {
        const [addr, , sym] = line.split(' ');
        expect([sym, img.symbols.get(sym!)]).toEqual([sym, parseInt(addr!, 16)]);
      }
    });
  }
});
