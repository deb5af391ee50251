# Lesson 4: the cost of device emulation.
# Under the hypervisor, every access to the UART's registers is an exit to the VMM's
# device model. This kernel prints a 64-character line; the polling version asks the UART before every byte.

    .equ UART,      0x10000000        # 16550A: THR (write) at +0, FCR at +2, LSR at +5
    .equ LSR_THRE,  0x20              # LSR bit 5: transmit holding register / FIFO empty
    .equ POWER_OFF, 0x00100000

    .text
    .globl _start
_start:
    la   a0, line
    li   t0, UART
next:
    lbu  t1, 5(t0)                    # read LSR: may we send?
    andi t1, t1, LSR_THRE
    beqz t1, next                     # not yet: ask again
    lbu  t1, 0(a0)
    beqz t1, done
    sb   t1, 0(t0)                    # send one byte
    addi a0, a0, 1
    j    next
done:
    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang

    .section .rodata
line:
    .ascii "Every register access is an exit: the VMM pays for each of them!"
    .byte 0
