import { describe, expect, it } from 'vitest';
import { Engine, isLinkingJump } from '../../../src/worker/engine.ts';
import { BASE, addi, fakeDeps, image, jal, jalr, printForever, printThenExit } from './engine-helpers.ts';

function engineWith(programs: Record<string, number[]>) {
  const images = Object.fromEntries(Object.entries(programs).map(([k, w]) => [k, image(w)]));
  const engine = new Engine(fakeDeps(images));
  const out: string[] = [];
  void engine.setListener({ output: (t) => out.push(t) });
  return { engine, out };
}

describe('Engine (in-process)', () => {
  it('runs a program to power-off and delivers its console output', async () => {
    const { engine, out } = engineWith({ hello: printThenExit('Hi!\n') });
    const loaded = await engine.load('hello', 'test.s');
    expect(loaded.ok).toBe(true);
    const stop = await engine.run();
    expect(stop.reason).toBe('exit');
    expect(stop.exitCode).toBe(0);
    expect(out.join('')).toBe('Hi!\n');
    expect((await engine.view()).status).toBe('halted');
  });

  it('reports assembler diagnostics and does not load', async () => {
    const { engine } = engineWith({});
    const r = await engine.load('nonsense', 'x.s');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.file).toBe('x.s');
    expect(await engine.check('nonsense', 'x.s')).toHaveLength(1);
  });

  it('pauses an infinite loop, batching its output into few messages', async () => {
    const { engine, out } = engineWith({ spin: printForever(65) });
    await engine.load('spin', 'spin.s');
    const running = engine.run();
    await new Promise((r) => setTimeout(r, 150));
    await engine.pause();
    const stop = await running;
    expect(stop.reason).toBe('paused');
    const all = out.join('');
    // Beyond 64 KiB per slice output is dropped, and the drop is announced.
    const text = all.replace(/\n\[trapdoor: \d+ console bytes dropped\]\n/g, '');
    expect(text.length).toBeGreaterThan(1000);
    expect(/^A+$/.test(text)).toBe(true);
    // Batched: far fewer messages than bytes.
    expect(out.length).toBeLessThan(text.length / 100);
    // The stop carries the view, the exits and the code around the pc: nothing to ask for again.
    expect(stop.view.status).toBe('paused');
    expect(stop.view.pc).toBe(stop.pc);
    expect(stop.disassembly.some((d) => d.addr === stop.pc)).toBe(true);
    expect(stop.exits).toEqual(await engine.exits());
    const view = await engine.view();
    expect(view.instructions).toBeGreaterThan(0);
    expect(view.pc).toBeGreaterThanOrEqual(BASE);
  });

  it('stops through a shared stop flag', async () => {
    const { engine } = engineWith({ spin: printForever(66) });
    const flag = new SharedArrayBuffer(4);
    await engine.attachStopFlag(flag);
    await engine.load('spin', 'spin.s');
    const running = engine.run();
    await new Promise((r) => setTimeout(r, 50));
    Atomics.store(new Int32Array(flag), 0, 1);
    expect((await running).reason).toBe('paused');
    expect(Atomics.load(new Int32Array(flag), 0)).toBe(0);
  });

  it('steps one instruction at a time and maps pc to its source line', async () => {
    const { engine } = engineWith({ p: [addi(10, 0, 7), addi(10, 10, 1), jal(0, 0)] });
    await engine.load('p', 'p.s');
    expect((await engine.view()).line).toEqual({ file: 'test.s', line: 1 });
    const s = await engine.step();
    expect(s).toMatchObject({ reason: 'step', pc: BASE + 4 });
    let v = await engine.view();
    expect(v.registers[10]).toBe(7);
    expect(v.line?.line).toBe(2);
    await engine.step();
    v = await engine.view();
    expect(v.registers[10]).toBe(8);
  });

  it('stops at a breakpoint set on a source line, and resumes past it', async () => {
    const words = [addi(10, 0, 0), addi(10, 10, 1), jal(0, -4)];
    const { engine } = engineWith({ loop: words });
    await engine.load('loop', 'loop.s');
    await engine.setBreakpoints([{ file: 'test.s', line: 2 }]);
    const first = await engine.run();
    expect(first).toMatchObject({ reason: 'breakpoint', pc: BASE + 4 });
    const second = await engine.run();
    expect(second.reason).toBe('breakpoint');
    const v = await engine.view();
    expect(v.registers[10]).toBe(1);
  });

  it('steps over a call to the instruction after it', async () => {
    // 0: jal ra, +12 (call f) ; 4: addi a1, x0, 5 ; 8: j . ; 12: f: addi a0, x0, 9 ; 16: ret
    const words = [jal(1, 12), addi(11, 0, 5), jal(0, 0), addi(10, 0, 9), jalr(0, 1, 0)];
    const { engine } = engineWith({ call: words });
    await engine.load('call', 'call.s');
    const s = await engine.stepOver();
    expect(s).toMatchObject({ reason: 'step', pc: BASE + 4 });
    const v = await engine.view();
    expect(v.registers[10]).toBe(9);
    expect(v.registers[11]).toBe(0);
  });

  it('resets to the entry with a fresh machine', async () => {
    const { engine } = engineWith({ p: [addi(10, 0, 7), jal(0, 0)] });
    await engine.load('p', 'p.s');
    await engine.step();
    await engine.reset();
    const v = await engine.view();
    expect(v.pc).toBe(BASE);
    expect(v.registers[10]).toBe(0);
  });

  it('reads memory and disassembles around pc without faulting outside RAM', async () => {
    const words = [addi(10, 0, 7), jal(0, 0)];
    const { engine } = engineWith({ p: words });
    await engine.load('p', 'p.s');
    const mem = await engine.readMemory(BASE, 8);
    expect(new DataView(mem.buffer, mem.byteOffset).getUint32(0, true)).toBe(words[0]);
    expect(Array.from(await engine.readMemory(0x10000000, 4))).toEqual([0, 0, 0, 0]);
    const lines = await engine.disassembleAround(BASE, 2, 2);
    expect(lines.map((l) => l.addr)).toEqual([BASE - 8, BASE - 4, BASE, BASE + 4, BASE + 8]);
    expect(lines[2]?.line?.line).toBe(1);
    expect(lines[0]?.line).toBeNull();
  });

  it('recognises calls (jal/jalr that link) and not plain jumps', () => {
    expect(isLinkingJump(jal(1, 8))).toBe(true);
    expect(isLinkingJump(jalr(1, 5, 0))).toBe(true);
    expect(isLinkingJump(jal(0, 8))).toBe(false);
    expect(isLinkingJump(jalr(0, 1, 0))).toBe(false);
    expect(isLinkingJump(addi(1, 0, 0))).toBe(false);
  });
});

describe('Engine runs of one instruction (the visible pace)', () => {
  it('stops at a breakpoint on the next tick unless told to skip it', async () => {
    const words = [addi(10, 0, 1), addi(10, 10, 1), addi(10, 10, 1), jal(0, 0)];
    const { engine } = engineWith({ p: words });
    await engine.load('p', 'p.s');
    await engine.setBreakpoints([{ file: 'test.s', line: 2 }]);
    expect((await engine.run({ maxInstructions: 1, skipBreakpointAtPc: true })).reason).toBe('budget');
    expect(await engine.run({ maxInstructions: 1, skipBreakpointAtPc: false })).toMatchObject({ reason: 'breakpoint', pc: BASE + 4 });
    expect((await engine.view()).registers[10]).toBe(1);
    expect((await engine.run({ maxInstructions: 1, skipBreakpointAtPc: true })).reason).toBe('budget');
    expect((await engine.view()).registers[10]).toBe(2);
  });
});
