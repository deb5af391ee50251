// The console and power-off routines every shipped guest kernel ends with, kept once and
// spliced into each kernel's source text (our assembler has no .include). A learner who
// opens a kernel still reads one whole program.

/** For kernels on bare hardware (and unmodified under full virtualization): the UART and sifive_test. */
export const BARE_CONSOLE_HELPERS = `# ---- console and power-off helpers (M-mode; clobber t0-t2, a0) ----
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

`;

/** For paravirtualized kernels: the same routines as SBI hypercalls. */
export const PV_CONSOLE_HELPERS = `# ---- console and power-off through hypercalls (kernel mode; clobber t0-t2, a0-a2, a6, a7) ----
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

`;
