# echo-console: a guest that listens. It polls the UART for received bytes and sends each
# one back, letters in capitals; between polls it sleeps in wfi until a 10 ms timer, so an
# idle guest costs the host almost nothing. '~' powers the machine off.
# wfi wakes on a pending interrupt enabled in mie even with mstatus.MIE clear (privileged
# spec 3.3.3), so no trap handler is needed.
        .equ POLL, 100000               # mtime units between polls (10 ms at QEMU's 10 MHz)
        .include "qemu-virt.inc"
        .equ LSR_DR,         0x01           # line status: a received byte is waiting
        .text
        .globl _start
_start:
        la sp, stack_top
        la a0, banner
        call puts
        li t0, MIP_MTIP
        csrw mie, t0                    # the timer may wake wfi; mstatus.MIE stays 0
poll:
        li t0, UART_BASE
        lbu t1, UART_LSR(t0)
        andi t1, t1, LSR_DR
        beqz t1, idle
        lbu a0, 0(t0)                   # the received byte
        li t1, 126                      # '~'
        beq a0, t1, off
        li t1, 97                       # 'a'
        bltu a0, t1, 1f
        li t1, 123                      # 'z' + 1
        bgeu a0, t1, 1f
        addi a0, a0, -32                # to capitals
1:      call putc
        j poll
idle:
        call arm_timer
        wfi
        j poll
off:
        la a0, bye
        call puts
        li t0, TEST_DEV
        li t1, 0x5555                   # pass: power off with status 0
        sw t1, 0(t0)
1:      j 1b

# mtimecmp = mtime + POLL; the high word goes to all ones first so it never fires early.
arm_timer:
        li t0, CLINT_MTIME
1:      lw t2, 4(t0)
        lw t1, 0(t0)
        lw t3, 4(t0)
        bne t2, t3, 1b                  # the low word wrapped between the reads: again
        li t3, POLL
        add t4, t1, t3
        sltu t5, t4, t1                 # carry into the high word
        add t2, t2, t5
        li t0, CLINT_MTIMECMP
        li t5, -1
        sw t5, 4(t0)
        sw t4, 0(t0)
        sw t2, 4(t0)
        ret

        .include "uart-putc.inc"

# puts(a0): a NUL-terminated string.
puts:
        mv a1, a0
        mv a2, ra
1:      lbu a0, 0(a1)
        beqz a0, 2f
        call putc
        addi a1, a1, 1
        j 1b
2:      jr a2

        .section .rodata
banner: .asciz "echo-console: type a line and it comes back in capitals; ~ powers off\n"
bye:    .asciz "\necho-console: bye\n"

        .bss
        .balign 16
stack:  .skip 1024
stack_top:
