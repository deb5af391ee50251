// Lesson regular expressions, parsed (JavaScript syntax, without the parts that need
// backtracking) and compiled to a small program for the Pike VM (pike-vm.ts), following
// Russ Cox, "Regular Expression Matching: the Virtual Machine Approach" (2009).
//
// Supported: literals and escapes (\d \w \s and their negations, \b \B, \n \t \xHH \uHHHH
// ...), `.`, classes with ranges, `^ $`, groups (capturing, `(?:...)`, `(?<name>...)`),
// `|`, and `* + ? {n} {n,} {n,m}`, each greedy or lazy; flags i, m and s. Refused:
// backreferences and lookarounds (no linear-time engine has them), and programs longer
// than MAX_PROGRAM instructions (counted repetitions are expanded).

export const MAX_PROGRAM = 1000;
/** Largest count in `{n,m}`. */
const MAX_COUNT = 1000;

export type CharTest = (c: number) => boolean;

export type Inst =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'save'; slot: number }
  | { op: 'assert'; kind: '^' | '$' | 'b' | 'B' }
  | { op: 'match' };

export interface Program {
  insts: Inst[];
  /** Capturing groups, group 0 (the whole match) included. */
  groups: number;
  multiline: boolean;
}

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number; greedy: boolean }
  | { t: 'group'; node: Node; index: number | null }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' };

export class RegexSyntaxError extends Error {}

export function compileRegex(pattern: string, flags: string): Program {
  const p = new Parser(pattern, flags);
  const node = p.parse();
  const insts: Inst[] = [];
  const out = { insts, size: 0 };
  emit({ t: 'group', node, index: 0 }, out);
  insts.push({ op: 'match' });
  return { insts, groups: p.groups, multiline: flags.includes('m') };
}

function emit(node: Node, out: { insts: Inst[] }): void {
  const insts = out.insts;
  if (insts.length > MAX_PROGRAM) throw new RegexSyntaxError(`the pattern compiles to more than ${MAX_PROGRAM} steps (use smaller {n,m} counts)`);
  switch (node.t) {
    case 'char': insts.push({ op: 'char', test: node.test }); return;
    case 'assert': insts.push({ op: 'assert', kind: node.kind }); return;
    case 'cat': for (const n of node.items) emit(n, out); return;
    case 'group':
      if (node.index !== null) insts.push({ op: 'save', slot: 2 * node.index });
      emit(node.node, out);
      if (node.index !== null) insts.push({ op: 'save', slot: 2 * node.index + 1 });
      return;
    case 'alt': {
      const jumps: Array<{ op: 'jmp'; x: number }> = [];
      node.items.forEach((item, i) => {
        const last = i === node.items.length - 1;
        const split = last ? null : { op: 'split' as const, x: insts.length + 1, y: 0 };
        if (split) insts.push(split);
        emit(item, out);
        if (!last) { const j = { op: 'jmp' as const, x: 0 }; jumps.push(j); insts.push(j); }
        if (split) split.y = insts.length;
      });
      for (const j of jumps) j.x = insts.length;
      return;
    }
    case 'rep': emitRepeat(node, out); return;
  }
}

function emitRepeat(node: Extract<Node, { t: 'rep' }>, out: { insts: Inst[] }): void {
  const insts = out.insts;
  for (let i = 0; i < node.min; i++) emit(node.node, out);
  const choose = (body: number, skip: number) => (node.greedy ? { op: 'split' as const, x: body, y: skip } : { op: 'split' as const, x: skip, y: body });
  if (node.max === Infinity) {
    const at = insts.length;
    const split = choose(at + 1, 0);
    insts.push(split);
    emit(node.node, out);
    insts.push({ op: 'jmp', x: at });
    if (node.greedy) split.y = insts.length; else split.x = insts.length;
    return;
  }
  const splits: Array<{ op: 'split'; x: number; y: number }> = [];
  for (let i = node.min; i < node.max; i++) {
    const split = choose(insts.length + 1, 0);
    splits.push(split);
    insts.push(split);
    emit(node.node, out);
  }
  for (const s of splits) if (node.greedy) s.y = insts.length; else s.x = insts.length;
}

const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isDigit = (c: number) => c >= 48 && c <= 57;
export const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
  || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const not = (f: CharTest): CharTest => (c) => !f(c);
const CLASS_ESCAPES: Record<string, CharTest> = { d: isDigit, D: not(isDigit), w: isWord, W: not(isWord), s: isSpace, S: not(isSpace) };
const CONTROL: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, '0': 0 };

class Parser {
  private i = 0;
  groups = 1;
  private readonly ignoreCase: boolean;
  private readonly dotAll: boolean;

  constructor(private readonly src: string, flags: string) {
    this.ignoreCase = flags.includes('i');
    this.dotAll = flags.includes('s');
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) this.fail(`unmatched ')'`);
    return node;
  }

  private fail(why: string): never {
    throw new RegexSyntaxError(`${why} at position ${this.i}`);
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.src[this.i] === '|') { this.i++; items.push(this.sequence()); }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { t: 'cat', items };
  }

  private quantified(atom: Node): Node {
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.t === 'assert') this.fail('nothing to repeat');
    const greedy = this.src[this.i] !== '?';
    if (!greedy) this.i++;
    if (this.quantifierAhead()) this.fail('nothing to repeat');
    return { t: 'rep', node: atom, min: q.min, max: q.max, greedy };
  }

  private quantifierAhead(): boolean {
    const c = this.src[this.i];
    return c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i)));
  }

  private quantifier(): { min: number; max: number } | null {
    const c = this.src[this.i];
    if (c === '*' || c === '+' || c === '?') { this.i++; return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity }; }
    if (c !== '{') return null;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
    if (!m) return null; // a literal '{', as JavaScript reads it
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT)) this.fail(`counts above ${MAX_COUNT} are not supported`);
    if (max < min) this.fail('numbers out of order in {} quantifier');
    this.i += m[0].length;
    return { min, max };
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    this.i++;
    switch (c) {
      case '(': return this.group();
      case '[': return this.charClass();
      case '.': return { t: 'char', test: this.dotAll ? () => true : not(isLineEnd) };
      case '^': return { t: 'assert', kind: '^' };
      case '$': return { t: 'assert', kind: '$' };
      case '\\': return this.escape();
      case '*': case '+': case '?': this.i--; return this.fail('nothing to repeat');
      case '{': if (/^\d+(,\d*)?\}/.test(this.src.slice(this.i))) { this.i--; this.fail('nothing to repeat'); } return this.literal(c.charCodeAt(0));
      default: return this.literal(c.charCodeAt(0));
    }
  }

  private group(): Node {
    let index: number | null = this.groups;
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith('?:')) { index = null; this.i += 2; }
      else if (/^\?<[A-Za-z_$]/.test(rest)) {
        const end = this.src.indexOf('>', this.i);
        if (end < 0 || !/^[A-Za-z_$][\w$]*$/.test(this.src.slice(this.i + 2, end))) this.fail('invalid group name');
        this.i = end + 1;
      } else if (/^\?(<?[=!])/.test(rest)) this.fail('lookarounds are not allowed');
      else this.fail('invalid group');
    }
    if (index !== null) this.groups++;
    const node = this.alternation();
    if (this.src[this.i] !== ')') this.fail('unterminated group');
    this.i++;
    return { t: 'group', node, index };
  }

  private escape(): Node {
    const c = this.src[this.i];
    if (c === undefined) this.fail('\\ at end of pattern');
    if (c === 'b' || c === 'B') { this.i++; return { t: 'assert', kind: c }; }
    if (/[1-9k]/.test(c)) this.fail('backreferences are not allowed');
    const cls = CLASS_ESCAPES[c];
    if (cls) { this.i++; return { t: 'char', test: cls }; }
    return this.literal(this.escapedCode());
  }

  /** The code of an escaped character (after the backslash), for atoms and classes alike. */
  private escapedCode(): number {
    const c = this.src[this.i]!;
    this.i++;
    if (c in CONTROL) {
      if (c === '0' && isDigit(this.src.charCodeAt(this.i))) this.fail('octal escapes are not supported');
      return CONTROL[c]!;
    }
    const hex = c === 'x' ? 2 : c === 'u' ? 4 : 0;
    if (hex > 0) {
      const digits = this.src.slice(this.i, this.i + hex);
      if (digits.length !== hex || !/^[0-9a-fA-F]+$/.test(digits)) return c.charCodeAt(0);
      this.i += hex;
      return parseInt(digits, 16);
    }
    if (c === 'c') this.fail('control escapes (\\c) are not supported');
    return c.charCodeAt(0);
  }

  private literal(code: number): Node {
    if (!this.ignoreCase) return { t: 'char', test: (c) => c === code };
    const folded = fold(code);
    return { t: 'char', test: (c) => c === code || fold(c) === folded };
  }

  private charClass(): Node {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const parts: CharTest[] = [];
    while (this.src[this.i] !== ']') {
      if (this.i >= this.src.length) this.fail('unterminated character class');
      const from = this.classAtom();
      if (typeof from === 'number' && this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const to = this.classAtom();
        if (typeof to !== 'number') this.fail('invalid character class range');
        if (to < from) this.fail('range out of order in character class');
        parts.push((c) => c >= from && c <= to);
      } else parts.push(typeof from === 'number' ? (c) => c === from : from);
    }
    this.i++;
    const ic = this.ignoreCase;
    const member = (c: number) => parts.some((t) => t(c));
    const test: CharTest = ic ? (c) => member(c) || member(lower(c)) || member(upper(c)) : member;
    return { t: 'char', test: negate ? not(test) : test };
  }

  /** A character code, or a set (\d, \w, \s...) inside a class. */
  private classAtom(): number | CharTest {
    const c = this.src[this.i]!;
    this.i++;
    if (c !== '\\') return c.charCodeAt(0);
    const e = this.src[this.i];
    if (e === undefined) this.fail('\\ at end of pattern');
    if (e === 'b') { this.i++; return 8; }
    const cls = CLASS_ESCAPES[e];
    if (cls) { this.i++; return cls; }
    return this.escapedCode();
  }
}

function lower(c: number): number {
  const s = String.fromCharCode(c).toLowerCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

function upper(c: number): number {
  const s = String.fromCharCode(c).toUpperCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

/** Case folding as JavaScript's non-Unicode `i` flag does it (Canonicalize: to upper case). */
function fold(c: number): number {
  return upper(c);
}
