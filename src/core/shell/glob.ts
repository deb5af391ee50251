// Pathname expansion (POSIX "Pattern Matching Notation", XCU 2.13): an unquoted * or ? in
// a word makes it a pattern matched against directory entries, one path component at a
// time. Matches come back sorted; a pattern that matches nothing stays as written, as in sh.

/** Lists a directory's names, or none when it cannot be read. */
export type ListDirectory = (dir: string) => string[];

/** A word after variable expansion, with which characters may act as wildcards. */
export interface Pattern {
  text: string;
  /** active[i]: text[i] came from an unquoted * or ? in the source. */
  active: boolean[];
}

export function hasWildcards(p: Pattern): boolean {
  return p.active.some(Boolean);
}

export function expandPattern(p: Pattern, list: ListDirectory): string[] {
  const components = split(p);
  const absolute = p.text.startsWith('/');
  let paths = [absolute ? '/' : ''];
  for (const c of components) {
    if (c.text === '') continue;
    const matcher = componentRegex(c);
    const next: string[] = [];
    for (const base of paths) {
      if (!matcher) {
        next.push(join(base, c.text));
        continue;
      }
      const names = list(base === '' ? '.' : base).filter((n) => matcher.test(n)).sort();
      for (const n of names) next.push(join(base, n));
    }
    paths = next;
    if (paths.length === 0) return [p.text];
  }
  return paths.length ? paths : [p.text];
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

function split(p: Pattern): Pattern[] {
  const out: Pattern[] = [];
  let cur: Pattern = { text: '', active: [] };
  for (let i = 0; i < p.text.length; i++) {
    if (p.text[i] === '/') {
      out.push(cur);
      cur = { text: '', active: [] };
    } else {
      cur.text += p.text[i];
      cur.active.push(p.active[i]!);
    }
  }
  out.push(cur);
  return out;
}

/** A regex for one component, or null when it has no wildcard. A leading dot must be literal. */
function componentRegex(c: Pattern): RegExp | null {
  if (!hasWildcards(c)) return null;
  let source = c.text.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < c.text.length; i++) {
    const ch = c.text[i]!;
    if (c.active[i] && ch === '*') source += '.*';
    else if (c.active[i] && ch === '?') source += '.';
    else source += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
