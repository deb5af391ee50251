// RISC-V integer register names (unprivileged spec, chapter 25 "RISC-V Assembly
// Programmer's Handbook", table 25.1) mapped to their numbers.

const ABI = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** "a0" or "x10" -> 10; "fp" is s0. Undefined for anything else. */
export function registerNumber(name: string): number | undefined {
  if (name === 'fp') return 8;
  const x = /^x([0-9]|[12][0-9]|3[01])$/.exec(name);
  if (x) return Number(x[1]);
  const i = ABI.indexOf(name);
  return i < 0 ? undefined : i;
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
