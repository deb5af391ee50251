// Addresses and words in exit-log actions and messages: eight hex digits.
export function hex(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
