// Every decoder of outside input, fuzzed (issue 16): for any input each gives a correct
// result or a clear refusal — its own error type with a message, never a host exception —
// in bounded memory and time, measured in sizes (what it builds is no larger than a fixed
// multiple of what it read) and steps, and a refused input changes nothing.
//   ELF files, VM snapshots (backups), data-centre and kernel states, saved progress and
//   workspaces, share links, lesson files, assembler source, shell lines.
// `npm test` runs each property a bounded number of times; `npm run fuzz -- --seconds N`
// runs each for N seconds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, MAX_SOURCE_CHARS } from '../../../src/core/asm/assembler.ts';
import { ElfError, readElf } from '../../../src/core/asm/elf-reader.ts';
import { plainDataProblem } from '../../../src/core/isa/state-data.ts';
import { StateVersionError } from '../../../src/core/isa/state-header.ts';
import { KernelStateError } from '../../../src/core/kernel/checkpoint-state.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';
import { lessonTemplate, loadLessons } from '../../../src/core/lessons/index.ts';
import { parse as parseShell } from '../../../src/core/shell/parser.ts';
import { readSnapshot, restoreSnapshot, saveSnapshot, SnapshotError } from '../../../src/core/vmm/snapshot.ts';
import { Vm } from '../../../src/core/vmm/vm.ts';
import { parseProgress, ProgressFormatError } from '../../../src/ui/lesson/progress-format.ts';
import { decodeShare, encodeShare, parseWorkspace, sharedCodeFromHash, WorkspaceFormatError } from '../../../src/ui/state/workspace-format.ts';
import { budget, FUZZ_TIMEOUT, mutate } from './fuzz-budget.ts';

const edits = fc.array(fc.record({ at: fc.nat(1 << 20), byte: fc.nat(255), kind: fc.nat(3) }), { minLength: 1, maxLength: 6 });

/** The error a decoder may refuse with: one of `types`, with a message. */
function refusedWith(e: unknown, ...types: Array<new (...a: never[]) => Error>): void {
  expect(types.some((t) => e instanceof t), String(e)).toBe(true);
  expect((e as Error).message.length).toBeGreaterThan(0);
}

const helloElf = assemble('_start: la a0, msg\n li t0, 0x10000000\n lbu t1, 0(a0)\n sb t1, 0(t0)\n j _start\n.data\nmsg: .asciz "hi"\n').elf!;

describe('fuzz: ELF files', () => {
  it('a mutated ELF loads or is refused with an ElfError; no segment outgrows the file', () => {
    fc.assert(fc.property(edits, (e) => {
      const bytes = mutate(helloElf, e);
      try {
        const image = readElf(bytes);
        const loaded = image.segments.reduce((n, s) => n + s.bytes.length, 0);
        expect(loaded).toBeLessThanOrEqual(bytes.length);
        expect(image.entry % 2).toBe(0);
      } catch (err) {
        refusedWith(err, ElfError, RangeError);
      }
    }), budget(300));
  }, FUZZ_TIMEOUT);
});

describe('fuzz: VM snapshots (backups)', () => {
  const vm = new Vm({ mode: 'full', ramSize: 1 << 20 });
  vm.load(readElf(helloElf));
  vm.run(5000);
  const good = saveSnapshot(vm);
  it('a mutated snapshot restores or is refused with a SnapshotError, and the VM is unchanged', () => {
    const target = new Vm({ mode: 'full', ramSize: 1 << 20 });
    const before = JSON.stringify(readSnapshot(saveSnapshot(target)), (_k, v) => (v instanceof Uint8Array ? [...v].join() : v));
    fc.assert(fc.property(edits, (e) => {
      const bytes = mutate(good, e);
      try {
        const state = readSnapshot(bytes);
        expect(state.ram.pages.length * 4096).toBeLessThanOrEqual(bytes.length);
      } catch (err) {
        refusedWith(err, SnapshotError);
        expect(() => restoreSnapshot(target, bytes)).toThrow(SnapshotError);
        const after = JSON.stringify(readSnapshot(saveSnapshot(target)), (_k, v) => (v instanceof Uint8Array ? [...v].join() : v));
        expect(after).toBe(before);
      }
    }), budget(200));
  }, FUZZ_TIMEOUT);
});

/** A JSON value with one leaf replaced by something hostile, or a key added. */
const hostileValue = fc.oneof(
  fc.constantFrom(1e308, -1, 2 ** 53, 0.5, '', 'x', null, true, [], {}, -0),
  fc.string({ maxLength: 8 }),
  fc.integer(),
);
function edit(value: unknown, path: number[], replacement: unknown, addProto: boolean): unknown {
  const copy = structuredClone(value);
  let node: unknown = copy;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null || child instanceof Uint8Array) {
      (node as Record<string, unknown>)[key] = replacement;
      return copy;
    }
    node = child;
  }
  if (addProto && typeof node === 'object' && node !== null) Object.defineProperty(node, '__proto__', { value: { polluted: 1 }, enumerable: true });
  return copy;
}

describe('fuzz: kernel checkpoints', () => {
  it('an edited kernel state restores or is refused with a KernelStateError, and the kernel is unchanged', () => {
    const k = new Kernel({ consoleSink: () => {}, parseProgram: (b) => readElf(b) });
    k.spawnHost({ argv: ['sh'] });
    const good = k.getState();
    const before = JSON.stringify(k.getState(), (_k, v) => (v instanceof Uint8Array ? v.length : v));
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 8 }), hostileValue, fc.boolean(), (path, value, proto) => {
      const state = edit(good, path, value, proto);
      try {
        k.setState(state as never);
        k.setState(good);
      } catch (err) {
        refusedWith(err, KernelStateError, StateVersionError);
        expect(JSON.stringify(k.getState(), (_k, v) => (v instanceof Uint8Array ? v.length : v))).toBe(before);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }), budget(100));
  }, FUZZ_TIMEOUT);

  it('a file whose saved contents are not bytes is refused before anything changes (seed -1492818373)', () => {
    const k = new Kernel({ consoleSink: () => {}, parseProgram: (b) => readElf(b) });
    k.spawnHost({ argv: ['sh'] });
    const good = k.getState();
    const before = JSON.stringify(k.getState(), (_k, v) => (v instanceof Uint8Array ? v.length : v));
    const i = good.inodes.findIndex((n) => n.k === 'node');
    expect(i).toBeGreaterThanOrEqual(0);
    for (const data of [7, 'text', { length: 3 }, [1, 2]]) {
      const state = structuredClone(good);
      state.inodes[i] = { ...good.inodes[i]!, data } as never;
      expect(() => k.setState(state), String(data)).toThrow(KernelStateError);
      expect(JSON.stringify(k.getState(), (_k, v) => (v instanceof Uint8Array ? v.length : v))).toBe(before);
    }
  });

  it('plain-data check: anything with __proto__, Infinity or a class instance is named by path', () => {
    expect(plainDataProblem(JSON.parse('{"a":{"__proto__":{}}}'))).toBe("state.a: the key '__proto__' is not allowed");
    expect(plainDataProblem({ a: [1, Infinity] })).toBe('state.a[1]: Infinity is not a finite number');
    expect(plainDataProblem({ a: new Map() })).toBe('state.a: not a plain object');
    expect(plainDataProblem({ a: [1, 'x', null, new Uint8Array(2), { b: true }] })).toBeNull();
  });
});

describe('fuzz: saved progress, workspaces and share links', () => {
  const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
  const nearProgress = fc.tuple(fc.string(), hostileValue).map(([id, v]) => `{"version":1,"lessons":{${JSON.stringify(id)}:{"passed":[],"hints":{"s":${JSON.stringify(v)}}}}}`);
  it('any text parses as progress or is refused with a ProgressFormatError; no prototype changes', () => {
    fc.assert(fc.property(fc.oneof(json, nearProgress, fc.string()), (text) => {
      try {
        const p = parseProgress(text);
        for (const l of Object.values(p.lessons)) expect(Array.isArray(l.passed)).toBe(true);
      } catch (err) {
        refusedWith(err, ProgressFormatError);
      }
      expect(({} as Record<string, unknown>).passed).toBeUndefined();
    }), budget(300));
  }, FUZZ_TIMEOUT);

  it('any text parses as a workspace or is refused with a WorkspaceFormatError', () => {
    const nearWorkspace = fc.array(fc.record({ name: fc.oneof(fc.string(), hostileValue), content: fc.oneof(fc.string(), hostileValue) }), { maxLength: 3 })
      .map((files) => JSON.stringify({ format: 'trapdoor-workspace', version: 1, files, active: 'x' }));
    fc.assert(fc.property(fc.oneof(json, nearWorkspace, fc.string()), (text) => {
      try {
        const w = parseWorkspace(text);
        expect(w.files.map((f) => f.name)).toContain(w.active);
      } catch (err) {
        refusedWith(err, WorkspaceFormatError);
      }
    }), budget(300));
  }, FUZZ_TIMEOUT);

  it('a share link decodes to what was shared, or to nothing; never more text than link', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (code, junk) => {
      expect(decodeShare(encodeShare(code))).toBe(code);
      const hash = `#code=${junk}`;
      const shared = sharedCodeFromHash(hash);
      if (shared !== null) expect(shared.length).toBeLessThanOrEqual(hash.length);
    }), budget(500));
  }, FUZZ_TIMEOUT);
});

describe('fuzz: lesson files', () => {
  const files = lessonTemplate('01-fuzzed');
  const md = files['lesson.md']!;
  it('a mutated lesson.md is loaded or reported by file and line; the other lesson still loads', () => {
    const splice = fc.tuple(fc.nat(md.length), fc.nat(40), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('&a [1]', '*a', ': :', '\t', '---', '- ', '{', '"', "'", 'steps: []', 'x: &b [*b]')));
    fc.assert(fc.property(fc.array(splice, { minLength: 1, maxLength: 4 }), (cuts) => {
      let text = md;
      for (const [at, drop, insert] of cuts) text = text.slice(0, at) + insert + text.slice(at + drop);
      const cat = loadLessons({
        ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`lessons/01-fuzzed/${k}`, k === 'lesson.md' ? text : v])),
        ...Object.fromEntries(Object.entries(lessonTemplate('02-fine')).map(([k, v]) => [`lessons/02-fine/${k}`, v])),
      });
      expect(cat.entries.map((e) => e.folder)).toEqual(['01-fuzzed', '02-fine']);
      expect(cat.entries[1]!.ok).toBe(true);
      const first = cat.entries[0]!;
      if (!first.ok) for (const p of first.problems) expect(p.file).toMatch(/^lessons\/01-fuzzed\//);
    }), budget(150));
  }, FUZZ_TIMEOUT);
});

describe('fuzz: assembler source and shell lines', () => {
  const tokens = fc.constantFrom('addi', 'a0', ',', 'x0', '0x7ff', '-1', '(', ')', '.word', '.equ', 'k', '%hi', '%lo', 'label:', '1:', '1b', '\n', ' ', '.section', '.text', '"s"', '#', '/*', '*/', '.space', '1 << 40', 'li', 'la', '.option', 'rvc', '.align', '99');
  it('any token soup assembles or gives diagnostics inside the source; never an internal error', () => {
    fc.assert(fc.property(fc.array(tokens, { maxLength: 40 }), (toks) => {
      const source = toks.join(' ');
      const r = assemble(source);
      const lines = source.split('\n').length;
      for (const d of r.diagnostics) {
        expect(d.message).not.toMatch(/internal assembler error/);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.line).toBeLessThanOrEqual(lines);
      }
      if (r.elf) expect(r.elf.length).toBeLessThan(64 * 1024 + 1024 * source.length);
    }), budget(300));
  }, FUZZ_TIMEOUT);

  it('a source over the cap is refused before any work', () => {
    expect(assemble('#'.repeat(MAX_SOURCE_CHARS + 1)).diagnostics).toHaveLength(1);
  });

  it('any shell line parses or is refused with a message; the parse is no larger than the line', () => {
    const shellTokens = fc.constantFrom('echo', 'ls', '|', '||', '&&', ';', '&', '>', '>>', '<', '2>&1', '"', "'", '$', '${', '}', '(', ')', '*', '\\', 'a', ' ', '$(', '#', '=', 'x=1');
    fc.assert(fc.property(fc.oneof(fc.array(shellTokens, { maxLength: 40 }).map((t) => t.join('')), fc.string({ maxLength: 80 })), (line) => {
      const r = parseShell(line);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      else expect(JSON.stringify(r.list).length).toBeLessThan(400 + 100 * line.length);
    }), budget(500));
  }, FUZZ_TIMEOUT);
});
