// Small formatting helpers shared by the utilities.

/** "1:05" for 65 s of CPU time, as ps prints TIME. */
export function cpuTime(ns: number): string {
  const s = Math.floor(ns / 1e9);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** 0o755 with a type letter -> "drwxr-xr-x". */
export function modeString(typeLetter: string, perm: number): string {
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  return typeLetter + rwx(perm >> 6) + rwx(perm >> 3) + rwx(perm);
}

/** 1536 -> "1.5K", as `-h` options print sizes. */
export function humanSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v}B` : `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`;
}

export function userName(uid: number): string {
  return uid === 0 ? 'root' : String(uid);
}

/**
 * Lays names out in columns, top to bottom then left to right, as GNU ls does on a
 * terminal: the fewest rows whose columns (each as wide as its longest name + 2) fit.
 */
export function columns(names: string[], width = 80): string {
  if (names.length === 0) return '';
  for (let rows = 1; rows <= names.length; rows++) {
    const cols = Math.ceil(names.length / rows);
    const widths = Array.from({ length: cols }, (_, c) => Math.max(...names.slice(c * rows, c * rows + rows).map((n) => n.length)) + 2);
    if (rows < names.length && widths.reduce((a, b) => a + b, 0) - 2 > width) continue;
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < cols; c++) {
        const name = names[c * rows + r];
        if (name !== undefined) line += name.padEnd(widths[c]!);
      }
      lines.push(line.trimEnd());
    }
    return `${lines.join('\n')}\n`;
  }
  return '';
}

/** A table with right-aligned numeric columns where `align` says 'r'. */
export function table(rows: string[][], align: string): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}
