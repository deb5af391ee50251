// Figures as the guests overview prints them.
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / (1 << 20)).toFixed(n < 10 << 20 ? 1 : 0)} MiB`;
}

export function percent(p: number): string {
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}
