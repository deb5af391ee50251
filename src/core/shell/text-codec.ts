// UTF-8 between the shell's strings and the kernel's bytes. Core has no TextEncoder in its
// type libraries (no DOM, no Node), and the codec is a dozen lines.

export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes bytes; an invalid byte becomes U+FFFD. A sequence cut at the end of a chunk is
 * returned in `rest` so a stream can prepend it to the next chunk.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; rest: Uint8Array } {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    if (need < 0) { text += '\ufffd'; i++; continue; }
    if (need > 0 && i + need >= bytes.length) {
      return { text, rest: bytes.slice(i) };
    }
    let c = need === 0 ? b : b & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const cont = bytes[i + k]!;
      if ((cont & 0xc0) !== 0x80) { ok = false; break; }
      c = (c << 6) | (cont & 63);
    }
    if (!ok) { text += '\ufffd'; i++; continue; }
    text += String.fromCodePoint(c);
    i += need + 1;
  }
  return { text, rest: new Uint8Array(0) };
}

/** Decodes a whole buffer (no stream continuation). */
export function decodeAll(bytes: Uint8Array): string {
  const { text, rest } = decodeUtf8(bytes);
  return rest.length ? text + '\ufffd'.repeat(rest.length) : text;
}
