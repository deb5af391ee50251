# Lesson 8: the victim, an honest guest kernel. It keeps a secret in its RAM at
# 0x80001000, works for a while (400,000 loop rounds), then checks its secret.
    .equ UART,      0x10000000
    .equ POWER_OFF, 0x00100000

    .text
    .globl _start
_start:
    li   t0, 0
    li   t1, 400000
work:
    addi t0, t0, 1
    blt  t0, t1, work
    la   t0, secret
    lw   t1, 0(t0)
    li   t2, 0x5EC2E7
    la   a0, intact
    beq  t1, t2, print
    la   a0, stolen
print:
    li   t0, UART
1:  lbu  t1, 0(a0)
    beqz t1, off
    sb   t1, 0(t0)
    addi a0, a0, 1
    j    1b
off:
    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang

    .section .rodata
intact:
    .asciz "victim: secret intact\n"
stolen:
    .asciz "victim: my secret was overwritten!\n"

    .data
    .balign 4096                      # the secret lives at 0x80001000
secret:
    .word 0x5EC2E7
