/** forkbomb: every process forks forever; a failed fork says so and waits a second. */
export const FORKBOMB = `
.globl _start
_start:
  li a0, 17
  li a1, 0
  li a2, 0
  li a3, 0
  li a4, 0
  li a7, 220
  ecall
  bgez a0, _start
  la a0, msg
  call puts
  li a0, 1
  call sleep_s
  j _start
.section .rodata
msg: .string "forkbomb: fork: Resource temporarily unavailable\\n"
`;
