/** counter [N]: prints 1, 2, 3... one per second (forever, or up to N). */
export const COUNTER = `
.globl _start
_start:
  li s1, 0x7fffffff
  lw t0, 0(sp)
  li t1, 2
  blt t0, t1, 1f
  lw a0, 8(sp)
  call atoi
  mv s1, a0
1:
  li s0, 0
2:
  bge s0, s1, 3f
  addi s0, s0, 1
  mv a0, s0
  call print_uint
  call newline
  li a0, 1
  call sleep_s
  j 2b
3:
  li a0, 0
  j exit
`;
