// Routines every image program links in (as text appended to its source): writing
// strings and numbers, and parsing a decimal argument. Raw Linux system calls, no libc.
export const LIB = `
.text
# puts(a0 = NUL-terminated string) to fd 1
puts:
  mv a1, a0
  li a2, 0
1:
  add t0, a1, a2
  lbu t0, 0(t0)
  beqz t0, 2f
  addi a2, a2, 1
  j 1b
2:
  li a0, 1
  li a7, 64
  ecall
  ret
# print_uint(a0) to fd 1
print_uint:
  addi sp, sp, -16
  addi t0, sp, 15
  li t1, 10
  mv t2, t0
1:
  remu t3, a0, t1
  addi t3, t3, 48
  addi t2, t2, -1
  sb t3, 0(t2)
  divu a0, a0, t1
  bnez a0, 1b
  li a0, 1
  mv a1, t2
  sub a2, t0, t2
  li a7, 64
  ecall
  addi sp, sp, 16
  ret
newline:
  la a0, lib_nl
  j puts
# atoi(a0 = string) -> a0: decimal digits until the first non-digit
atoi:
  mv t0, a0
  li a0, 0
  li t2, 10
1:
  lbu t1, 0(t0)
  addi t1, t1, -48
  bltu t1, t2, 2f
  ret
2:
  mul a0, a0, t2
  add a0, a0, t1
  addi t0, t0, 1
  j 1b
# sleep_s(a0 = seconds): nanosleep
sleep_s:
  addi sp, sp, -16
  sw a0, 0(sp)
  sw zero, 4(sp)
  mv a0, sp
  li a1, 0
  li a7, 101
  ecall
  addi sp, sp, 16
  ret
exit:
  li a7, 94
  ecall
.section .rodata
lib_nl: .string "\\n"
.text
`;
