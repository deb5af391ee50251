// Which contenders Compare runs: data, not code paths (issue 14). A lesson's main file in
// its mode plus its named runs, ordered as the modes are listed; the sandbox's file every
// VM way the engine offers; a mode the engine lacks is left out.
import { describe, expect, it } from 'vitest';
import { COMPARE_MODES, compareRuns } from '../../../src/ui/exits/compare-runs.ts';
import { changedState, realTrap, trapStory } from '../../../src/ui/exits/trap-story.ts';

const file = { name: 'hello.s', content: 'x' };

describe('compareRuns', () => {
  it('runs the sandbox file in each sandbox mode the engine has', () => {
    expect(compareRuns(['bare', 'full', 'pv', 'linux'], file).map((r) => [r.label, r.mode])).toEqual([['bare', 'bare'], ['full', 'full'], ['pv', 'pv']]);
    expect(compareRuns(['bare', 'full'], file).map((r) => r.mode)).toEqual(['bare', 'full']);
    expect(compareRuns(['bare', 'full', 'pv', 'hw', 'linux'], file).map((r) => r.mode)).toEqual(['bare', 'full', 'pv', 'hw']);
  });

  it('runs an unmodified kernel under full, its port under pv and the task as a container, in that order', () => {
    const spec = {
      machine: { mode: 'pv' }, files: [{ name: 'kernel.s' }, { name: 'original.s' }, { name: 'task.s' }],
      runs: { main: { file: 'kernel.s', mode: 'pv' }, original: { file: 'original.s', mode: 'full' }, container: { file: 'task.s', mode: 'linux' } },
    };
    const text = (n: string) => `source of ${n}`;
    const runs = compareRuns(['bare', 'full', 'pv', 'linux'], file, { spec, text });
    expect(runs.map((r) => [r.label, r.mode, r.source])).toEqual([
      ['original.s · full', 'full', 'source of original.s'],
      ['kernel.s · pv', 'pv', 'source of kernel.s'],
      ['task.s · linux', 'linux', 'source of task.s'],
    ]);
  });

  it('leaves out host runs and modes it does not list', () => {
    const spec = { machine: { mode: 'full' }, files: [{ name: 'a.s' }], runs: { main: { file: 'a.s', mode: 'full' }, both: { file: 'a.s', mode: 'full', host: true }, odd: { file: 'a.s', mode: 'containers' } } };
    expect(compareRuns(['full', 'pv'], file, { spec, text: () => '' }).map((r) => r.label)).toEqual(['a.s · full']);
    expect(COMPARE_MODES.map((m) => m.mode)).toEqual(['bare', 'full', 'pv', 'hw', 'linux']);
  });
});

describe('trapStory', () => {
  it('tells an emulated CSR write in five moments, guest view beside the real machine', () => {
    const story = trapStory({ seq: 3, cause: 'csr-write', cycle: 1200, pc: 0x80000010, insn: 0x30529073, action: 'emulated csrw mtvec <- 0x80000040', cost: 300 }, 'csrw mtvec,t0');
    expect(story.map((m) => m.title)).toEqual(['1. The instruction', '2. The trap into the VMM', '3. What the VMM emulated', '4. The state it changed', '5. The return']);
    expect(story[0]!.guest).toContain('csrw mtvec,t0');
    expect(story[1]!.real).toContain('illegal-instruction exception (mcause 2)');
    expect(story[3]!.guest).toContain('mtvec = 0x80000040');
    expect(story[3]!.real).toContain('300 cycles');
  });

  it('names the real trap of each exit cause', () => {
    expect(realTrap('mmio-write:uart')).toContain('mcause 7');
    expect(realTrap('mmio-read:uart')).toContain('mcause 5');
    expect(realTrap('hypercall')).toContain('mcause 8');
    expect(changedState('reflected to the guest trap vector')).toBe('reflected to the guest trap vector');
  });
});
