# Lesson 13: the workload as a guest kernel under full virtualization. It adds up
# 1..100000, prints its line through the UART and switches the machine off.
    .equ UART,      0x10000000
    .equ POWER_OFF, 0x00100000

    .text
    .globl _start
_start:
    li   t0, 0                        # i
    li   t1, 0                        # sum (mod 2^32)
    li   t2, 100000
count:
    addi t0, t0, 1
    add  t1, t1, t0
    blt  t0, t2, count
    la   a0, message
    li   t0, UART
print:
    lbu  t1, 0(a0)
    beqz t1, off
    sb   t1, 0(t0)                    # one exit to the UART model per byte
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
    .asciz "counted to 100000\n"
