// Checks on a saved state before anything is built from it: a damaged or hand-edited state
// is refused with the path of the bad field, never half-applied.

export class StateError extends Error {
  override name = 'StateError';
}

export function fail(path: string, what: string): never {
  throw new StateError(`${path}: ${what}`);
}

export function isObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Record<string, unknown>;
}

export function isArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected a list');
  return v;
}

/** A finite number at least `min` (cycles, counts and times are never negative). */
export function isNumber(v: unknown, path: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(path, `expected a number >= ${min}, got ${String(v)}`);
  return v;
}

export function isInt(v: unknown, path: string, min = 0): number {
  const n = isNumber(v, path, min);
  if (!Number.isSafeInteger(n)) fail(path, `expected a whole number, got ${n}`);
  return n;
}

export function isString(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'expected a string');
  return v;
}

export function isBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'expected true or false');
  return v;
}

export function isBytes(v: unknown, path: string): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(path, 'expected bytes');
  return v;
}

export function orNull<T>(v: unknown, check: (v: unknown) => T): T | null {
  return v === null ? null : check(v);
}

/** Runs a decoding step; any error becomes a StateError saying what was refused and why. */
export function refused<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new StateError(`${what} refused: ${e instanceof Error ? e.message : String(e)}`);
  }
}
