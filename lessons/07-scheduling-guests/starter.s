# Lesson 7: the waiter, a guest kernel that waits 5 ms, then reports.
    .equ UART,           0x10000000
    .equ POWER_OFF,      0x00100000
    .equ CLINT_MTIMECMP, 0x02004000   # when the timer fires (64-bit; high word at +4)
    .equ CLINT_MTIME,    0x0200bff8   # the time now, 10,000,000 ticks a second
    .equ MIE_MTIE,       0x80         # mie bit 7: machine timer interrupt enable
    .equ WAIT,           50000        # 5 ms in timer ticks

    .text
    .globl _start
_start:
    li   t0, CLINT_MTIME
    lw   s0, 0(t0)
    li   t1, WAIT
    add  s0, s0, t1                   # s0 = the deadline

    # TODO: instead of asking the clock again and again, program the timer
    # (mtimecmp = deadline), enable its interrupt in mie, and sleep with wfi.

wait:
    li   t0, CLINT_MTIME
    lw   t1, 0(t0)                    # what time is it now?
    bltu t1, s0, wait                 # not yet: ask again

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
    .asciz "waiter: done\n"
