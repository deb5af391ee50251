# Pages and page tables: a small supervisor-mode kernel on Sv32.
#
# M-mode (firmware, done for you) builds a page table, delegates page faults to S-mode
# and drops into the kernel at s_main. The kernel turns paging on, reads a string through
# a virtual address, and stores to a page nobody mapped yet: its page-fault handler maps
# one on demand and the store is retried.
        .equ UART,      0x10000000
        .equ TEST_DEV,  0x00100000
        .equ PTE_V, 0x01
        .equ PTE_R, 0x02
        .equ PTE_W, 0x04
        .equ PTE_X, 0x08
        .equ PTE_A, 0x40
        .equ PTE_D, 0x80
        .equ VBASE,     0x40000000          # the kernel's virtual window: VPN[1] = 256

        .text
        .globl _start
_start:                                     # ---- M-mode firmware ----
        la sp, stack_top
        la t0, m_trap
        csrw mtvec, t0
        la s0, root
        # root[512]: a 4 MiB megapage mapping 0x80000000 to itself (code, data, tables)
        li t0, (0x80000000 >> 2) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
        li t1, 512 * 4
        add t1, s0, t1
        sw t0, 0(t1)
        # root[64]: a megapage for the UART at 0x10000000; root[0]: the power-off device
        li t0, (UART >> 2) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        sw t0, 64 * 4(s0)
        li t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        sw t0, 0(s0)
        # root[256] points to the second-level table l2 (no R, W or X: a pointer)
        la t0, l2
        srli t0, t0, 2
        ori t0, t0, PTE_V
        li t1, 256 * 4
        add t1, s0, t1
        sw t0, 0(t1)
        # l2[0]: VBASE -> the physical page holding the greeting, read-only
        la t0, greeting
        srli t0, t0, 2
        ori t0, t0, PTE_V | PTE_R | PTE_A
        la t1, l2
        sw t0, 0(t1)
        # page faults (instruction 12, load 13, store 15) go straight to S-mode
        li t0, (1 << 12) | (1 << 13) | (1 << 15)
        csrw medeleg, t0
        la t0, s_trap
        csrw stvec, t0
        li t0, 0x1800
        csrc mstatus, t0
        li t0, 0x0800                       # MPP = S
        csrs mstatus, t0
        la t0, s_main
        csrw mepc, t0
        mret

s_main:                                     # ---- the S-mode kernel ----
        # Turn on paging: satp = MODE (bit 31 = Sv32) | the root table's physical page
        # number (its address >> 12); sfence.vma forgets any stale translation.
        la t0, root
        srli t0, t0, 12
        li t1, 0x80000000
        or t0, t0, t1
        csrw satp, t0
        sfence.vma zero, zero

        li a0, VBASE                        # a virtual address: only the page table knows it
        call puts
        li s1, VBASE + 0x5000               # nothing is mapped here yet
        li t1, 42
        sw t1, 0(s1)                        # a store page fault the first time
        lw a0, 0(s1)
        la a1, msg_value
        call show
        li t0, TEST_DEV
        li t1, 0x5555                       # power off, status 0
        sw t1, 0(t0)
1:      j 1b

s_trap:                                     # ---- S-mode trap handler (stvec) ----
        addi sp, sp, -32                    # the interrupted code's registers are sacred
        sw ra, 0(sp)
        sw t0, 4(sp)
        sw t1, 8(sp)
        sw t2, 12(sp)
        sw a0, 16(sp)
        sw a1, 20(sp)
        csrr a0, scause
        la a1, msg_scause
        call show
        csrr a0, stval
        la a1, msg_stval
        call show
        la t0, faults
        lw t1, 0(t0)
        addi t1, t1, 1
        sw t1, 0(t0)
        li t2, 3
        bgt t1, t2, give_up                 # the same fault again and again: stop
        # Map the faulting page: l2[VPN[0] of stval] = spare, V R W A D; then flush
        # that address's translation and sret, so the store runs again.
        csrr t0, stval
        srli t1, t0, 12
        andi t1, t1, 0x3ff
        slli t1, t1, 2
        la t2, l2
        add t1, t1, t2
        la t2, spare
        srli t2, t2, 2
        ori t2, t2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
        sw t2, 0(t1)
        sfence.vma t0, zero
        lw ra, 0(sp)
        lw t0, 4(sp)
        lw t1, 8(sp)
        lw t2, 12(sp)
        lw a0, 16(sp)
        lw a1, 20(sp)
        addi sp, sp, 32
        sret
give_up:
        li t0, TEST_DEV
        li t1, (15 << 16) | 0x3333          # power off, status 15 (the store page fault's cause)
        sw t1, 0(t0)
1:      j 1b

m_trap:                                     # ---- anything not delegated ends the run ----
        la a1, msg_mtrap
        csrr a0, mcause
        call show
        csrr t0, mcause
        slli t0, t0, 16
        li t1, 0x3333
        or t0, t0, t1
        li t1, TEST_DEV
        sw t0, 0(t1)
1:      j 1b

# show(a0 = value, a1 = label): prints "label 0xXXXXXXXX\n"
show:
        addi sp, sp, -16
        sw ra, 12(sp)
        sw a0, 8(sp)
        mv a0, a1
        call puts
        lw a0, 8(sp)
        call puthex
        li a0, '\n'
        call putc
        lw ra, 12(sp)
        addi sp, sp, 16
        ret

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
        addi a0, a0, 'a' - 10 - '0'
2:      addi a0, a0, '0'
        call putc
        addi s1, s1, -4
        bgez s1, 1b
        lw s1, 4(sp)
        lw s0, 8(sp)
        lw ra, 12(sp)
        addi sp, sp, 16
        ret

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
2:      lw s0, 8(sp)
        lw ra, 12(sp)
        addi sp, sp, 16
        ret

putc:
        li t0, UART
1:      lbu t1, 5(t0)
        andi t1, t1, 0x20
        beqz t1, 1b
        sb a0, 0(t0)
        ret

        .section .rodata
msg_value:  .asciz "value read back "
msg_scause: .asciz "page fault: scause "
msg_stval:  .asciz "            stval "
msg_mtrap:  .asciz "M-mode trap, mcause "

        .data
faults: .word 0
        .balign 4096
root:     .space 4096                       # first-level table: 1024 entries
l2:       .space 4096                       # second-level table for VBASE's 4 MiB
greeting: .asciz "hello through a page table\n"
        .balign 4096
spare:    .space 4096                       # a free physical page for the fault handler
        .space 1024
stack_top:
