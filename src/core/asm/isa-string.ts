// ISA strings as GNU tools write them: `-march=rv32imac_zicsr`, the canonical
// `rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0` of the attributes section and of `$x<isa>` mapping
// symbols (RISC-V ISA manual, "ISA Extension Naming Conventions").

/** `rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0` or `rv32imac`: is C among the extensions? */
export function archHasC(arch: string): boolean {
  const [first, ...rest] = arch.replace(/^rv(32|64)/, '').split('_');
  return /^[a-z]*?c/.test((first ?? '').replace(/\d+p\d+/g, '')) || rest.some((x) => /^c(\d|$)/.test(x));
}
