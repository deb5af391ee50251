// A guest kernel shipped as lesson material: its assembly source, assembled when a VM boots
// it. The one copy: tests/fixtures/pv/hello-uart/build.sh builds its GNU reference ELF from here.

export const source = `# hello-uart, paravirtualized: the bare kernel's UART polling loop becomes one debug
# console hypercall per string, and the power-off device an SRST hypercall. The trap
# vector is still set with csrw mtvec: a PV kernel may keep privileged instructions
# where they are rare (each is one exit).
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

# ---- console and power-off through hypercalls (kernel mode; clobber t0-t2, a0-a2, a6, a7) ----
# write: a0 = buffer, a1 = length. One hypercall for the whole buffer (DBCN console_write).
write:
        mv t0, a0
        mv a0, a1
        mv a1, t0
        li a2, 0
        li a6, 0
        li a7, EID_DBCN
        ecall
        ret

# puts: a0 = NUL-terminated string.
puts:
        mv t1, a0
1:      lbu t0, 0(t1)
        beqz t0, 2f
        addi t1, t1, 1
        j 1b
2:      sub a1, t1, a0
        j write

# putc: a0 = byte (DBCN console_write_byte).
putc:
        li a6, 2
        li a7, EID_DBCN
        ecall
        ret

# puthex: a0 = value, printed as 0x and eight hex digits (formatted, then one write).
puthex:
        addi sp, sp, -32
        sw ra, 28(sp)
        li t0, '0'
        sb t0, 0(sp)
        li t0, 'x'
        sb t0, 1(sp)
        addi t2, sp, 2
        li t1, 28
1:      srl t0, a0, t1
        andi t0, t0, 15
        addi t0, t0, '0'
        li a1, '9'
        ble t0, a1, 2f
        addi t0, t0, 'a' - '9' - 1
2:      sb t0, 0(t2)
        addi t2, t2, 1
        addi t1, t1, -4
        bgez t1, 1b
        mv a0, sp
        li a1, 10
        call write
        lw ra, 28(sp)
        addi sp, sp, 32
        ret

# putdec: a0 = unsigned value, in decimal.
putdec:
        addi sp, sp, -32
        sw ra, 28(sp)
        addi t2, sp, 16
1:      li t0, 10
        remu t1, a0, t0
        divu a0, a0, t0
        addi t1, t1, '0'
        addi t2, t2, -1
        sb t1, 0(t2)
        bnez a0, 1b
        mv a0, t2
        addi a1, sp, 16
        sub a1, a1, t2
        call write
        lw ra, 28(sp)
        addi sp, sp, 32
        ret

# poweroff: a0 = exit status. SRST shutdown: reason 0 = no reason (status 0), or
# Trapdoor's implementation-specific reason 0xF0000000 + status.
poweroff:
        mv a1, a0
        beqz a1, 1f
        li t0, 0xF0000000
        or a1, a1, t0
1:      li a0, 0
        li a6, 0
        li a7, EID_SRST
        ecall
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
