# Lesson 7: the worker, a CPU-bound guest kernel. It counts to 300,000 (600,000
# instructions), prints one line and switches the machine off.
    .equ UART,      0x10000000
    .equ POWER_OFF, 0x00100000

    .text
    .globl _start
_start:
    li   t0, 0
    li   t1, 300000
count:
    addi t0, t0, 1
    blt  t0, t1, count
    la   a0, message
    li   t0, UART
print:
    lbu  t1, 0(a0)
    beqz t1, off
    sb   t1, 0(t0)
    addi a0, a0, 1
    j    print
off:
    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang

    .section .rodata
message:
    .asciz "worker: done\n"
