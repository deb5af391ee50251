# timer-wfi: timer interrupts through the CLINT. The kernel arms mtimecmp, enables the
# machine timer interrupt and sleeps in wfi; the handler counts five ticks, printing
# each one, then disarms the timer. Output does not depend on how fast time runs:
# every tick is printed exactly once, by the handler.
        .equ INTERVAL, 20000            # mtime units between ticks (2 ms on QEMU)
        .equ TIMER_INTERVAL, INTERVAL   # for arm_timer (clint-timer.inc)
        .equ NTICKS, 5
        .include "qemu-virt.inc"
        .text
        .globl _start
_start:
        la sp, stack_top
        la t0, trap_stack_top
        csrw mscratch, t0               # the handler's own stack
        la t0, trap_vector
        csrw mtvec, t0
        la a0, msg_start
        call puts
        call arm_timer
        li t0, MIP_MTIP
        csrw mie, t0
        csrsi mstatus, MSTATUS_MIE
1:      wfi
        la t0, ticks
        lw t1, 0(t0)
        li t2, NTICKS
        blt t1, t2, 1b
        csrci mstatus, MSTATUS_MIE
        la a0, msg_done
        call puts
        li a0, 0
        call poweroff

        .include "clint-timer.inc"

disarm_timer:
        li t0, CLINT_MTIMECMP
        li t1, -1
        sw t1, 0(t0)
        sw t1, 4(t0)
        ret

        .align 4
trap_vector:
        csrrw sp, mscratch, sp          # sp <- trap stack, mscratch <- interrupted sp
        addi sp, sp, -64
        sw ra, 0(sp)
        sw t0, 4(sp)
        sw t1, 8(sp)
        sw t2, 12(sp)
        sw a0, 16(sp)
        sw s0, 20(sp)
        sw s1, 24(sp)
        csrr t0, mcause
        li t1, 0x80000007               # interrupt bit | machine timer
        bne t0, t1, unexpected
        .include "timer-wfi-tick.inc"
4:      lw ra, 0(sp)
        lw t0, 4(sp)
        lw t1, 8(sp)
        lw t2, 12(sp)
        lw a0, 16(sp)
        lw s0, 20(sp)
        lw s1, 24(sp)
        addi sp, sp, 64
        csrrw sp, mscratch, sp
        mret

# show_mstatus: on trap entry MIE moved to MPIE and MPP holds the previous mode (3.1.6.1).
show_mstatus:
        addi sp, sp, -16
        sw ra, 12(sp)
        csrr s1, mstatus
        la a0, msg_mie
        call puts
        srli a0, s1, 3
        andi a0, a0, 1
        call putdec
        la a0, msg_mpie
        call puts
        srli a0, s1, 7
        andi a0, a0, 1
        call putdec
        la a0, msg_mpp
        call puts
        srli a0, s1, 11
        .include "timer-wfi-status.inc"

unexpected:
        .include "trap-fail.inc"

        .include "console-bare.inc"
        .include "timer-wfi-messages.inc"
        .data
        .align 4
ticks:  .word 0
        .bss
        .align 4
        .space 1024
stack_top:
        .space 1024
trap_stack_top:
