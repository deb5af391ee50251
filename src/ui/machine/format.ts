// Number formatting shared by the machine views.
export function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

export function signed32(v: number): string {
  return String(v | 0);
}

export function hexByte(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Sv32 PTE flag letters in the spec's order (4.3.1), "-" for a clear bit: "DAGUXWRV". */
export function flagLetters(flags: number): string {
  return 'DAGUXWRV'.split('').map((c, i) => (flags & (1 << (7 - i)) ? c : '-')).join('');
}

/** Parses "0x8000_0000", "2147483648" or "80000000h"; null when it is not a number. */
export function parseAddress(text: string): number | null {
  const t = text.trim().replace(/_/g, '').toLowerCase();
  let v: number;
  if (/^0x[0-9a-f]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]+h$/.test(t)) v = parseInt(t.slice(0, -1), 16);
  else if (/^\d+$/.test(t)) v = parseInt(t, 10);
  else return null;
  return v >= 0 && v <= 0xffffffff ? v : null;
}
