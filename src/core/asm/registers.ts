// Integer register names: x0..x31 and the ABI names (RISC-V psABI, "Integer Register
// Convention"); `fp` is a second name for s0.

export const ABI_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;

const BY_NAME = new Map<string, number>();
ABI_NAMES.forEach((n, i) => BY_NAME.set(n, i));
for (let i = 0; i < 32; i++) BY_NAME.set(`x${i}`, i);
BY_NAME.set('fp', 8);

export function registerNumber(name: string): number | undefined {
  return BY_NAME.get(name);
}

export const REGISTER_NAMES: readonly string[] = [...BY_NAME.keys()];

/** Looks like an attempt at a register (x99, a9, t7...), so "bad register" beats "undefined symbol". */
export function looksLikeRegister(name: string, ignoreCase = false): boolean {
  return (ignoreCase ? /^(x\d+|[ast]\d+|fp|zero|ra|sp|gp|tp)$/i : /^(x\d+|[ast]\d+|fp|zero|ra|sp|gp|tp)$/).test(name);
}
