// The lesson runner over the real machine, hypervisor, host kernel and shell: memory read
// after a run, several guests on one host, snapshot and restore, and containers mode.

import { describe, expect, it } from 'vitest';
import { createMachineRunner } from '../../../src/core/lessons/machine-runner.ts';
import type { MachineSpec, RunOutcome, RunRequest } from '../../../src/core/lessons/index.ts';

const runner = createMachineRunner();

/** A guest kernel that stores `value` at `slot`, prints `text` and powers off. */
function kernel(value: number, text: string, loops = 0): string {
  return `
    .text
    .globl _start
_start:
    li t0, ${loops}
1:  beqz t0, 2f
    addi t0, t0, -1
    j 1b
2:  la t0, slot
    li t1, ${value}
    sw t1, 0(t0)
    la a0, msg
    li t0, 0x10000000
3:  lbu t1, 0(a0)
    beqz t1, 4f
    sb t1, 0(t0)
    addi a0, a0, 1
    j 3b
4:  li t0, 0x00100000
    li t1, 0x5555
    sw t1, 0(t0)
5:  j 5b
    .section .rodata
msg: .asciz "${text.replace(/\n/g, "\\n")}"
    .data
slot: .word 0
`;
}

function request(fields: Partial<RunRequest> & { files: Record<string, string>; entry: string }): RunRequest {
  const machine: MachineSpec = { mode: fields.mode ?? 'full' };
  return { mode: 'full', machine, maxInstructions: 2_000_000, memoryReads: [], shellCommands: [], ...fields };
}

async function ran(req: RunRequest): Promise<Extract<RunOutcome, { status: 'ran' }>> {
  const out = await runner.run(req);
  if (out.status !== 'ran') throw new Error(JSON.stringify(out));
  return out;
}

const le32 = (bytes: number[]) => (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;

describe('memory checks read guest RAM after the run', () => {
  it.each(['bare', 'full', 'pv'] as const)('in mode %s, by symbol and by address', async (mode) => {
    const files = { 'k.s': kernel(0x1234abcd, 'hi\n') };
    const first = await ran(request({ mode, files, entry: 'k.s', memoryReads: [{ address: 'slot', length: 4 }] }));
    expect(first.result.console).toBe('hi\n');
    const m = first.memory[0]!;
    expect(le32(m.bytes)).toBe(0x1234abcd);
    const again = await ran(request({ mode, files, entry: 'k.s', memoryReads: [{ address: m.address!, length: 4 }, { address: 'nope', length: 4 }] }));
    expect(le32(again.memory[0]!.bytes)).toBe(0x1234abcd);
    expect(again.memory[1]).toMatchObject({ address: null, error: 'no symbol "nope" in the program' });
  });

  it('reports an address outside RAM as unreadable', async () => {
    const out = await ran(request({ files: { 'k.s': kernel(1, 'x') }, entry: 'k.s', memoryReads: [{ address: 0x1000, length: 4 }] }));
    expect(out.memory[0]!.address).toBeNull();
    expect(out.memory[0]!.error).toMatch(/not in RAM/);
  });
});

describe('several guests on one host', () => {
  const files = { 'a.s': kernel(11, 'a\n', 200_000), 'b.s': kernel(22, 'b\n', 200_000) };
  const vms = [{ name: 'a', file: 'a.s' }, { name: 'b', file: 'b.s' }];
  const host = (cpus: number) => request({
    files, entry: 'a.s', host: { cpus, vms },
    memoryReads: [{ address: 'slot', length: 4, vm: 'a' }, { address: 'slot', length: 4, vm: 'b' }, { address: 'slot', length: 4 }],
  });

  it('gives each guest its own result, memory and share of the host', async () => {
    const out = await ran(host(1));
    expect(out.vms?.map((v) => [v.name, v.result.console, v.result.exitCode])).toEqual([['a', 'a\n', 0], ['b', 'b\n', 0]]);
    expect(out.memory.slice(0, 2).map((m) => le32(m.bytes))).toEqual([11, 22]);
    expect(out.memory[2]!.error).toMatch(/say which one/);
    expect(out.result.console).toBe('a\nb\n');
    expect(out.result.exits.total).toBe(out.vms!.reduce((n, v) => n + v.result.exits.total, 0));
    const [a, b] = out.vms!;
    expect(out.figures?.hostCycles).toBe(Math.max(a!.figures.finishedAt!, b!.figures.finishedAt!));
    expect(out.figures?.vmSwitches).toBeGreaterThan(0);
  });

  it('finishes sooner on two physical CPUs than on one', async () => {
    const one = await ran(host(1));
    const two = await ran(host(2));
    expect(two.figures!.hostCycles!).toBeLessThan(one.figures!.hostCycles! * 0.75);
    expect(two.vms!.map((v) => v.figures.cpuTime)).toEqual(one.vms!.map((v) => v.figures.cpuTime));
  });

  it('reports a guest that does not assemble as a build failure', async () => {
    const out = await runner.run(request({ files: { ...files, 'b.s': 'bogus x' }, entry: 'a.s', host: { cpus: 1, vms } }));
    expect(out.status).toBe('build-failed');
  });
});

describe('snapshot runs', () => {
  it('finish in a restored clone with the same output as an uninterrupted run', async () => {
    const files = { 'k.s': kernel(7, 'done\n', 100_000) };
    const plain = await ran(request({ files, entry: 'k.s' }));
    const restored = await ran(request({ files, entry: 'k.s', snapshotAt: 50_000, memoryReads: [{ address: 'slot', length: 4 }] }));
    expect(restored.result.console).toBe(plain.result.console);
    expect(restored.result.exitCode).toBe(0);
    expect(restored.result.instructions).toBe(plain.result.instructions);
    expect(le32(restored.memory[0]!.bytes)).toBe(7);
    // Only touched pages are saved: the image's few pages, not 128 MiB.
    expect(restored.figures!.snapshotPages).toBeGreaterThan(0);
    expect(restored.figures!.snapshotBytes).toBeLessThan(restored.figures!.snapshotPages! * 4200 + 8192);
  });
});

describe('containers mode', () => {
  const script = (text: string, shellCommands: string[] = [], maxInstructions = 20_000_000) =>
    request({ mode: 'containers', files: { 'script.sh': text }, entry: 'script.sh', shellCommands, maxInstructions });

  it('runs the script on a fresh kernel and reports containers and command outputs', async () => {
    const out = await ran(script('# a comment\ncontainer run -d --name web --hostname box alpine sleep\n', ['hostname', 'container exec web hostname', 'cat /nope']));
    expect(out.result.console).toContain('container run -d --name web --hostname box alpine sleep');
    expect(out.result.console).not.toContain('a comment');
    expect(out.kernel?.containers).toEqual([
      { name: 'web', hostname: 'box', state: 'running', limitHits: { pids: 0, memory: 0, cpu: 0 }, oomKills: 0 },
    ]);
    expect(out.shell?.map((s) => [s.output, s.status])).toEqual([['trapdoor\n', 0], ['box\n', 0], [expect.stringContaining('No such file'), 1]]);
    expect(out.figures?.containers).toBe(1);
  });

  it('counts the limits each container hit', async () => {
    const out = await ran(script('container run -d --name bomb --pids-limit 5 alpine forkbomb\ncontainer run --name hog --memory 2m alpine hog 8\n'));
    const by = Object.fromEntries(out.kernel!.containers.map((c) => [c.name, c]));
    expect(by.bomb!.limitHits.pids).toBeGreaterThan(0);
    expect(by.hog!.oomKills).toBe(1);
    expect(by.hog!.limitHits.memory).toBeGreaterThan(0);
    expect(by.hog!.state).toBe('stopped');
  });

  it('a container whose program cannot fit its --memory is OOM-killed and the script goes on', async () => {
    const out = await ran(script('container run --name tiny --memory 4k alpine hello\nhostname\n', ['echo done']));
    expect(out.result.console).toContain('# hostname\ntrapdoor\n');
    expect(out.kernel!.containers.find((c) => c.name === 'tiny')!.oomKills).toBe(1);
    expect(out.shell?.map((s) => s.output)).toEqual(['done\n']);
  });

  it('stops a script that never ends at the instruction budget', async () => {
    const out = await ran(script('container run --name forever alpine spin\nhostname\n', ['hostname'], 2_000_000));
    expect(out.result.end).toBe('budget');
    expect(out.result.instructions).toBeLessThan(2_000_000 + 400_000);
    expect(out.shell).toEqual([]);
  });
});
