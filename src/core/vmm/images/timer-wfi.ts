// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/bare/timer-wfi/build.sh builds its GNU reference ELF from here.

import { BARE_CONSOLE_HELPERS } from './console-helpers.ts';

export const source = `# timer-wfi: timer interrupts through the CLINT. The kernel arms mtimecmp, enables the
# machine timer interrupt and sleeps in wfi; the handler counts five ticks, printing
# each one, then disarms the timer. Output does not depend on how fast time runs:
# every tick is printed exactly once, by the handler.
        .equ INTERVAL, 20000            # mtime units between ticks (2 ms on QEMU)
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

# arm_timer: mtimecmp <- mtime + INTERVAL. Reads the 64-bit mtime with the hi/lo/hi
# loop and writes mtimecmp low word last after parking it high (RISC-V privileged
# spec 3.2.1), so no spurious interrupt fires in between.
arm_timer:
        li t0, CLINT_MTIME
1:      lw t2, 4(t0)
        lw t1, 0(t0)
        lw a0, 4(t0)
        bne a0, t2, 1b
        li a0, INTERVAL
        add a0, t1, a0
        sltu t1, a0, t1
        add t2, t2, t1
        li t0, CLINT_MTIMECMP
        li t1, -1
        sw t1, 0(t0)
        sw t2, 4(t0)
        sw a0, 0(t0)
        ret

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
        la t0, ticks
        lw s0, 0(t0)
        addi s0, s0, 1
        sw s0, 0(t0)
        li t1, 1
        bne s0, t1, 2f
        call show_mstatus               # once: what the trap did to mstatus
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
        csrr a0, mcause
        call puthex
        li a0, '\\n'
        call putc
        li a0, 1
        call poweroff

${BARE_CONSOLE_HELPERS}        .section .rodata
msg_start: .asciz "timer-wfi: sleeping until 5 timer ticks\\n"
msg_tick:  .asciz "tick "
msg_mie:   .asciz "in handler: MIE="
msg_mpie:  .asciz " MPIE="
msg_mpp:   .asciz " MPP="
msg_done:  .asciz "done: 5 ticks, woke from wfi each time\\n"
msg_trap:  .asciz "unexpected trap, mcause="
        .data
        .align 4
ticks:  .word 0
        .bss
        .align 4
        .space 1024
stack_top:
        .space 1024
trap_stack_top:
`;
