// High halves of 32x32-bit products for MULH, MULHSU and MULHU (RISC-V unprivileged
// spec 13.1). A float product loses bits beyond 2^53, so we multiply 16-bit halves,
// whose partial products are exact.

/** Upper 32 bits of the unsigned product, as an int32 bit pattern. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** Upper 32 bits of the signed product: correct the unsigned one for negative operands. */
export function mulh(a: number, b: number): number {
  let hi = mulhu(a, b);
  if ((a | 0) < 0) hi = (hi - b) | 0;
  if ((b | 0) < 0) hi = (hi - a) | 0;
  return hi;
}

/** Upper 32 bits of signed a times unsigned b. */
export function mulhsu(a: number, b: number): number {
  let hi = mulhu(a, b);
  if ((a | 0) < 0) hi = (hi - b) | 0;
  return hi;
}
