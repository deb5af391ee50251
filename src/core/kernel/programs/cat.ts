/** cat [FILE...]: copies each file (or standard input) to standard output. */
export const CAT = `
.globl _start
_start:
  lw s0, 0(sp)
  addi s1, sp, 8
  li s3, 0
  li t0, 2
  bge s0, t0, files
  li a0, 0
  call copy
  li a0, 0
  j exit
files:
  addi s0, s0, -1
next:
  beqz s0, end
  li a0, -100
  lw a1, 0(s1)
  li a2, 0
  li a7, 56
  ecall
  bltz a0, fail
  mv s2, a0
  call copy
  mv a0, s2
  li a7, 57
  ecall
  j step
fail:
  la a0, err1
  call puts_err
  lw a0, 0(s1)
  call puts_err
  la a0, err2
  call puts_err
  li s3, 1
step:
  addi s1, s1, 4
  addi s0, s0, -1
  j next
end:
  mv a0, s3
  j exit
# copy(a0 = fd) to stdout until EOF
copy:
  mv s4, a0
1:
  mv a0, s4
  la a1, buf
  li a2, 512
  li a7, 63
  ecall
  blez a0, 2f
  mv a2, a0
  li a0, 1
  la a1, buf
  li a7, 64
  ecall
  j 1b
2:
  ret
puts_err:
  mv a1, a0
  li a2, 0
1:
  add t0, a1, a2
  lbu t0, 0(t0)
  beqz t0, 2f
  addi a2, a2, 1
  j 1b
2:
  li a0, 2
  li a7, 64
  ecall
  ret
.section .rodata
err1: .string "cat: "
err2: .string ": No such file or directory\\n"
.bss
buf: .space 512
`;
