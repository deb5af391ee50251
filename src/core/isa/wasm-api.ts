// The little of WebAssembly's JavaScript API the translator uses, typed here because core
// compiles with lib ES2022 only (the DOM, WebWorker and Node typings each declare the full
// API; core reaches it through globalThis so it never depends on them).
//
// Whether it may be used is found out once: an engine without WebAssembly, or a page whose
// Content-Security-Policy lacks 'wasm-unsafe-eval' (compiling then throws), gets none.

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmNamespace {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** WebAssembly's page: the unit of a memory's size. */
export const WASM_PAGE = 65536;

function api(): WasmNamespace | undefined {
  return (globalThis as { WebAssembly?: WasmNamespace }).WebAssembly;
}

/** A memory of `pages` pages that never grows (so views of it stay valid), or null. */
export function newWasmMemory(pages: number): WasmMemory | null {
  const wa = api();
  if (wa === undefined) return null;
  try {
    return new wa.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // out of address space: the caller uses an ordinary ArrayBuffer
  }
}

/** The smallest valid module: magic and version. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** May this engine compile WebAssembly now? (No API, or a CSP that forbids it: no.) */
export function wasmCompileAvailable(): boolean {
  if (compileAllowed === undefined) {
    const wa = api();
    try {
      compileAllowed = wa !== undefined && new wa.Instance(new wa.Module(EMPTY_MODULE), {}) !== null;
    } catch {
      compileAllowed = false;
    }
  }
  return compileAllowed;
}
let compileAllowed: boolean | undefined;

/**
 * Compiles and instantiates a module synchronously; null when the engine refuses it
 * (browsers refuse synchronous compiles of more than 4 KB on the main thread with a
 * RangeError; an engine out of code space refuses too). The caller then compiles the
 * region to JavaScript, which is exact as well; tests assert that no module of ours is
 * refused (a module that does not validate would be a bug).
 */
export function instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): WasmInstance | null {
  const wa = api();
  if (wa === undefined) return null;
  try {
    return new wa.Instance(new wa.Module(bytes), imports);
  } catch {
    return null;
  }
}
