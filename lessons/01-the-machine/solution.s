# Lesson 1: the machine and its console.
# The machine starts here, in machine mode, at 0x80000000.

    .equ UART,      0x10000000      # NS16550A: a byte stored here appears on the console
    .equ POWER_OFF, 0x00100000      # sifive_test: 0x5555 = pass, (code << 16) | 0x3333 = fail

    .text
    .globl _start
_start:
    # Step 1: print the message at `greeting` on the console, one byte at a time.
    la   a0, greeting
    li   t0, UART
print:
    lbu  t1, 0(a0)                  # next byte of the string
    beqz t1, printed                # the string ends with a zero byte
    sb   t1, 0(t0)                  # one store = one character on the console
    addi a0, a0, 1
    j    print
printed:

    # Step 2: power the machine off with exit status 7 instead of "pass".
    li   t0, POWER_OFF
    li   t1, (7 << 16) | 0x3333
    sw   t1, 0(t0)
hang:
    j    hang                       # never reached: the machine is off

    .section .rodata
greeting:
    .asciz "Hello, machine!\n"
