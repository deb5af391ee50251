// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/bare/rr-kernel/build.sh builds its GNU reference ELF from here.

import { BARE_CONSOLE_HELPERS } from './console-helpers.ts';

export const source = `# rr-kernel: a tiny time-sharing kernel for bare hardware (QEMU virt, -bios none).
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
        .equ SYS_WRITE, 1
        .equ SYS_YIELD, 2
        .equ SYS_EXIT, 3
        .equ NTASKS, 2
        .equ ROUNDS, 5
        .equ TCB_PC, 0                  # TCB layout: pc, then x1..x31 at 4*n
        .equ TCB_ALIVE, 128
        .equ TCB_STATUS, 132
        .equ TCB_SIZE, 136
# QEMU virt memory map (the same on Trapdoor's machine)
        .equ UART_BASE,      0x10000000     # NS16550A
        .equ UART_LSR,       5              # line status register
        .equ LSR_THRE,       0x20           # transmit holding register empty
        .equ CLINT_MTIMECMP, 0x02004000     # hart 0 timer compare (64-bit)
        .equ CLINT_MTIME,    0x0200bff8     # free-running timer (64-bit)
        .equ TEST_DEV,       0x00100000     # sifive_test power-off
        .equ MIP_MTIP,       0x80           # machine timer interrupt bit (mie/mip)
        .equ MSTATUS_MIE,    0x8
        .equ MSTATUS_MPIE,   0x80
        .equ MSTATUS_MPP,    0x1800
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
        la a0, msg_boot
        call puts
        la s0, tcbs                     # task 0: A
        la t0, task_a
        sw t0, TCB_PC(s0)
        la t0, ustack_a_top
        sw t0, 8(s0)                    # x2 = sp
        li t0, 1
        sw t0, TCB_ALIVE(s0)
        addi s1, s0, TCB_SIZE           # task 1: B
        la t0, task_b
        sw t0, TCB_PC(s1)
        la t0, ustack_b_top
        sw t0, 8(s1)
        li t0, 1
        sw t0, TCB_ALIVE(s1)
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

on_ecall:
        lw t0, TCB_PC(s0)
        addi t0, t0, 4                  # return after the ecall
        sw t0, TCB_PC(s0)
        lw a7, 68(s0)
        lw a0, 40(s0)
        lw a1, 44(s0)
        li t1, SYS_WRITE
        beq a7, t1, sys_write
        li t1, SYS_YIELD
        beq a7, t1, schedule
        li t1, SYS_EXIT
        beq a7, t1, sys_exit
        li t0, -1                       # unknown system call
        sw t0, 40(s0)
        j resume

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

sys_exit:
        sw a0, TCB_STATUS(s0)
        sw zero, TCB_ALIVE(s0)
        j schedule

on_fault:                               # a task fault kills the task
        la a0, msg_fault
        call puts
        csrr a0, mcause
        call putdec
        li a0, '\\n'
        call putc
        li t0, 128 + 1                  # status 129, like a shell's killed-by-signal
        sw t0, TCB_STATUS(s0)
        sw zero, TCB_ALIVE(s0)
        j schedule

# ---- round robin: the next live task after the current one ----
schedule:
        la t0, current
        lw t1, 0(t0)
        li t2, NTASKS
        mv t3, t2
1:      addi t1, t1, 1
        blt t1, t2, 2f
        li t1, 0
2:      li t4, TCB_SIZE
        mul t4, t4, t1
        la s0, tcbs
        add s0, s0, t4
        lw t4, TCB_ALIVE(s0)
        bnez t4, 3f
        addi t3, t3, -1
        bnez t3, 1b
        j all_done
3:      sw t1, 0(t0)

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
        la a0, msg_done
        call puts
        la s0, tcbs
        lw a0, TCB_STATUS(s0)
        call putdec
        la a0, msg_and
        call puts
        lw a0, TCB_STATUS + TCB_SIZE(s0)
        call putdec
        li a0, '\\n'
        call putc
        lw a0, TCB_STATUS(s0)
        lw t0, TCB_STATUS + TCB_SIZE(s0)
        or a0, a0, t0
        call poweroff

# arm_timer: mtimecmp <- mtime + SLICE (64-bit; 3.2.1's write order).
arm_timer:
        li t0, CLINT_MTIME
1:      lw t2, 4(t0)
        lw t1, 0(t0)
        lw a0, 4(t0)
        bne a0, t2, 1b
        li a0, SLICE
        add a0, t1, a0
        sltu t1, a0, t1
        add t2, t2, t1
        li t0, CLINT_MTIMECMP
        li t1, -1
        sw t1, 0(t0)
        sw t2, 4(t0)
        sw a0, 0(t0)
        ret

# ======== user space: the two tasks and their little library ========

# task A prints n squared on its turns; waits for its turn by yielding.
task_a:
        addi sp, sp, -64
        li s0, 1                        # n
1:      la t0, turn
        lw t1, 0(t0)
        beqz t1, 2f
        li a7, SYS_YIELD
        ecall
        j 1b
2:      mv a0, sp
        la a1, umsg_a
        call u_append_str
        mv a1, s0
        call u_append_num
        la a1, umsg_squared
        call u_append_str
        mul a1, s0, s0
        call u_append_num
        li t0, '\\n'
        sb t0, 0(a0)
        addi a0, a0, 1
        sub a1, a0, sp
        mv a0, sp
        li a7, SYS_WRITE
        ecall
        la t0, turn
        li t1, 1
        sw t1, 0(t0)                    # B's turn
        addi s0, s0, 1
        li t0, ROUNDS
        ble s0, t0, 1b
        li a0, 0
        li a7, SYS_EXIT
        ecall

# task B prints Fibonacci numbers on its turns; busy-waits: only the timer gets A back.
task_b:
        addi sp, sp, -64
        li s0, 1                        # round
        li s1, 0                        # fib(k)
        li s2, 1                        # fib(k+1)
1:      la t0, turn
2:      lw t1, 0(t0)
        beqz t1, 2b
        add t2, s1, s2
        mv s1, s2
        mv s2, t2
        mv a0, sp
        la a1, umsg_b
        call u_append_str
        mv a1, s0
        call u_append_num
        la a1, umsg_fib
        call u_append_str
        mv a1, s1
        call u_append_num
        li t0, '\\n'
        sb t0, 0(a0)
        addi a0, a0, 1
        sub a1, a0, sp
        mv a0, sp
        li a7, SYS_WRITE
        ecall
        la t0, turn
        sw zero, 0(t0)                  # A's turn
        addi s0, s0, 1
        li t0, ROUNDS
        ble s0, t0, 1b
        li a0, 0
        li a7, SYS_EXIT
        ecall

# u_append_str: copy NUL-terminated a1 to a0; a0 <- end.
u_append_str:
1:      lbu t0, 0(a1)
        beqz t0, 2f
        sb t0, 0(a0)
        addi a0, a0, 1
        addi a1, a1, 1
        j 1b
2:      ret

# u_append_num: decimal a1 to a0; a0 <- end.
u_append_num:
        mv t2, a0
1:      li t0, 10
        remu t1, a1, t0
        divu a1, a1, t0
        addi t1, t1, '0'
        sb t1, 0(a0)
        addi a0, a0, 1
        bnez a1, 1b
        addi t0, a0, -1                 # reverse the digits in place
2:      bgeu t2, t0, 3f
        lbu t1, 0(t2)
        lbu a1, 0(t0)
        sb a1, 0(t2)
        sb t1, 0(t0)
        addi t2, t2, 1
        addi t0, t0, -1
        j 2b
3:      ret

${BARE_CONSOLE_HELPERS}        .section .rodata
msg_boot:     .asciz "rr-kernel: two U-mode tasks, round robin on the CLINT timer\\n"
msg_fault:    .asciz "rr-kernel: task killed by a fault, mcause="
msg_done:     .asciz "rr-kernel: all tasks finished, exit statuses "
msg_and:      .asciz " and "
umsg_a:       .asciz "task A: round "
umsg_squared: .asciz ", n*n = "
umsg_b:       .asciz "task B: round "
umsg_fib:     .asciz ", fib = "
        .data
        .align 4
current: .word 0                        # index of the running task
turn:    .word 0                        # 0: task A prints next, 1: task B
tcbs:    .space TCB_SIZE * NTASKS
        .bss
        .align 4
        .space 2048
kstack_top:
        .space 1024
ustack_a_top:
        .space 1024
ustack_b_top:
`;
