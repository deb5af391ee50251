# rr-kernel, paravirtualized: the same two U-mode tasks (their code is unchanged) under a
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
        .include "rr-kernel-tasks.inc"
        .include "qemu-virt.inc"
        .include "sbi.inc"
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
        .include "rr-kernel-boot.inc"
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

        .include "rr-kernel-syscall.inc"

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

        .include "rr-kernel-exit.inc"
        la t0, shared
        lw a0, SP_CAUSE(t0)
        .include "rr-kernel-kill.inc"

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

        .include "rr-kernel-schedule.inc"

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
        .include "rr-kernel-done.inc"

        .include "rr-kernel-user.inc"
        .text
        .include "console-pv.inc"
        .data                           # after the task table (rr-kernel-tasks.inc)
next_tick: .word 0                      # deadline of the current slice (mtime)
batch_len: .word 0                      # hypercalls queued for the next exit
batch:   .space 32 * 4
        .bss
        .align 12
shared:  .space 4096                    # the shared page
        .include "rr-kernel-stacks.inc"
