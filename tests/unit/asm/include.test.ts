// `.include "file"`: statements from a virtual file map take the directive's place, as
// with GNU as; problems point at the file and line they are in.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';

const HEADER = '        .equ UART, 0x10000000\n        .equ MSG, 42\n';
const BODY = '_start:\n        li t0, UART\n        li a0, MSG\n        sb a0, 0(t0)\n';

describe('.include', () => {
  it('assembles exactly as if the file were written in place', () => {
    const inline = assemble(HEADER + BODY, { file: 'main.s' });
    const included = assemble('        .include "virt.inc"\n' + BODY, { file: 'main.s', files: { 'virt.inc': HEADER } });
    expect(included.diagnostics).toEqual([]);
    expect(included.image!.segments).toEqual(inline.image!.segments);
    expect(included.image!.symbols).toEqual(inline.image!.symbols);
  });

  it('looks beside the including file first, then by the name as given', () => {
    const files = { 'lesson/main.s': '', 'lesson/lib.inc': '        .equ V, 1\n', 'lib.inc': '        .equ V, 2\n', 'other.inc': '        .equ W, 3\n' };
    const r = assemble('        .include "lib.inc"\n        .include "other.inc"\n        li a0, V + W\n', { file: 'lesson/main.s', files });
    expect(r.diagnostics).toEqual([]);
    expect(r.image!.symbols.get('V')).toBe(1);
    expect(r.image!.symbols.get('W')).toBe(3);
  });

  it('nests, and names the included file and line in the line table', () => {
    const files = { 'a.inc': '        .include "b.inc"\n        nop\n', 'b.inc': '\n        addi a0, a0, 1\n' };
    const r = assemble('        .include "a.inc"\n        ret\n', { file: 'main.s', files });
    expect(r.diagnostics).toEqual([]);
    expect(r.image!.lines.map((l) => [l.file, l.line])).toEqual([['b.inc', 2], ['a.inc', 2], ['main.s', 2]]);
  });

  it('reports a missing file at the directive, and the rest still assembles', () => {
    const r = assemble('        nop\n        .include "gone.inc"\n        nop\n', { file: 'main.s', files: {} });
    expect(r.diagnostics).toEqual([expect.objectContaining({ file: 'main.s', line: 2, code: 'include-missing', message: "cannot find the file 'gone.inc' to include" })]);
  });

  it('refuses a file that includes itself, however indirectly', () => {
    const files = { 'a.inc': '        .include "b.inc"\n', 'b.inc': '        .include "a.inc"\n' };
    const r = assemble('        .include "a.inc"\n', { file: 'main.s', files });
    expect(r.diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([['b.inc', 1, 'include-loop']]);
    expect(r.diagnostics[0]!.message).toContain('main.s -> a.inc -> b.inc -> a.inc');
  });

  it('reports an error inside an included file with that file and its line', () => {
    const files = { 'bad.inc': '        nop\n        addi a0, a0\n        frob x1\n' };
    const r = assemble('        .include "bad.inc"\n', { file: 'main.s', files });
    expect(r.diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([['bad.inc', 2, 'operand-count'], ['bad.inc', 3, 'unknown-mnemonic']]);
  });

  it('needs one quoted file name', () => {
    const r = assemble('        .include virt.inc\n', { file: 'main.s', files: { 'virt.inc': '' } });
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[1, 'bad-directive-operand']]);
  });
});
