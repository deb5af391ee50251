// `trapdoor run --mode full|pv FILE...`: several guests on one host. Each console comes out
// whole behind its VM's name; --json carries per-VM exits, cycles and overhead and the
// host's utilization; one guest's failure does not change another's output.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { vmNames, type HostRunJson } from '../../../src/cli/run-guests.ts';
import { captureIo } from './capture-io.ts';

const F = join(import.meta.dirname, '../../fixtures');
const elf = (kind: string, name: string) => join(F, kind, name, 'prog.elf');
const stdoutOf = (kind: string, name: string) => readFileSync(join(F, kind, name, 'expected.stdout'), 'latin1');

async function run(argv: string[]) {
  const c = captureIo();
  const status = await main(argv, c.io);
  return { status, out: c.stdout(), err: c.stderr() };
}

/** The lines behind one prefix, joined again: that guest's console alone. */
function consoleOf(out: string, name: string): string {
  return out.split('\n').filter((l) => l.startsWith(`${name} `)).map((l) => l.replace(/^[^|]*\| /, '') + '\n').join('');
}

describe('trapdoor run with several guests', () => {
  it('prints each console behind its name, each identical to running alone', async () => {
    const r = await run(['run', '--mode', 'full', elf('bare', 'rr-kernel'), elf('bare', 'hello-uart'), elf('bare', 'timer-wfi'), '--pcpus', '2']);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(consoleOf(r.out, 'rr-kernel/prog')).toBe(stdoutOf('bare', 'rr-kernel'));
    expect(consoleOf(r.out, 'hello-uart/prog')).toBe(stdoutOf('bare', 'hello-uart'));
    expect(consoleOf(r.out, 'timer-wfi/prog')).toBe(stdoutOf('bare', 'timer-wfi'));
  });

  it('--json: per-VM exits, guest and VMM cycles, overhead and console, and host utilization', async () => {
    const files = [elf('pv', 'rr-kernel'), elf('pv', 'hello-uart')];
    const r = await run(['run', '--mode', 'pv', ...files, '--json', '--slice', '50000']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out) as HostRunJson;
    expect(j.pcpus).toBe(1);
    expect(j.slice).toBe(50000);
    expect(j.utilization).toBeGreaterThan(0);
    expect(j.utilization).toBeLessThanOrEqual(100);
    expect(j.vms.map((v) => v.file)).toEqual(files);
    const [rr, hello] = j.vms;
    expect(rr!.console).toBe(stdoutOf('pv', 'rr-kernel'));
    expect(hello!.console).toBe(stdoutOf('pv', 'hello-uart'));
    for (const v of j.vms) {
      expect(v.exits.total).toBe(Object.values(v.exits.byCause).reduce((a, b) => a + b, 0));
      expect(v.vmmCycles).toBe(Object.values(v.costByCause).reduce((a, b) => a + b, 0));
      expect(v.overheadPercent).toBeCloseTo((100 * v.vmmCycles) / (v.vmmCycles + v.guestCycles), 6);
      expect(v.cpuTime).toBeGreaterThanOrEqual(v.guestCycles);
    }
    // One CPU: busy with the VMs' CPU time; the rest of the host's time went to switching
    // between them (or idling).
    const busy = j.vms.reduce((s, v) => s + v.cpuTime, 0);
    expect(j.utilization).toBeCloseTo((100 * busy) / j.hostCycles, 6);
    expect(j.hostCycles).toBeGreaterThanOrEqual(busy + j.switchCycles);
  });

  it('the paravirtual kernel takes at least 10x fewer exits than the full one, side by side', async () => {
    const full = JSON.parse((await run(['run', '--mode', 'full', elf('bare', 'rr-kernel'), elf('bare', 'rr-kernel'), '--json'])).out) as HostRunJson;
    const pv = JSON.parse((await run(['run', '--mode', 'pv', elf('pv', 'rr-kernel'), elf('pv', 'rr-kernel'), '--json'])).out) as HostRunJson;
    expect(full.vms[0]!.exits.total).toBeGreaterThanOrEqual(10 * pv.vms[0]!.exits.total);
    expect(pv.vms[1]!.console).toBe(full.vms[1]!.console);
  });

  it('a crashing guest ends alone: the others print the same, the status is the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapdoor-guests-'));
    const bad = join(dir, 'bad.s');
    writeFileSync(bad, '.globl _start\n_start:\n  li t0, 0x100000\n  li t1, 0x53333\n  sw t1, 0(t0)\n');
    const spin = join(dir, 'spin.s');
    writeFileSync(spin, '.globl _start\n_start:\n  csrci mstatus, 8\n1: j 1b\n');
    const r = await run(['run', '--mode', 'full', bad, elf('bare', 'hello-uart'), spin, '--max-instructions', '3000000']);
    expect(consoleOf(r.out, 'prog')).toBe(stdoutOf('bare', 'hello-uart'));
    expect(r.status).toBe(5); // bad.s powered off with failure code 5, the first failing guest
    expect(r.err).toContain('trapdoor: spin: instruction limit reached');
  });

  it('keeps raw bytes for a single guest, and applies --ram', async () => {
    const one = captureIo();
    expect(await main(['run', '--mode', 'full', elf('bare', 'hello-uart'), '--ram', '1m'], one.io)).toBe(0);
    expect(one.stdout()).toBe(stdoutOf('bare', 'hello-uart'));
    const dir = mkdtempSync(join(tmpdir(), 'trapdoor-ram-'));
    const big = join(dir, 'big.s');
    writeFileSync(big, '.globl _start\n_start: j _start\n.bss\n.skip 100000\n');
    const small = await run(['run', '--mode', 'full', big, '--ram', '64k']);
    expect(small.status).toBe(1);
    expect(small.err).toMatch(/outside guest RAM/);
    const both = await run(['run', '--mode', 'full', big, big, '--ram', '64k']);
    expect(both.status).toBe(1);
    expect(both.err).toMatch(/outside guest RAM/);
  });

  it('refuses bad options with usage status 2', async () => {
    for (const argv of [
      ['run', 'a.s', 'b.s'],
      ['run', '--mode', 'linux', 'a.s', '--pcpus', '2'],
      ['run', '--mode', 'full', 'a.s', 'b.s', '--pcpus', '0'],
      ['run', '--mode', 'full', 'a.s', 'b.s', '--pcpus', '5'],
      ['run', '--mode', 'full', 'a.s', 'b.s', '--slice', '10'],
      ['run', '--mode', 'full', 'a.s', '--ram', '12q'],
      ['run', '--mode', 'full', 'a.s', '--ram', '3g'],
      ['run', '--mode', 'linux', 'a.s', '--ram', '1m'],
    ]) {
      const r = await run(argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^trapdoor: run: /);
    }
  });

  it('names VMs by file, with the folder or a number where names repeat', () => {
    expect(vmNames(['a/x.s', 'b/y.elf'])).toEqual(['x', 'y']);
    expect(vmNames(['a/prog.elf', 'b/prog.elf', 'b/prog.elf'])).toEqual(['a/prog', 'b/prog', 'b/prog#2']);
  });

  it('documents the options in --help, and main help lists dc', async () => {
    const r = await run(['run', '--help']);
    for (const flag of ['--pcpus', '--slice', '--ram']) expect(r.out).toContain(flag);
    expect((await run(['--help'])).out).toContain('  dc ');
    expect((await run(['nope'])).err).toContain('lessons or dc');
  });
});
