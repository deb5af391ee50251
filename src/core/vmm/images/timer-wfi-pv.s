# timer-wfi, paravirtualized. The bare kernel's CLINT accesses become SBI set_timer
# hypercalls, mstatus.MIE becomes the shared page's IE word (a plain store, no exit), and
# the trap handler reads CAUSE and STATUS from the shared page instead of csrr. On a trap
# the hypervisor saves the interrupted registers into FRAME; RESUME returns to them.
        .equ INTERVAL, 20000            # mtime units between ticks
        .equ NTICKS, 5
        .include "qemu-virt.inc"
        .include "sbi.inc"
        .text
        .globl _start
_start:
        la sp, stack_top
        la a0, shared
        li a6, TD_SET_SHARED
        li a7, EID_TRAPDOOR
        ecall
        la s0, shared
        la t0, trap_entry
        sw t0, SP_VECTOR(s0)
        la t0, frame
        sw t0, SP_FRAME(s0)
        la a0, msg_start
        call puts
        call arm_timer
        li t0, 1
        sw t0, SP_IE(s0)                # interrupts on: a store, not an exit
1:      wfi
        la t0, ticks
        lw t1, 0(t0)
        li t2, NTICKS
        blt t1, t2, 1b
        sw zero, SP_IE(s0)
        la a0, msg_done
        call puts
        li a0, 0
        call poweroff

# arm_timer: the next tick INTERVAL after the previous one (no need to read mtime).
arm_timer:
        la t0, next_tick
        lw a0, 0(t0)
        li t1, INTERVAL
        add a0, a0, t1
        sw a0, 0(t0)
        li a1, 0
        li a6, 0
        li a7, EID_TIME
        ecall
        ret

disarm_timer:
        li a0, -1
        li a1, -1
        li a6, 0
        li a7, EID_TIME
        ecall
        ret

# The hypervisor enters here with the interrupted registers saved in `frame`.
trap_entry:
        la sp, trap_stack_top
        la s1, shared
        lw t0, SP_CAUSE(s1)
        li t1, 0x80000007
        bne t0, t1, unexpected
        .include "timer-wfi-tick.inc"
4:      la a0, frame                    # RESUME(frame, kernel mode, interrupts on)
        li a1, 1
        li a2, 1
        li a6, TD_RESUME
        li a7, EID_TRAPDOOR
        ecall

# show_mstatus: IE is off in the handler; STATUS says what it was and the mode we left.
show_mstatus:
        addi sp, sp, -16
        sw ra, 12(sp)
        la a0, msg_mie
        call puts
        la s1, shared
        lw a0, SP_IE(s1)
        call putdec
        la a0, msg_mpie
        call puts
        lw a0, SP_STATUS(s1)
        srli a0, a0, 7
        andi a0, a0, 1
        call putdec
        la a0, msg_mpp
        call puts
        lw a0, SP_STATUS(s1)
        srli a0, a0, 11
        .include "timer-wfi-status.inc"

unexpected:
        la a0, msg_trap
        call puts
        lw a0, SP_CAUSE(s1)
        call puthex
        li a0, '\n'
        call putc
        li a0, 1
        call poweroff

        .include "console-pv.inc"
        .include "timer-wfi-messages.inc"
        .data
        .align 4
ticks:     .word 0
next_tick: .word 0
        .bss
        .align 12
shared: .space 4096                     # the shared page
frame:  .space 128                      # interrupted context: pc, x1..x31
        .align 4
        .space 1024
stack_top:
        .space 1024
trap_stack_top:
