// Guest RAM inside a WebAssembly memory, so translated WebAssembly (wasm-generator.ts)
// reaches it with plain loads and stores. One memory per RAM, laid out as
//
//   [0, size)              the guest's bytes (offset = physical address - RAM base)
//   [size, size + pages)   the dirty byte of each 4 KiB page (memory.ts's RamWindow.dirty)
//   [area, area + 256)     what a region and the translator share while it runs: the
//                          registers, pc, exit, reason, the watched word and the paged
//                          fast path's pages (AREA_*).
//                          One call at a time (a region never runs another hart), so
//                          harts that share a RAM share it too.
//
// The typed-array views over the first two parts are the RAM's public face, exactly as
// with an ArrayBuffer; the memory never grows, so they stay valid.

import { PAGE_SHIFT, type WasmRam } from './memory.ts';
import { WASM_PAGE, newWasmMemory, wasmCompileAvailable } from './wasm-api.ts';

/** Int32 slots of the shared area (byte offset = area + 4 * slot). */
export const AREA_PC = 32;
export const AREA_EXIT = 33;
export const AREA_REASON = 34;
export const AREA_WATCH = 35;
/**
 * The paged fast path (Sv32 code whose frames are in this RAM): the virtual page last read
 * from / stored to and its frame's offset in the memory, as the JavaScript back end's
 * rvpn/rbytes and wvpn/wbytes; a vpn of -1 matches no page. The translator resets them
 * wherever it resets those.
 */
export const AREA_RVPN = 36;
export const AREA_ROFF = 37;
export const AREA_WVPN = 38;
export const AREA_WOFF = 39;
const AREA_BYTES = 256;

/**
 * A RAM of `size` bytes in a new WebAssembly memory, or null where WebAssembly cannot be
 * compiled (then an ordinary ArrayBuffer serves, as without the WebAssembly back end).
 */
export function newWasmRam(size: number): WasmRam | null {
  if (!wasmCompileAvailable()) return null;
  const dirty = size;
  const area = (dirty + (size >>> PAGE_SHIFT) + 63) & ~63;
  const pages = Math.ceil((area + AREA_BYTES) / WASM_PAGE);
  const memory = newWasmMemory(pages);
  if (memory === null) return null;
  return { memory, pages, dirty, area, slots: new Int32Array(memory.buffer, area, AREA_BYTES >> 2) };
}
