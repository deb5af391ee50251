// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/pv/timer-wfi/build.sh builds its GNU reference ELF from here.

import { PV_CONSOLE_HELPERS } from './console-helpers.ts';

export const source = `# timer-wfi, paravirtualized. The bare kernel's CLINT accesses become SBI set_timer
# hypercalls, mstatus.MIE becomes the shared page's IE word (a plain store, no exit), and
# the trap handler reads CAUSE and STATUS from the shared page instead of csrr. On a trap
# the hypervisor saves the interrupted registers into FRAME; RESUME returns to them.
        .equ INTERVAL, 20000            # mtime units between ticks
        .equ NTICKS, 5
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

# The hypervisor enters here with the interrupted registers saved in \`frame\`.
trap_entry:
        la sp, trap_stack_top
        la s1, shared
        lw t0, SP_CAUSE(s1)
        li t1, 0x80000007
        bne t0, t1, unexpected
        la t0, ticks
        lw s0, 0(t0)
        addi s0, s0, 1
        sw s0, 0(t0)
        li t1, 1
        bne s0, t1, 2f
        call show_status
2:      la a0, msg_tick
        call puts
        mv a0, s0
        call putdec
        li a0, '\\n'
        call putc
        li t1, NTICKS
        bge s0, t1, 3f
        call arm_timer
        j 4f
3:      call disarm_timer
4:      la a0, frame                    # RESUME(frame, kernel mode, interrupts on)
        li a1, 1
        li a2, 1
        li a6, TD_RESUME
        li a7, EID_TRAPDOOR
        ecall

# show_status: IE is off in the handler; STATUS says what it was and the mode we left.
show_status:
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
        andi a0, a0, 3
        call putdec
        li a0, '\\n'
        call putc
        lw ra, 12(sp)
        addi sp, sp, 16
        ret

unexpected:
        la a0, msg_trap
        call puts
        lw a0, SP_CAUSE(s1)
        call puthex
        li a0, '\\n'
        call putc
        li a0, 1
        call poweroff

${PV_CONSOLE_HELPERS}        .section .rodata
msg_start: .asciz "timer-wfi: sleeping until 5 timer ticks\\n"
msg_tick:  .asciz "tick "
msg_mie:   .asciz "in handler: MIE="
msg_mpie:  .asciz " MPIE="
msg_mpp:   .asciz " MPP="
msg_done:  .asciz "done: 5 ticks, woke from wfi each time\\n"
msg_trap:  .asciz "unexpected trap, mcause="
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
`;
