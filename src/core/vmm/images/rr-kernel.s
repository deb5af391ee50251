# rr-kernel: a tiny time-sharing kernel for bare hardware (QEMU virt, -bios none).
#
# Two tasks run in U-mode. The CLINT timer interrupts every SLICE mtime units and the
# kernel switches to the next live task (round robin). Tasks ask the kernel for service
# with ecall, a7 = system call number:
#     1 write(a0 = buffer, a1 = length) -> a0 = length
#     2 yield()                          give up the rest of the time slice
#     3 exit(a0 = status)
# Each task's registers live in its task control block (TCB); while a task runs, mscratch
# points at its TCB so the trap vector can save registers without a free register.
# The tasks take turns through a shared variable, so the output is the same however
# fast time runs: task A waits politely (yield), task B busy-waits until preempted.
        .equ SLICE, 20000               # mtime units per time slice (2 ms on QEMU)
        .equ TIMER_INTERVAL, SLICE      # for arm_timer (clint-timer.inc)
        .include "rr-kernel-tasks.inc"
        .include "qemu-virt.inc"
        .text
        .globl _start
_start:
        la sp, kstack_top
        la t0, trap_vector
        csrw mtvec, t0
        li t0, -1                       # PMP entry 0: all of memory, RWX, for U-mode
        csrw pmpaddr0, t0
        li t0, 0x1f
        csrw pmpcfg0, t0
        .include "rr-kernel-boot.inc"
        call arm_timer
        li t0, MIP_MTIP
        csrw mie, t0                    # timer on; M-mode itself keeps MIE = 0
        li t0, MSTATUS_MPP
        csrc mstatus, t0                # every mret enters U-mode
        j resume                        # s0 = task A's TCB

# ---- trap entry: save the task, dispatch on mcause (3.1.15) ----
        .align 4
trap_vector:
        csrrw t6, mscratch, t6          # t6 <- TCB, mscratch <- task's t6
        sw x1, 4(t6)
        sw x2, 8(t6)
        sw x3, 12(t6)
        sw x4, 16(t6)
        sw x5, 20(t6)
        sw x6, 24(t6)
        sw x7, 28(t6)
        sw x8, 32(t6)
        sw x9, 36(t6)
        sw x10, 40(t6)
        sw x11, 44(t6)
        sw x12, 48(t6)
        sw x13, 52(t6)
        sw x14, 56(t6)
        sw x15, 60(t6)
        sw x16, 64(t6)
        sw x17, 68(t6)
        sw x18, 72(t6)
        sw x19, 76(t6)
        sw x20, 80(t6)
        sw x21, 84(t6)
        sw x22, 88(t6)
        sw x23, 92(t6)
        sw x24, 96(t6)
        sw x25, 100(t6)
        sw x26, 104(t6)
        sw x27, 108(t6)
        sw x28, 112(t6)
        sw x29, 116(t6)
        sw x30, 120(t6)
        csrr t0, mscratch
        sw t0, 124(t6)                  # the task's t6
        csrr t0, mepc
        sw t0, TCB_PC(t6)
        mv s0, t6                       # s0 = current TCB from here on
        la sp, kstack_top
        csrr t0, mcause
        bltz t0, on_interrupt
        li t1, 8                        # environment call from U-mode
        beq t0, t1, on_ecall
        j on_fault

on_interrupt:                           # the only one enabled is the machine timer
        call arm_timer
        j schedule

        .include "rr-kernel-syscall.inc"

sys_write:                              # no MMU: the kernel reads the buffer directly
        mv s1, a0
        add s2, a0, a1
1:      bgeu s1, s2, 2f
        lbu a0, 0(s1)
        call putc
        addi s1, s1, 1
        j 1b
2:      lw t0, 44(s0)
        sw t0, 40(s0)                   # a0 = bytes written
        j resume

        .include "rr-kernel-exit.inc"
        csrr a0, mcause
        .include "rr-kernel-kill.inc"

        .include "rr-kernel-schedule.inc"

# ---- resume the task whose TCB is in s0 ----
resume:
        csrw mscratch, s0
        lw t0, TCB_PC(s0)
        csrw mepc, t0
        mv t6, s0
        lw x1, 4(t6)
        lw x2, 8(t6)
        lw x3, 12(t6)
        lw x4, 16(t6)
        lw x5, 20(t6)
        lw x6, 24(t6)
        lw x7, 28(t6)
        lw x8, 32(t6)
        lw x9, 36(t6)
        lw x10, 40(t6)
        lw x11, 44(t6)
        lw x12, 48(t6)
        lw x13, 52(t6)
        lw x14, 56(t6)
        lw x15, 60(t6)
        lw x16, 64(t6)
        lw x17, 68(t6)
        lw x18, 72(t6)
        lw x19, 76(t6)
        lw x20, 80(t6)
        lw x21, 84(t6)
        lw x22, 88(t6)
        lw x23, 92(t6)
        lw x24, 96(t6)
        lw x25, 100(t6)
        lw x26, 104(t6)
        lw x27, 108(t6)
        lw x28, 112(t6)
        lw x29, 116(t6)
        lw x30, 120(t6)
        lw x31, 124(t6)
        mret

all_done:
        li t0, 0
        csrw mie, t0
        .include "rr-kernel-done.inc"

        .include "clint-timer.inc"

        .include "rr-kernel-user.inc"
        .text
        .include "console-bare.inc"
        .bss
        .include "rr-kernel-stacks.inc"
