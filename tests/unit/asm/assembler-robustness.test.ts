// Property: whatever the learner types, the assembler answers with diagnostics or an
// image — it never throws and never hits an internal error.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';

const root = join(import.meta.dirname, '../../fixtures/asm');
const programs = readdirSync(root)
  .filter((c) => existsSync(join(root, c, 'input.s')))
  .map((c) => readFileSync(join(root, c, 'input.s'), 'utf8'));

function check(src: string): void {
  const r = assemble(src, { file: 'p.s' });
  expect(r.diagnostics.filter((d) => d.code === 'internal-error'), src).toEqual([]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) expect(r.image).toBeUndefined();
  else expect(r.image).toBeDefined();
  for (const d of r.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.endColumn).toBeGreaterThan(d.column);
  }
}

const FRAGMENTS = [
  'add', 'addi', 'li', 'la', 'lw', 'sw', 'beq', 'j', 'jal', 'jalr', 'call', 'tail', 'csrr', 'csrw', 'lr.w.aq', 'fence', 'ret',
  'a0', 'a1', 'x31', 'x32', 'sp', 'zero', 'mstatus', 'foo', 'bar', '_start', '1f', '1b', '.L1',
  '0', '1', '-1', '2047', '0x80000000', '0xffffffff', '0b101', "'a'", '99999999999999999999', '0x',
  '.text', '.data', '.bss', '.section', '.rodata', '.word', '.byte', '.half', '.string', '.ascii', '.space', '.align',
  '.balign', '.p2align', '.equ', '.set', '.globl', '.option', '.type', '.size', '.end', '@function',
  '%hi(', '%lo(', '%pcrel_hi(', '%pcrel_lo(', '(', ')', ',', ':', ';', '=', '+', '-', '*', '/', '%', '<<', '>>',
  '&', '|', '^', '~', '!', '.', '"str"', '"', '#', '//', '/*', '*/', ' ', ' ', '\t', '\n', '\n', '\\', '\u00e9', '\u0000',
];

describe('assembler robustness', () => {
  it('reports hostile nesting and length instead of overflowing the stack', () => {
    for (const src of ['li a0, ' + '('.repeat(50000) + '1' + ')'.repeat(50000), 'li a0, ' + '~'.repeat(50000) + '1', '.word ' + Array(50000).fill('1').join('+')]) {
      const r = assemble(src);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['syntax']);
    }
  });

  it('handles token soup', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), (parts) => check(parts.join(''))), { numRuns: 400 });
  });

  it('handles token soup with spaces', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), (parts) => check(parts.join(' '))), { numRuns: 400 });
  });

  it('handles arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), check), { numRuns: 300 });
  });

  it('handles mutated valid programs', () => {
    const mutation = fc.record({
      program: fc.integer({ min: 0, max: programs.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), del: fc.integer({ min: 0, max: 8 }), ins: fc.constantFrom(...FRAGMENTS, '') }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(fc.property(mutation, ({ program, edits }) => {
      let src = programs[program]!;
      for (const e of edits) {
        const at = e.at % (src.length + 1);
        src = src.slice(0, at) + e.ins + src.slice(at + e.del);
      }
      check(src);
    }), { numRuns: 300 });
  }, 60_000); // bounded by numRuns; the time limit only guards a loaded machine
});
