/** sleep SECONDS: does nothing for that long in virtual time (default: forever). */
export const SLEEP = `
.globl _start
_start:
  lw t0, 0(sp)
  li t1, 2
  blt t0, t1, forever
  lw a0, 8(sp)
  call atoi
  call sleep_s
  li a0, 0
  j exit
forever:
  li a0, 1000000
  call sleep_s
  j forever
`;
