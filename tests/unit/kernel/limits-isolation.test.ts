import { describe, expect, it } from 'vitest';
import { EAGAIN } from '../../../src/core/kernel/errno.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';
import { boot, build, runAll } from './kernel-harness.ts';

const forkBomb = build(`
_start:
  li s0, 0
1:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  bltz a0, 2f
  addi s0, s0, 1
  j 1b
2:
  call print_int        # the error
  mv a0, s0
  call print_int        # children made
  li a0, 0
  j exit
child:
  li a0, 1000
  la a0, req
  li a1, 0
  li a7, 101            # sleep, so the children stay alive
  ecall
  li a0, 0
  j exit
.data
req: .word 100, 0
`).image;

describe('cgroup limits', () => {
  it('pids.max makes fork fail with EAGAIN', () => {
    const { k, output } = boot();
    const cg = k.rootCgroup.child('bomb');
    cg.pidsMax = 5;
    k.spawn({ image: forkBomb, argv: ['bomb'], cgroup: cg });
    k.run(1_000_000);
    expect(output()).toBe(`${-EAGAIN}\n4\n`);
    // Everything exits in the end (the sleeping children too): every pid was uncharged.
    expect(cg.pidsCurrent).toBe(0);
  });

  it('memory.max OOM-kills a process that touches too many pages', () => {
    const { k } = boot();
    const cg = k.rootCgroup.child('hog');
    cg.memoryMax = 256 * 1024;
    const hog = build(`
_start:
  li a0, 0
  li a7, 214
  ecall
  mv s0, a0
  li t0, 4194304
  add a0, s0, t0
  li a7, 214
  ecall
  mv t1, s0
1:
  sw t1, 0(t1)
  li t2, 4096
  add t1, t1, t2
  bltu t1, a0, 1b
  li a0, 0
  j exit
`).image;
    const p = k.spawn({ image: hog, argv: ['hog'], cgroup: cg });
    runAll(k);
    expect(p.killedBy).toBe(9);
    expect(p.killReason).toMatch(/^Out of memory: Killed process \d+ \(hog\)/);
    expect(cg.events['memory.oom_kill']).toBe(1);
    expect(cg.memoryCurrent).toBe(0); // everything freed at exit
  });

  it('cpu.max holds a spinner to its quota while another group runs freely', () => {
    const { k } = boot();
    const slow = k.rootCgroup.child('slow');
    slow.cpuQuota = 1_000_000; // 10% of a 10,000,000-cycle period
    const spin = build('_start:\n  j _start').image;
    const a = k.spawn({ image: spin, argv: ['a'], cgroup: slow });
    const b = k.spawn({ image: spin, argv: ['b'], cgroup: k.rootCgroup.child('fast') });
    k.run(20_000_000);
    const share = a.cpuCycles / (a.cpuCycles + b.cpuCycles);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.15);
  });

  it('the machine\'s RAM and pid_max bound even the root cgroup', () => {
    const bytes: number[] = [];
    const k = new Kernel({ consoleSink: (b) => bytes.push(...b), memoryBytes: 1 << 20, pidMax: 6 });
    k.console.close();
    const bomb = k.spawn({ image: forkBomb, argv: ['bomb'] });
    k.run(1_000_000);
    expect(Buffer.from(bytes).toString()).toBe(`${-EAGAIN}\n5\n`);
    expect(bomb.state).toBe('zombie');
    const hog = k.spawn({ image: build(`
_start:
  li a0, 0
  li a7, 214
  ecall
  li t0, 8388608
  add a0, a0, t0
  li a7, 214
  ecall
  li t1, 0x11000
1:
  sw t1, 0(t1)
  addi t1, t1, 1024
  j 1b
`).image, argv: ['hog'] });
    k.run(10_000_000);
    expect(hog.killReason).toMatch(/^Out of memory: Killed process \d+ \(hog\)/);
  });

  it('cpu.weight shares the CPU between busy groups in proportion', () => {
    const { k } = boot();
    const spin = build('_start:\n  j _start').image;
    const light = k.rootCgroup.child('light');
    const heavy = k.rootCgroup.child('heavy');
    heavy.cpuWeight = 300;
    const a = k.spawn({ image: spin, argv: ['a'], cgroup: light });
    const b = k.spawn({ image: spin, argv: ['b'], cgroup: heavy });
    const c = k.spawn({ image: spin, argv: ['c'], cgroup: heavy }); // two processes share heavy's share
    k.run(8_000_000);
    const total = a.cpuCycles + b.cpuCycles + c.cpuCycles;
    expect(a.cpuCycles / total).toBeGreaterThan(0.2);
    expect(a.cpuCycles / total).toBeLessThan(0.3);
    expect(Math.abs(b.cpuCycles - c.cpuCycles) / total).toBeLessThan(0.05);
  });
});

describe('namespaces and the filesystem root', () => {
  it('a container\'s first process is pid 1 inside and has a real pid outside', () => {
    const { k, output } = boot();
    const root = k.fs.mkdirs('/containers/c1');
    const ns = k.newNamespaces('c1', root, 100000);
    const { image } = build(`
_start:
  li a7, 172
  ecall
  call print_int
  li a0, 1              # kill(1, 0) from the host side is a different process
  li a0, 0
  j exit
`);
    k.spawn({ image: build('_start:\n  j _start').image, argv: ['host-init'] });
    const p = k.spawn({ image, argv: ['init'], ns });
    expect(k.initNs.pid.pidOf(p)).toBe(2);
    k.run(300_000);
    expect(output()).toBe('1\n');
  });

  it('cannot signal or see processes outside its pid namespace (ESRCH)', () => {
    const { k, output } = boot();
    k.spawn({ image: build('_start:\n  j _start').image, argv: ['host-init'] });
    const host = k.spawn({ image: build('_start:\n  j _start').image, argv: ['host'] });
    const ns = k.newNamespaces('c1', k.fs.mkdirs('/c1'), 100000);
    const hostPid = k.initNs.pid.pidOf(host); // 2: pid 1 inside the container is the attacker itself
    const { image } = build(`
_start:
  li a0, ${hostPid}
  li a1, 9
  li a7, 129
  ecall
  call print_int
  li a0, 0
  j exit
`);
    k.spawn({ image, argv: ['attacker'], ns });
    k.run(300_000);
    expect(output()).toBe('-3\n');
    expect(host.state).toBe('runnable');
  });

  it('".." and absolute symlinks cannot leave the container root', () => {
    const { k, output } = boot();
    k.fs.writeFile('/etc/secret', new TextEncoder().encode('host secret'));
    const root = k.fs.mkdirs('/c1');
    k.fs.mkdirs('/c1/etc');
    k.fs.writeFile('/c1/etc/secret', new TextEncoder().encode('mine'));
    const link = k.fs.create('symlink', 0o777);
    link.target = '/etc/secret';
    k.fs.link(root, 'link', link);
    const ns = k.newNamespaces('c1', root, 100000);
    const { image } = build(`
_start:
  la a1, up
  call cat
  la a1, lnk
  call cat
  li a0, 0
  j exit
cat:                    # openat + read + write to stdout
  addi sp, sp, -16
  sw ra, 12(sp)
  li a0, -100
  li a2, 0
  li a7, 56
  ecall
  mv s0, a0
  la a1, buf
  li a2, 64
  li a7, 63
  ecall
  mv a2, a0
  li a0, 1
  la a1, buf
  li a7, 64
  ecall
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
.data
up: .string "/../../../etc/secret"
lnk: .string "/link"
buf: .space 64
`);
    k.spawn({ image, argv: ['escape'], ns });
    runAll(k);
    expect(output()).toBe('minemine');
  });

  it('sethostname in a container changes only its own uts namespace', () => {
    const { k, output } = boot();
    const ns = k.newNamespaces('c1', k.fs.mkdirs('/c1'), 100000);
    const { image } = build(`
_start:
  la a0, name
  li a1, 6
  li a7, 161
  ecall
  call print_int
  la a0, uts
  li a7, 160
  ecall
  li a0, 1
  la a1, uts
  addi a1, a1, 65       # nodename
  li a2, 6
  li a7, 64
  ecall
  li a0, 0
  j exit
.data
name: .string "webapp"
uts: .space 390
`);
    k.spawn({ image, argv: ['hn'], ns });
    runAll(k);
    expect(output()).toBe('0\nwebapp');
    expect(ns.uts.hostname).toBe('webapp');
    expect(k.initNs.uts.hostname).toBe('trapdoor');
  });
});

describe('memory sharing', () => {
  it('the text pages of a program are shared by every process running it and counted once', () => {
    const { k } = boot();
    const { image } = build('_start:\n  j _start');
    const a = k.spawn({ image, argv: ['a'] });
    const shared = k.textCache.sharedPages;
    const b = k.spawn({ image, argv: ['b'] });
    expect(shared).toBeGreaterThan(0);
    expect(k.textCache.sharedPages).toBe(shared);
    expect(a.space.sharedPages()).toBe(shared);
    expect(b.space.sharedPages()).toBe(shared);
  });
});
