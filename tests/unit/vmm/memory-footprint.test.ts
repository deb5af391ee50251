// What a run kept in memory (RunResult.memory): the guest's touched pages, the hypervisor's
// tables for it, and memory.peak for a process. Compare and lesson checks read these.
import { describe, expect, it } from 'vitest';
import { metricValue } from '../../../src/core/lessons/metrics.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { boot, build, readCgroupFile as cat, runAll } from '../kernel/kernel-harness.ts';
import { guest } from './corpus.ts';

const PAGE = 4096;

describe('memory per run', () => {
  const tasks = guest('bare', 'sv32-tasks');
  const port = guest('pv', 'sv32-tasks');

  it('bare: the pages the guest wrote, whole pages, and no hypervisor tables', () => {
    const r = runProgram({ image: tasks.image, mode: 'bare', maxInstructions: 10_000_000 });
    expect(r.memory!.guestBytes % PAGE).toBe(0);
    expect(r.memory!.guestBytes).toBeGreaterThan(PAGE);
    // Far below the 128 MiB of RAM the machine has: untouched RAM is not counted.
    expect(r.memory!.guestBytes).toBeLessThan(1 << 20);
    expect(r.memory!.vmmTableBytes).toBe(0);
  });

  it('full: the same guest pages as bare, plus the shadow tables the hypervisor built', () => {
    const bare = runProgram({ image: tasks.image, mode: 'bare', maxInstructions: 10_000_000 });
    const full = runProgram({ image: tasks.image, mode: 'full', maxInstructions: 10_000_000 });
    expect(full.console).toBe(bare.console);
    expect(full.memory!.guestBytes).toBe(bare.memory!.guestBytes);
    // Two address spaces (and the kernel's view of each): several shadow roots and tables.
    expect(full.memory!.vmmTableBytes).toBeGreaterThanOrEqual(4 * PAGE);
    expect(metricValue({ result: full }, 'vmmTableKiB')).toBe(full.memory!.vmmTableBytes / 1024);
  });

  it('pv: the port maps with megapage shadows, so its tables take less hypervisor memory', () => {
    const full = runProgram({ image: tasks.image, mode: 'full', maxInstructions: 10_000_000 });
    const pv = runProgram({ image: port.image, mode: 'pv', maxInstructions: 10_000_000 });
    expect(pv.memory!.vmmTableBytes).toBeGreaterThan(0);
    expect(pv.memory!.vmmTableBytes).toBeLessThan(full.memory!.vmmTableBytes);
  });
});

/** Touches 64 pages of heap, frees them (brk back down), then exits. */
const touchAndFree = build(`
_start:
  li a0, 0
  li a7, 214
  ecall
  mv s0, a0
  li t0, 262144
  add a0, s0, t0
  li a7, 214
  ecall
  mv t1, s0
1:
  sw t1, 0(t1)
  li t2, 4096
  add t1, t1, t2
  bltu t1, a0, 1b
  mv a0, s0
  li a7, 214
  ecall
  li a0, 0
  j exit
`).image;

describe('memory.peak (cgroup v2)', () => {
  it('keeps the most a group held after its memory is freed; memory.current drops back', () => {
    const { k } = boot();
    const g = k.rootCgroup.child('box');
    k.spawn({ image: touchAndFree, argv: ['touch'], cgroup: g });
    runAll(k);
    const peak = Number(cat(k, 'box/memory.peak'));
    expect(peak).toBeGreaterThanOrEqual(64 * PAGE);
    expect(Number(cat(k, 'box/memory.current'))).toBeLessThan(peak);
    expect(k.rootCgroup.memoryPeak).toBeGreaterThanOrEqual(peak);
  });

  it('a process run reports its group\'s peak as the guest memory', () => {
    const r = runProgram({ image: touchAndFree, mode: 'linux', maxInstructions: 5_000_000 });
    expect(r.exitCode).toBe(0);
    expect(r.memory!.guestBytes).toBeGreaterThanOrEqual(64 * PAGE);
    expect(r.memory!.vmmTableBytes).toBe(0);
  });
});
