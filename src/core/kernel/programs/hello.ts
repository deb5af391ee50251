/** hello: greets, naming the host it runs on (uname's nodename). */
export const HELLO = `
.globl _start
_start:
  la a0, uts
  li a7, 160
  ecall
  la a0, msg
  call puts
  la a0, uts
  addi a0, a0, 65
  call puts
  la a0, bang
  call puts
  li a0, 0
  j exit
.section .rodata
msg: .string "Hello from "
bang: .string "!\\n"
.bss
uts: .space 390
`;
