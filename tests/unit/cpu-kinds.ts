// Runs a group of tests once per CPU kind (translator and interpreter): the fixture
// corpora prove the translator gives the interpreter's results on real programs.
import { afterAll, beforeAll, describe } from 'vitest';
import { CPU_KINDS, defaultCpuKind, setDefaultCpuKind, type CpuKind } from '../../src/core/isa/cpu-kind.ts';

export function describeEachCpu(name: string, body: (kind: CpuKind) => void): void {
  describe.each(CPU_KINDS)(`${name} (cpu %s)`, (kind) => {
    let previous: CpuKind = 'jit';
    beforeAll(() => {
      previous = defaultCpuKind();
      setDefaultCpuKind(kind);
    });
    afterAll(() => setDefaultCpuKind(previous));
    body(kind);
  });
}
