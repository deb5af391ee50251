// VmManager, the `vm` command's port over the real VMM: VMs that boot the shipped
// kernels on one host, advance with the shell's clock, and snapshot, restore and clone.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VmManager } from '../../../src/core/vmm/vm-manager.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const expected = (dir: string) => readFileSync(join(FIXTURES, dir, 'expected.stdout'), 'latin1');
const macrotask = () => new Promise<void>((r) => setImmediate(r));

/** A hypervisor on a clock the test moves by hand (the kernel's, in the lab). */
function bench(options: { pcpus?: number } = {}) {
  let now = 0;
  const hv = new VmManager({ now: () => now, yieldToHost: macrotask, ...options });
  return { hv, advance: (cycles: number) => { now += cycles; hv.sync(); }, get now() { return now; } };
}

const BANNER = 'echo-console: type a line and it comes back in capitals; ~ powers off\n';

describe('VmManager', () => {
  it('lists the shipped kernels as images', () => {
    expect(bench().hv.images()).toEqual(expect.arrayContaining(['rr-kernel', 'rr-kernel-pv', 'echo-console']));
  });

  it('runs VMs only as the shell clock advances, then stops them when they power off', () => {
    const b = bench();
    b.hv.create({ name: 'a', image: 'rr-kernel' });
    b.hv.create({ name: 'b', image: 'rr-kernel-pv' });
    expect(b.hv.list().map((v) => [v.name, v.state, v.mode])).toEqual([['a', 'created', 'full'], ['b', 'created', 'pv']]);
    b.hv.start('a');
    b.hv.start('b');
    expect(b.hv.list().every((v) => v.instructions === 0)).toBe(true);
    b.advance(200_000);
    const early = b.hv.list().find((v) => v.name === 'a')!;
    expect(early.state).toBe('running');
    expect(early.instructions).toBeGreaterThan(0);
    b.advance(100_000_000);
    expect(b.hv.list().map((v) => v.state)).toEqual(['stopped', 'stopped']);
    expect(b.hv.machineVm('a')!.consoleText()).toBe(expected('bare/rr-kernel'));
    expect(b.hv.machineVm('b')!.consoleText()).toBe(expected('bare/rr-kernel'));
    const [a, pv] = b.hv.list();
    expect(a!.exits).toBeGreaterThanOrEqual(10 * pv!.exits);
  });

  it('shares one physical CPU between VMs, each printing what it prints alone', () => {
    const b = bench({ pcpus: 1 });
    for (const name of ['x', 'y', 'z']) { b.hv.create({ name, image: 'rr-kernel' }); b.hv.start(name); }
    b.advance(3_000_000);
    const shares = b.hv.stats().map((s) => s.cpuPercent);
    expect(shares).toHaveLength(3);
    // One CPU, three busy guests: each gets a share, together never more than the whole
    // (plus one slice of overshoot at the end of the window).
    for (const s of shares) expect(s).toBeGreaterThan(10);
    expect(shares.reduce((x, y) => x + y)).toBeLessThanOrEqual(160);
    b.advance(100_000_000);
    for (const name of ['x', 'y', 'z']) expect(b.hv.machineVm(name)!.consoleText()).toBe(expected('bare/rr-kernel'));
  });

  it('boots afresh after stop and start', () => {
    const b = bench();
    b.hv.create({ name: 'h', image: 'hello-uart' });
    b.hv.start('h');
    b.advance(10_000_000);
    expect(b.hv.list()[0]!.state).toBe('stopped');
    b.hv.start('h');
    b.advance(10_000_000);
    expect(b.hv.machineVm('h')!.consoleText()).toBe(expected('bare/hello-uart').repeat(2));
  });

  it('feeds console input to the guest and delivers its output to listeners', () => {
    const b = bench();
    b.hv.create({ name: 'e', image: 'echo-console' });
    b.hv.start('e');
    b.advance(1_000_000);
    const con = b.hv.console('e');
    let seen = '';
    const detach = con.onOutput((t) => { seen += t; });
    expect(seen).toBe(BANNER);
    con.input('abc\n');
    b.advance(5_000_000);
    expect(seen).toBe(`${BANNER}ABC\n`);
    detach();
    con.input('~');
    b.advance(5_000_000);
    expect(seen).toBe(`${BANNER}ABC\n`); // detached: nothing more arrives here
    expect(b.hv.list()[0]!.state).toBe('stopped');
  });

  it('lets an attached console run the VMs ahead of an idle shell clock', async () => {
    const b = bench();
    b.hv.create({ name: 'e', image: 'echo-console' });
    b.hv.start('e');
    const con = b.hv.console('e');
    let seen = '';
    const detach = con.onOutput((t) => { seen += t; });
    con.input('live\n');
    for (let i = 0; i < 200 && !seen.includes('LIVE'); i++) await macrotask();
    detach();
    expect(b.now).toBe(0);
    expect(seen).toBe(`${BANNER}LIVE\n`);
  });

  it('settles console.stopped when the guest powers off', async () => {
    const b = bench();
    b.hv.create({ name: 'e', image: 'echo-console' });
    b.hv.start('e');
    const con = b.hv.console('e');
    con.input('~');
    b.advance(5_000_000);
    await expect(con.stopped).resolves.toBeUndefined();
  });

  it('restores a snapshot bit for bit, and clones run on their own', () => {
    const b = bench();
    b.hv.create({ name: 'e', image: 'echo-console', memoryBytes: 1 << 20 });
    b.hv.start('e');
    b.advance(1_000_000);
    b.hv.snapshot('e', 'clean');
    const vm = b.hv.machineVm('e')!;
    const before = vm.getState();
    b.hv.console('e').input('typed\n');
    b.advance(5_000_000);
    expect(vm.consoleText()).toContain('TYPED');
    b.hv.restore('e', 'clean');
    expect(vm.getState()).toEqual(before);
    expect(b.hv.list()[0]!.snapshots).toEqual(['clean']);

    const clone = b.hv.clone('e', 'f');
    expect(clone.state).toBe('running');
    expect(clone.memoryBytes).toBe(1 << 20);
    b.hv.console('f').input('only f\n');
    b.advance(5_000_000);
    expect(b.hv.machineVm('f')!.consoleText()).toBe(`${BANNER}ONLY F\n`);
    expect(vm.consoleText()).toBe(BANNER);
  });

  it('continues a stopped VM from a restored snapshot instead of booting', () => {
    const b = bench();
    b.hv.create({ name: 'r', image: 'rr-kernel' });
    b.hv.start('r');
    b.advance(1_000_000);
    b.hv.snapshot('r', 'mid');
    const partial = b.hv.machineVm('r')!.consoleText();
    b.hv.stop('r');
    b.hv.restore('r', 'mid');
    b.hv.start('r');
    b.advance(100_000_000);
    const text = b.hv.machineVm('r')!.consoleText();
    expect(partial.length).toBeGreaterThan(0);
    expect(text).toBe(expected('bare/rr-kernel'));
  });

  it('refuses bad requests with a message and changes nothing', () => {
    const b = bench();
    b.hv.create({ name: 'ok', image: 'hello-uart' });
    expect(() => b.hv.create({ name: 'ok', image: 'hello-uart' })).toThrow('a VM named ok exists');
    expect(() => b.hv.create({ name: 'n', image: 'nope' })).toThrow(/no such image: nope/);
    expect(() => b.hv.create({ name: '../x', image: 'hello-uart' })).toThrow(/bad VM name/);
    expect(() => b.hv.create({ name: 'big', image: 'hello-uart', memoryBytes: 2 ** 33 })).toThrow(/--memory/);
    expect(() => b.hv.create({ name: 'tiny', image: 'hello-uart', memoryBytes: 1024 })).toThrow(/--memory/);
    expect(() => b.hv.start('ghost')).toThrow('no such VM: ghost');
    expect(() => b.hv.restore('ok', 'none')).toThrow('ok has no snapshot none');
    b.hv.start('ok');
    expect(() => b.hv.start('ok')).toThrow('ok is already running');
    expect(() => b.hv.remove('ok')).toThrow('ok is running: stop it first');
    expect(b.hv.list().map((v) => v.name)).toEqual(['ok']);
  });

  it('keeps a host RAM budget across running VMs', () => {
    let now = 0;
    const hv = new VmManager({ now: () => now, yieldToHost: macrotask, ramBytes: 256 << 20 });
    hv.create({ name: 'a', image: 'echo-console' });
    hv.create({ name: 'b', image: 'echo-console' });
    hv.create({ name: 'c', image: 'echo-console' });
    hv.start('a');
    hv.start('b');
    expect(() => hv.start('c')).toThrow(/not enough host RAM for c/);
    hv.stop('a');
    hv.start('c');
    now += 1000;
    expect(hv.list().map((v) => v.state)).toEqual(['stopped', 'running', 'running']);
  });
});
