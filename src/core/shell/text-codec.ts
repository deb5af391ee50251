// UTF-8 between the shell's strings and the kernel's bytes: the kernel's codec
// (kernel/bytes.ts), plus what a stream needs, a sequence cut at the end of a chunk kept back.

import { utf8Decode, utf8Encode } from '../kernel/bytes.ts';

export const encodeUtf8 = utf8Encode;

/**
 * Decodes bytes; an invalid byte becomes U+FFFD. A sequence cut at the end of a chunk is
 * returned in `rest` so a stream can prepend it to the next chunk.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; rest: Uint8Array } {
  const end = bytes.length - cutTail(bytes);
  return { text: utf8Decode(bytes.subarray(0, end)), rest: bytes.slice(end) };
}

/** How many bytes at the end start a sequence that the chunk ends before finishing. */
function cutTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : 0;
    return need >= k ? k : 0;
  }
  return 0;
}

/** Decodes a whole buffer (no stream continuation). */
export function decodeAll(bytes: Uint8Array): string {
  return utf8Decode(bytes);
}
