import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { Interrupt } from '../../../src/core/isa/trap.ts';
import { Machine } from '../../../src/core/machine/machine.ts';
import { RAM_BASE } from '../../../src/core/machine/ram.ts';
import { ECALL, WFI, addi, csrrw, jal, li, lw, sb, sw } from '../isa/encode.ts';

const fixtures = join(__dirname, '../../fixtures/bare');

function image(words: number[], symbols: Record<string, number> = {}): ProgramImage {
  return {
    entry: RAM_BASE,
    segments: [{ vaddr: RAM_BASE, bytes: new Uint8Array(Uint32Array.from(words).buffer), memSize: 0x2000, flags: 5 }],
    symbols: new Map(Object.entries(symbols)),
    lines: [],
  };
}

function machineWithConsole(ramSize = 1 << 20) {
  const out: number[] = [];
  const machine = new Machine({ ramSize, console: { write: (b) => out.push(...b) } });
  return { machine, text: () => String.fromCharCode(...out) };
}

const UART = 0x10000000;
const FINISHER = 0x00100000;

describe('devices', () => {
  it('UART transmit goes to the console port; the finisher powers off with a status', () => {
    const { machine, text } = machineWithConsole();
    machine.load(image([
      ...li(1, UART), addi(2, 0, 72), sb(2, 1, 0), addi(2, 0, 105), sb(2, 1, 0),
      ...li(3, FINISHER), ...li(4, (5 << 16) | 0x3333), sw(4, 3, 0), jal(0, 0),
    ]));
    expect(machine.run(100)).toEqual({ kind: 'exit', exitCode: 5 });
    expect(text()).toBe('Hi');
    expect(machine.run(100)).toEqual({ kind: 'exit', exitCode: 5 });
  });

  it('UART receive sets LSR.DR and, with IER.ERBFI, the external interrupt through the PLIC', () => {
    const { machine } = machineWithConsole();
    machine.load(image([
      ...li(1, UART), addi(2, 0, 1), sb(2, 1, 1), // IER = received data available
      ...li(6, 0x0c000000), sw(2, 6, 4 * 10), // PLIC: source 10 (the UART) priority 1
      ...li(6, 0x0c002000), addi(7, 0, 1 << 10), sw(7, 6, 0), // enabled for context 0 (M-mode)
      ...li(5, 1 << 11), csrrw(0, 0x304, 5), // mie.MEIE
      WFI, lw(3, 1, 5), lw(4, 1, 0), jal(0, 0),
    ]));
    expect(machine.run(100)).toEqual({ kind: 'wfi-idle' });
    expect(machine.cpu.csr.mip() & (1 << 11)).toBe(0);
    machine.receive(Uint8Array.of(0x41));
    expect(machine.cpu.csr.mip() & (1 << 11)).not.toBe(0);
    machine.run(3);
    expect(machine.cpu.x[3] & 1).toBe(1); // LSR.DR
    expect(machine.cpu.x[4] & 0xff).toBe(0x41);
    expect(machine.cpu.csr.mip() & (1 << 11)).toBe(0); // FIFO empty: line lowered
  });

  it('CLINT mtime follows virtual time (10 cycles per tick) and msip raises MSIP', () => {
    const { machine } = machineWithConsole();
    machine.load(image([...li(1, 0x0200bff8), ...Array(98).fill(addi(0, 0, 0)), lw(2, 1, 0),
      ...li(3, 0x02000000), addi(4, 0, 1), sw(4, 3, 0), jal(0, 0)]));
    machine.run(101);
    expect(machine.cpu.x[2]).toBe(10); // 100 retired instructions before the load
    machine.run(10);
    expect(machine.cpu.csr.mip() & (1 << Interrupt.MachineSoftware)).not.toBe(0);
  });

  it('the finisher 0x7777 resets: RAM reloaded, execution restarts at the entry', () => {
    const { machine, text } = machineWithConsole();
    // Print 'x' once per boot; a counter in RAM would survive a reset only if RAM were not reloaded.
    machine.load(image([
      ...li(1, RAM_BASE + 0x1000), lw(2, 1, 0), addi(2, 2, 1), sw(2, 1, 0),
      ...li(5, UART), addi(6, 0, 120), sb(6, 5, 0),
      ...li(3, FINISHER), ...li(4, 0x7777), sw(4, 3, 0), jal(0, 0),
    ]));
    machine.run(30);
    machine.run(30);
    expect(text()).toBe('xx'); // the counter was 1 before the reset; reloaded RAM made it 0 again
    expect(machine.ram.read(RAM_BASE + 0x1000, 1)[0]).toBe(0);
  });

  it('HTIF: a store of (code << 1) | 1 to tohost ends the run with code', () => {
    const { machine } = machineWithConsole();
    const tohost = RAM_BASE + 0x1000;
    machine.load(image([...li(1, tohost), addi(2, 0, (21 << 1) | 1), sw(0, 1, 0), sw(2, 1, 0), jal(0, 0)], { tohost }));
    expect(machine.run(100)).toEqual({ kind: 'exit', exitCode: 21 });
    expect(machine.cpu.csr.instret).toBe(5);
  });

  it('an M-mode ecall with no handler is a clear fault', () => {
    const { machine } = machineWithConsole();
    machine.load(image([ECALL]));
    const stop = machine.run(100);
    expect(stop.kind).toBe('fault');
    if (stop.kind === 'fault') expect(stop.message).toContain('environment call from M-mode');
  });

  it('rejects an image outside RAM', () => {
    const { machine } = machineWithConsole();
    const bad = image([0]);
    bad.segments[0].vaddr = 0x1000;
    expect(() => machine.load(bad)).toThrow(/outside RAM/);
  });
});

describe('RAM', () => {
  it('tracks dirty pages since the last clear, and snapshots only touched pages', () => {
    const { machine } = machineWithConsole(1 << 20);
    machine.load(image([...li(1, RAM_BASE + 0x5000), ...li(2, RAM_BASE + 0x7ffe), sw(1, 1, 0), sw(1, 2, 0), jal(0, 0)]));
    machine.ram.clearDirty();
    machine.run(10);
    expect(machine.ram.dirtyPages()).toEqual([5, 7, 8]); // the misaligned store spans two pages
    machine.ram.clearDirty();
    expect(machine.ram.dirtyPages()).toEqual([]);
    expect(machine.ram.touchedPages()).toEqual([0, 5, 7, 8]);
    expect(machine.getState().ram.pages.map(([p]) => p)).toEqual([0, 5, 7, 8]);
  });
});

describe('machine state', () => {
  it('a snapshot restored into a new machine continues identically', () => {
    const elf = readElf(new Uint8Array(readFileSync(join(fixtures, 'arith/prog.elf'))));
    const a = machineWithConsole();
    a.machine.load(elf);
    a.machine.run(20_000);
    const snap = structuredClone(a.machine.getState());
    const before = a.text();
    const endA = a.machine.run(1e8);
    const b = machineWithConsole();
    b.machine.setState(snap);
    const endB = b.machine.run(1e8);
    expect(endB).toEqual(endA);
    expect(before + b.text()).toBe(a.text());
    expect(b.machine.cpu.getState()).toEqual(a.machine.cpu.getState());
  });

  it('rejects a snapshot of another version with a clear error', () => {
    const { machine } = machineWithConsole();
    const state = machine.getState();
    expect(() => machine.setState({ ...state, version: 99 })).toThrow(/saved machine state has version 99, this build reads version 2/);
    expect(() => machine.setState({ ...state, kind: 'cpu' } as never)).toThrow(/not a saved machine state/);
  });
});
