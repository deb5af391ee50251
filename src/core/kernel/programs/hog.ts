/** hog [MIB]: grows the heap 1 MiB at a time, touching every page (memory.max). */
export const HOG = `
.globl _start
_start:
  li s2, 1000000
  lw t0, 0(sp)
  li t1, 2
  blt t0, t1, 1f
  lw a0, 8(sp)
  call atoi
  mv s2, a0
1:
  li a0, 0
  li a7, 214
  ecall
  mv s0, a0
  li s1, 0
grow:
  bge s1, s2, done
  li t0, 1048576
  add a0, s0, t0
  li a7, 214
  ecall
  mv t1, s0
  li t2, 4096
2:
  sw t1, 0(t1)
  add t1, t1, t2
  bltu t1, a0, 2b
  mv s0, a0
  addi s1, s1, 1
  la a0, msg
  call puts
  mv a0, s1
  call print_uint
  la a0, mib
  call puts
  j grow
done:
  li a0, 0
  j exit
.section .rodata
msg: .string "hog: allocated "
mib: .string " MiB\\n"
`;
