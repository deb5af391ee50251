// A saved state is plain data — objects, arrays, strings, finite numbers, booleans, null and
// byte arrays — and nothing else. Checked before any part reads it, so a state from a file,
// a worker message or a hand edit cannot smuggle in a key that Object.assign would turn
// into a prototype (`__proto__`), a number no counter can hold (1e999 parses as Infinity),
// or an object of some class. Each part's own checks (schemas, header versions) come after.

export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface PlainDataOptions {
  /** States passed in memory (structuredClone, not JSON) may hold unlimited limits as
   *  Infinity and holes as undefined: the kernel's do. NaN is never data. */
  inMemory?: boolean;
  maxNodes?: number;
}

/** Null when `value` is plain data; else where and why not, as "path: what". */
export function plainDataProblem(value: unknown, options: PlainDataOptions = {}): string | null {
  const { inMemory = false, maxNodes = 50_000_000 } = options;
  const stack: Array<[unknown, string]> = [[value, 'state']];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (++nodes > maxNodes) return `${path}: more than ${maxNodes} values`;
    switch (typeof v) {
      case 'string': case 'boolean': continue;
      case 'number': if (Number.isFinite(v) || (inMemory && !Number.isNaN(v))) continue; return `${path}: ${v} is not a finite number`;
      case 'undefined': if (inMemory) continue; return `${path}: undefined is not saved data`;
      case 'object': break;
      default: return `${path}: a ${typeof v} value is not saved data`;
    }
    if (v === null || v instanceof Uint8Array) continue;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (Array.isArray(v)) {
      if (proto !== Array.prototype) return `${path}: not a plain list`;
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
      continue;
    }
    if (proto !== Object.prototype && proto !== null) return `${path}: not a plain object`;
    for (const key of Object.keys(v)) {
      if (UNSAFE_KEYS.has(key)) return `${path}: the key '${key}' is not allowed`;
      stack.push([(v as Record<string, unknown>)[key], `${path}.${key}`]);
    }
  }
  return null;
}
