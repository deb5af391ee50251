# Hello, Trapdoor! A bare-metal program for QEMU's virt board.
# It writes a string to the NS16550A UART, then powers the machine off.

        .equ UART, 0x10000000        # transmit register (THR)
        .equ LSR,  5                 # line status register offset
        .equ POWEROFF, 0x00100000    # sifive_test device

        .text
        .globl _start
_start:
        la    a0, message            # a0 -> the string
        call  puts
        li    t0, POWEROFF
        li    t1, 0x5555             # 0x5555 = power off, exit code 0
        sw    t1, 0(t0)
1:      j     1b                     # not reached

# puts(a0): write a NUL-terminated string to the UART
puts:
        li    t0, UART
2:      lbu   t1, 0(a0)
        beqz  t1, 4f
3:      lbu   t2, LSR(t0)            # wait until the transmitter is empty
        andi  t2, t2, 0x20
        beqz  t2, 3b
        sb    t1, 0(t0)
        addi  a0, a0, 1
        j     2b
4:      ret

        .section .rodata
message:
        .string "Hello from the guest! Press Step to walk through me.\n"
