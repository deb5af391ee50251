// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/bare/hello-uart/build.sh builds its GNU reference ELF from here.

import { BARE_CONSOLE_HELPERS } from './console-helpers.ts';

export const source = `# hello-uart: the smallest guest kernel. Sets a trap vector, prints through the UART
# (polling its line status register), and powers the machine off with status 0.
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
        la t0, trap_vector
        csrw mtvec, t0
        la a0, msg_hello
        call puts
        la a0, msg_hex
        call puts
        li a0, 0xC0FFEE42
        call puthex
        la a0, msg_dec
        call puts
        li a0, 1234567
        call putdec
        li a0, '\\n'
        call putc
        li a0, 0
        call poweroff

# Any trap here is a bug: report it and fail.
        .align 4
trap_vector:
        la sp, stack_top
        la a0, msg_trap
        call puts
        csrr a0, mcause
        call puthex
        li a0, '\\n'
        call putc
        li a0, 1
        call poweroff

${BARE_CONSOLE_HELPERS}        .section .rodata
msg_hello: .asciz "Hello from bare metal!\\n"
msg_hex:   .asciz "hex: "
msg_dec:   .asciz ", dec: "
msg_trap:  .asciz "unexpected trap, mcause="
        .bss
        .align 4
        .space 1024
stack_top:
`;
