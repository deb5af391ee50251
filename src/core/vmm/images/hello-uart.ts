// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/bare/hello-uart/build.sh builds its GNU reference ELF from here.

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

# ---- console and power-off helpers (M-mode; clobber t0-t2, a0) ----
# putc: a0 = byte. Polls the 16550 line status register until the transmitter is empty.
putc:
        li t0, UART_BASE
1:      lbu t1, UART_LSR(t0)
        andi t1, t1, LSR_THRE
        beqz t1, 1b
        sb a0, 0(t0)
        ret

# puts: a0 = NUL-terminated string.
puts:
        addi sp, sp, -16
        sw ra, 12(sp)
        sw s0, 8(sp)
        mv s0, a0
1:      lbu a0, 0(s0)
        beqz a0, 2f
        call putc
        addi s0, s0, 1
        j 1b
2:      lw ra, 12(sp)
        lw s0, 8(sp)
        addi sp, sp, 16
        ret

# puthex: a0 = value, printed as 0x and eight hex digits.
puthex:
        addi sp, sp, -16
        sw ra, 12(sp)
        sw s0, 8(sp)
        sw s1, 4(sp)
        mv s0, a0
        li a0, '0'
        call putc
        li a0, 'x'
        call putc
        li s1, 28
1:      srl a0, s0, s1
        andi a0, a0, 15
        li t0, 10
        blt a0, t0, 2f
        addi a0, a0, 'a' - 10
        j 3f
2:      addi a0, a0, '0'
3:      call putc
        addi s1, s1, -4
        bgez s1, 1b
        lw ra, 12(sp)
        lw s0, 8(sp)
        lw s1, 4(sp)
        addi sp, sp, 16
        ret

# putdec: a0 = unsigned value, printed in decimal.
putdec:
        addi sp, sp, -32
        sw ra, 28(sp)
        sw s0, 24(sp)
        sw s1, 20(sp)
        mv s0, a0
        addi s1, sp, 16
        sb zero, 0(s1)
1:      li t0, 10
        remu t1, s0, t0
        divu s0, s0, t0
        addi t1, t1, '0'
        addi s1, s1, -1
        sb t1, 0(s1)
        bnez s0, 1b
        mv a0, s1
        call puts
        lw ra, 28(sp)
        lw s0, 24(sp)
        lw s1, 20(sp)
        addi sp, sp, 32
        ret

# poweroff: a0 = exit code. The sifive_test device ends the machine: 0x5555 means
# pass (status 0); (code << 16) | 0x3333 means fail with that status.
poweroff:
        li t0, TEST_DEV
        bnez a0, 1f
        li t1, 0x5555
        sw t1, 0(t0)
        j 2f
1:      slli t1, a0, 16
        li t2, 0x3333
        or t1, t1, t2
        sw t1, 0(t0)
2:      j 2b

        .section .rodata
msg_hello: .asciz "Hello from bare metal!\\n"
msg_hex:   .asciz "hex: "
msg_dec:   .asciz ", dec: "
msg_trap:  .asciz "unexpected trap, mcause="
        .bss
        .align 4
        .space 1024
stack_top:
`;
