// Which CPU runs guest code: the translator (guest blocks compiled to WebAssembly or
// JavaScript, translator.ts) or the interpreter (cpu.ts's loop, the reference). Both give identical
// results; the translator is faster. A Cpu is made with the process-wide default unless
// its options say otherwise; the CLI's `--cpu interp|jit` and the worker set the default.

export type CpuKind = 'interp' | 'jit';

export const CPU_KINDS: readonly CpuKind[] = ['interp', 'jit'];

let current: CpuKind = 'jit';

export function defaultCpuKind(): CpuKind {
  return current;
}

export function setDefaultCpuKind(kind: CpuKind): void {
  current = kind;
}

export function isCpuKind(v: unknown): v is CpuKind {
  return v === 'interp' || v === 'jit';
}

/**
 * How the translator compiles RAM regions: 'wasm' (WebAssembly modules over the RAM's
 * WebAssembly memory, where there is one and compiling is allowed) or 'js' (`new Function`).
 * Either falls back to the other, and pages outside RAM always use JavaScript.
 */
export type JitBackend = 'wasm' | 'js';

export const JIT_BACKENDS: readonly JitBackend[] = ['wasm', 'js'];

let currentBackend: JitBackend = 'wasm';

export function defaultJitBackend(): JitBackend {
  return currentBackend;
}

export function setDefaultJitBackend(backend: JitBackend): void {
  currentBackend = backend;
}

/** Runs `make` with `kind` as the default (when given), so every Cpu it creates uses it. */
export function withCpuKind<T>(kind: CpuKind | undefined, make: () => T): T {
  if (kind === undefined) return make();
  const previous = current;
  current = kind;
  try {
    return make();
  } finally {
    current = previous;
  }
}
