// The engine wired to the real core (assembler, machine, hypervisor), as the worker runs it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/worker/engine.ts';
import {
  INTERPRETER_NOTICE, NO_EVAL_NOTICE, NO_WASM_NOTICE, coreDeps, translatorNotices,
} from '../../../src/worker/core-deps.ts';
import type { RunMode } from '../../../src/worker/engine-api.ts';

const sample = readFileSync(resolve(import.meta.dirname, '../../../src/ui/samples/hello.s'), 'utf8');

function engine() {
  const e = new Engine(coreDeps({ yieldToEvents: () => new Promise((r) => setImmediate(r)), now: () => performance.now() }));
  const out: string[] = [];
  void e.setListener({ output: (t) => out.push(t) });
  return { e, out };
}

async function runSample(mode: RunMode) {
  const { e, out } = engine();
  const loaded = await e.load(sample, 'hello.s', mode);
  expect(loaded.diagnostics).toEqual([]);
  const stop = await e.run();
  return { e, stop, text: out.join('') };
}

describe('Engine with the core', () => {
  it('runs the page sample on the bare machine', async () => {
    const { stop, text } = await runSample('bare');
    expect(stop).toMatchObject({ reason: 'exit', exitCode: 0 });
    expect(text).toContain('Hello from the guest!');
  });

  it('prints the same under full virtualization, with VM exits counted', async () => {
    const bare = await runSample('bare');
    const full = await runSample('full');
    expect(full.stop).toMatchObject({ reason: 'exit', exitCode: 0 });
    expect(full.text).toBe(bare.text);
    const exits = await full.e.exits();
    expect(exits.exits.total).toBeGreaterThan(0);
    expect(exits.exitLog.length).toBe(Math.min(exits.exits.total, 2000));
    expect(exits.cost.overheadCycles).toBeGreaterThan(0);
    const view = await full.e.view();
    expect(view.virtualCsrs.length).toBeGreaterThan(0);
    expect(view.privilege.startsWith('U')).toBe(true);
  });

  it('the CPU setting: the interpreter runs the next load and comparison, with the same output', async () => {
    const kinds: Array<string | undefined> = [];
    const deps = coreDeps({ yieldToEvents: () => new Promise((r) => setImmediate(r)), now: () => performance.now() });
    const make = deps.createSession;
    const e = new Engine({ ...deps, createSession: (img, mode, output, cpu) => (kinds.push(cpu), make(img, mode, output, cpu)) });
    const out: string[] = [];
    await e.setListener({ output: (t) => out.push(t) });
    expect((await e.info()).cpu).toBe('jit');
    expect((await e.setCpu('interp')).cpu).toBe('interp');
    await e.load(sample, 'hello.s', 'full');
    expect(await e.run()).toMatchObject({ reason: 'exit', exitCode: 0 });
    await e.compare(sample, 'hello.s', ['bare']);
    expect(kinds).toEqual(['interp', 'interp']);
    expect(out.join('')).toBe((await runSample('full')).text);
    expect((await e.setCpu('jit')).cpu).toBe('jit');
  });

  it('reports every assembler error with its line', async () => {
    const { e } = engine();
    const diags = await e.check('_start:\n  addi a0, a0, 1\n  frobnicate a0\n  li t0, 99999999999\n', 'bad.s');
    expect(diags.map((d) => d.line)).toEqual([3, 4]);
    expect(diags.every((d) => d.file === 'bad.s')).toBe(true);
  });

  it('puts the current source line on the line table while stepping', async () => {
    const { e } = engine();
    await e.load(sample, 'hello.s');
    const lines: number[] = [];
    for (let i = 0; i < 4; i++) {
      lines.push((await e.view()).line?.line ?? -1);
      await e.step();
    }
    // la (2 words) on the first `la` line, then call's auipc+jalr on the next.
    const first = sample.split('\n').findIndex((l) => /\bla\s+a0, message/.test(l)) + 1;
    expect(lines).toEqual([first, first, first + 1, first + 1]);
  });

  it('steps over a whole `call` line (auipc + jalr) and the function it calls', async () => {
    const { e } = engine();
    const src = '.text\n_start:\ncall f\nli a1, 5\nloop:\nj loop\nf:\nli a0, 9\nret\n';
    expect((await e.load(src, 'c.s')).ok).toBe(true);
    const stop = await e.stepOver();
    expect(stop.reason).toBe('step');
    const v = await e.view();
    expect(v.registers[10]).toBe(9);
    expect(v.registers[11]).toBe(0);
    expect(v.line?.line).toBe(4);
    await e.stepOver();
    expect((await e.view()).registers[11]).toBe(5);
  });
});

describe('Engine disassembly', () => {
  it('lists the instructions around pc in objdump style, with their source lines', async () => {
    const { e } = engine();
    await e.load('.text\n_start:\naddi a0, zero, 7\nmv a1, a0\nret\n', 'd.s');
    const lines = await e.disassembleAround(0x80000000, 0, 2);
    expect(lines.map((l) => l.text.replace(/\s+/g, ' '))).toEqual(['li a0,7', 'mv a1,a0', 'ret']);
    expect(lines.map((l) => l.line?.line)).toEqual([3, 4, 5]);
  });
});

describe('Engine in linux mode', () => {
  it('runs a program as a process: write(1) to the console, exit status, syscalls as exits', async () => {
    const { e, out } = engine();
    const src = [
      '.text', '.globl _start', '_start:',
      'li a0, 1', 'la a1, msg', 'li a2, 6', 'li a7, 64', 'ecall',
      'li a0, 3', 'li a7, 93', 'ecall',
      '.data', 'msg: .ascii "hello\\n"',
    ].join('\n');
    const loaded = await e.load(src, 'p.s', 'linux');
    expect(loaded.diagnostics).toEqual([]);
    const stop = await e.run();
    expect(stop).toMatchObject({ reason: 'exit', exitCode: 3 });
    expect(out.join('')).toBe('hello\n');
    expect((await e.exits()).exits.total).toBeGreaterThanOrEqual(2);
  });
});

describe('Engine comparison runs', () => {
  it('runs the sample bare, fully virtualized and paravirtualized: same output, different costs', async () => {
    const { e } = engine();
    const rows = await e.compare(sample, 'hello.s', ['bare', 'full', 'pv']);
    expect(rows.map((r) => r.mode)).toEqual(['bare', 'full', 'pv']);
    for (const r of rows) {
      expect(r.end).toBe('exit');
      expect(r.console).toBe(rows[0]!.console);
    }
    expect(rows[0]!.exits).toBe(0);
    expect(rows[1]!.exits).toBeGreaterThan(0);
    expect(rows[1]!.cycles).toBeGreaterThan(rows[0]!.cycles);
  });

  it('gives each row its memory: the guest\'s pages, and the shadow tables a paging guest costs the VMM', async () => {
    const { e } = engine();
    const paging = readFileSync('lessons/17-shadow-page-tables/original.s', 'utf8');
    const [bare, full] = await e.compare(paging, 'original.s', ['bare', 'full']);
    expect(bare!.end).toBe('exit');
    expect(full!.end).toBe('exit');
    expect(bare!.memory!.guestBytes).toBeGreaterThan(0);
    expect(bare!.memory!.vmmTableBytes).toBe(0);
    expect(full!.memory!.guestBytes).toBe(bare!.memory!.guestBytes);
    expect(full!.memory!.vmmTableBytes).toBeGreaterThan(0);
    expect(full!.memory!.vmmTableBytes % 4096).toBe(0);
  });

  it('says which translator back end the page policy leaves, or that guests are interpreted', async () => {
    expect(translatorNotices({ js: true, wasm: true })).toEqual({ cpuNotice: null, translatorNotice: null });
    expect(translatorNotices({ js: true, wasm: false })).toEqual({ cpuNotice: null, translatorNotice: NO_WASM_NOTICE });
    expect(translatorNotices({ js: false, wasm: true })).toEqual({ cpuNotice: null, translatorNotice: NO_EVAL_NOTICE });
    expect(translatorNotices({ js: false, wasm: false })).toEqual({ cpuNotice: INTERPRETER_NOTICE, translatorNotice: null });
    // Node allows both: nothing to say, and guests run on the translator.
    const info = await engine().e.info();
    expect([info.cpuNotice, info.translatorNotice, info.cpu]).toEqual([null, null, 'jit']);
  });
});
