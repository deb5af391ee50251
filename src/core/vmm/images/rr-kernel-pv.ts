// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/pv/rr-kernel/build.sh builds its GNU reference ELF from here.

import { PV_CONSOLE_HELPERS } from './console-helpers.ts';

export const source = `# rr-kernel, paravirtualized: the same two U-mode tasks (their code is unchanged) under a
# kernel ported to Trapdoor's hypercalls. What changed, and why it saves exits:
#   - trap entry: the hypervisor saves the task's registers straight into its TCB (the
#     shared page's FRAME) and the kernel reads CAUSE from the shared page: no csrrw
#     mscratch, no csrr mcause/mepc, no 31 stores to save registers;
#   - return to a task: one RESUME hypercall loads its TCB (instead of csrw mepc, mscratch,
#     31 loads and mret);
#   - output: a whole buffer per debug-console hypercall instead of two UART exits per byte;
#   - timer: SBI set_timer instead of reading mtime and writing mtimecmp through the CLINT;
#   - batches: set_timer + RESUME, or console write + RESUME, cost a single exit.
        .equ SLICE, 20000               # mtime units per time slice
        .equ SYS_WRITE, 1
        .equ SYS_YIELD, 2
        .equ SYS_EXIT, 3
        .equ NTASKS, 2
        .equ ROUNDS, 5
        .equ TCB_PC, 0                  # TCB layout = the hypervisor's frame: pc, x1..x31
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
# SBI hypercalls (a7 = extension id, a6 = function id; a0 = error, a1 = value)
        .equ EID_TIME,       0x54494D45     # set_timer
        .equ EID_SRST,       0x53525354     # system_reset
        .equ EID_DBCN,       0x4442434E     # debug console
        .equ EID_TRAPDOOR,   0x08544450     # Trapdoor extension (experimental range)
        .equ TD_YIELD,       0
        .equ TD_SET_SHARED,  1
        .equ TD_RESUME,      2
        .equ TD_BATCH,       3
# the shared page (docs/hypercalls.md)
        .equ SP_IE,          0x00
        .equ SP_PENDING,     0x04
        .equ SP_CAUSE,       0x08
        .equ SP_TVAL,        0x0c
        .equ SP_STATUS,      0x10
        .equ SP_VECTOR,      0x14
        .equ SP_FRAME,       0x18
        .text
        .globl _start
_start:
        la sp, kstack_top
        la a0, shared
        li a6, TD_SET_SHARED
        li a7, EID_TRAPDOOR
        ecall
        la t0, shared
        la t1, trap_entry
        sw t1, SP_VECTOR(t0)
        la a0, msg_boot
        call puts
        la s0, tcbs                     # task 0: A
        la t0, task_a
        sw t0, TCB_PC(s0)
        la t0, ustack_a_top
        sw t0, 8(s0)
        li t0, 1
        sw t0, TCB_ALIVE(s0)
        addi s1, s0, TCB_SIZE           # task 1: B
        la t0, task_b
        sw t0, TCB_PC(s1)
        la t0, ustack_b_top
        sw t0, 8(s1)
        li t0, 1
        sw t0, TCB_ALIVE(s1)
        call next_slice                 # queues set_timer in the batch
        j resume                        # s0 = task A's TCB

# ---- trap entry: the task's registers are already in its TCB ----
trap_entry:
        la sp, kstack_top
        la t0, shared
        lw s0, SP_FRAME(t0)             # s0 = current TCB
        lw t1, SP_CAUSE(t0)
        bltz t1, on_interrupt
        li t2, 8
        beq t1, t2, on_ecall
        j on_fault

on_interrupt:
        call next_slice
        j schedule

on_ecall:
        lw t0, TCB_PC(s0)
        addi t0, t0, 4
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
        li t0, -1
        sw t0, 40(s0)
        j resume

sys_write:                              # queue one console write for the whole buffer
        sw a1, 40(s0)                   # the task's a0 = bytes written
        la t0, batch
        la t1, batch_len
        lw t2, 0(t1)
        slli t3, t2, 5
        add t0, t0, t3
        li t3, EID_DBCN
        sw t3, 0(t0)
        sw zero, 4(t0)
        sw a1, 8(t0)                    # num_bytes
        sw a0, 12(t0)                   # base address (low)
        sw zero, 16(t0)                 # base address (high)
        addi t2, t2, 1
        sw t2, 0(t1)
        j resume

sys_exit:
        sw a0, TCB_STATUS(s0)
        sw zero, TCB_ALIVE(s0)
        j schedule

on_fault:
        la a0, msg_fault
        call puts
        la t0, shared
        lw a0, SP_CAUSE(t0)
        call putdec
        li a0, '\\n'
        call putc
        li t0, 128 + 1
        sw t0, TCB_STATUS(s0)
        sw zero, TCB_ALIVE(s0)
        j schedule

# next_slice: queue set_timer(previous deadline + SLICE) in the batch.
next_slice:
        la t0, next_tick
        lw a0, 0(t0)
        li t1, SLICE
        add a0, a0, t1
        sw a0, 0(t0)
        la t0, batch
        la t1, batch_len
        lw t2, 0(t1)
        slli t3, t2, 5
        add t0, t0, t3
        li t3, EID_TIME
        sw t3, 0(t0)
        sw zero, 4(t0)
        sw a0, 8(t0)
        sw zero, 12(t0)
        addi t2, t2, 1
        sw t2, 0(t1)
        ret

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

# ---- resume the task whose TCB is in s0: queued calls + RESUME, one exit ----
resume:
        la t0, batch
        la t1, batch_len
        lw t2, 0(t1)
        slli t3, t2, 5
        add t3, t0, t3
        li t4, EID_TRAPDOOR
        sw t4, 0(t3)
        li t4, TD_RESUME
        sw t4, 4(t3)
        sw s0, 8(t3)                    # frame = the TCB
        sw zero, 12(t3)                 # user mode
        sw zero, 16(t3)                 # (IE is irrelevant in user mode)
        addi a1, t2, 1                  # count
        sw zero, 0(t1)                  # the batch is consumed
        mv a0, t0
        li a6, TD_BATCH
        li a7, EID_TRAPDOOR
        ecall
        j resume                        # only if an entry failed: retry with RESUME alone

all_done:
        la a0, batch                    # flush queued output first
        la t1, batch_len
        lw a1, 0(t1)
        li a6, TD_BATCH
        li a7, EID_TRAPDOOR
        ecall
        li a0, -1                       # timer off
        li a1, -1
        li a6, 0
        li a7, EID_TIME
        ecall
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

${PV_CONSOLE_HELPERS}        .section .rodata
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
next_tick: .word 0                      # deadline of the current slice (mtime)
batch_len: .word 0                      # hypercalls queued for the next exit
batch:   .space 32 * 4
        .bss
        .align 12
shared:  .space 4096                    # the shared page
        .align 4
        .space 2048
kstack_top:
        .space 1024
ustack_a_top:
        .space 1024
ustack_b_top:
`;
