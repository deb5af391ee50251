// Runs a group of tests once per CPU: the interpreter, and the translator with each of its
// back ends (WebAssembly and JavaScript). The fixture corpora prove the translator gives the
// interpreter's results on real programs, whichever back end compiles them.
import { afterAll, beforeAll, describe } from 'vitest';
import {
  defaultCpuKind, defaultJitBackend, setDefaultCpuKind, setDefaultJitBackend, type CpuKind, type JitBackend,
} from '../../src/core/isa/cpu-kind.ts';

export interface CpuVariant {
  kind: CpuKind;
  backend: JitBackend;
}

export const CPU_VARIANTS: readonly CpuVariant[] = [
  { kind: 'interp', backend: 'wasm' },
  { kind: 'jit', backend: 'wasm' },
  { kind: 'jit', backend: 'js' },
];

const label = (v: CpuVariant) => (v.kind === 'interp' ? 'interp' : `jit, ${v.backend}`);

export function describeEachCpu(name: string, body: (kind: CpuKind, backend: JitBackend) => void): void {
  describe.each(CPU_VARIANTS.map((v) => ({ ...v, label: label(v) })))(`${name} (cpu $label)`, ({ kind, backend }) => {
    let previous: CpuVariant = { kind: 'jit', backend: 'wasm' };
    beforeAll(() => {
      previous = { kind: defaultCpuKind(), backend: defaultJitBackend() };
      setDefaultCpuKind(kind);
      setDefaultJitBackend(backend);
    });
    afterAll(() => {
      setDefaultCpuKind(previous.kind);
      setDefaultJitBackend(previous.backend);
    });
    body(kind, backend);
  });
}
