# sv32-tasks: a small paging kernel, the memory-virtualization workload. M-mode firmware
# delegates page faults and U-mode ecalls to S-mode and enters the S-mode kernel, which
# runs two U-mode tasks, each in its own address space (its own Sv32 root table; the kernel
# is mapped in both with supervisor-only megapages). Each task's stack page is mapped on its
# first fault; its first heap fault maps the whole heap (HEAP pages) at once, as exec maps a
# segment. The tasks take turns (the yield system call switches satp), and each task is
# "re-executed" once after it exits: its heap is unmapped and mapped again.
# The memory-management operations are the routines at the end (map_pages, unmap_pages,
# switch_space, map_one): the paravirtual port (tests/fixtures/pv/sv32-tasks) replaces
# only them with hypercalls.
        .equ UART,        0x10000000
        .equ TEST_DEV,    0x00100000
        .equ PTE_V, 0x01
        .equ PTE_R, 0x02
        .equ PTE_W, 0x04
        .equ PTE_X, 0x08
        .equ PTE_U, 0x10
        .equ PTE_A, 0x40
        .equ PTE_D, 0x80
        .equ KMEGA, 0x20000000 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D   # 0x80000000
        .equ IOMEGA, 0x04000000 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D          # 0x10000000
        .equ TESTMEGA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D                     # 0x00000000
        .equ USER_CODE, 0x00400000          # root[1]: the task's level-0 table
        .equ HEAP_BASE, 0x00410000          # level-0 entries 16 ..
        .equ HEAP_INDEX, 16
        .equ HEAP, 32                       # heap pages
        .equ STACK_PAGE, 0x004ff000         # level-0 entry 255
        .equ STACK_TOP, 0x00500000
        .equ ROUNDS, 3
        .equ LIVES, 2
        .equ TCB_SEPC, 32 * 4
        .equ TCB_ID, 33 * 4
        .equ TCB_LIVES, 34 * 4
        .equ TCB_ROOT, 35 * 4
        .equ TCB_L0, 36 * 4
        .equ TCB_SIZE, 40 * 4
        .text
        .globl _start
_start:
        la sp, kstack_top
        la t0, m_trap
        csrw mtvec, t0
        li t0, -1                           # PMP entry 0: all memory, RWX
        csrw pmpaddr0, t0
        li t0, 0x1f
        csrw pmpcfg0, t0
        li t0, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
        csrw medeleg, t0                    # U ecalls and page faults go to S-mode
        li t0, 0x1800
        csrc mstatus, t0
        li t0, 0x0800                       # MPP = S
        csrs mstatus, t0
        la t0, kmain
        csrw mepc, t0
        mret

m_trap:
        la a0, msg_mtrap
        call puts
        li t0, TEST_DEV
        li t1, (1 << 16) | 0x3333
        sw t1, 0(t0)
1:      j 1b

# ---- the S-mode kernel ----
kmain:
        la t0, s_trap
        csrw stvec, t0
        la s0, tcb0
        la s1, root0
        la s2, l0_0
        li s3, 0
        call make_task
        la s0, tcb1
        la s1, root1
        la s2, l0_1
        li s3, 1
        call make_task
        la a0, msg_boot
        call puts
        la t0, tcb0
        csrw sscratch, t0
        lw a0, TCB_ROOT(t0)
        call switch_space                   # paging on
        j return_to_user

# make_task(s0 = tcb, s1 = root, s2 = level-0 table, s3 = id): the address space and context
make_task:
        li t0, KMEGA
        li t1, 512 * 4
        add t1, s1, t1
        sw t0, 0(t1)
        li t0, IOMEGA
        sw t0, 64 * 4(s1)
        li t0, TESTMEGA
        sw t0, 0(s1)                        # the power-off device
        srli t0, s2, 2
        ori t0, t0, PTE_V
        sw t0, 4(s1)                        # root[1] -> level-0 table
        la t0, user_code
        srli t0, t0, 2
        ori t0, t0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
        sw t0, 0(s2)                        # the code page
        sw s3, TCB_ID(s0)
        li t0, LIVES
        sw t0, TCB_LIVES(s0)
        srli t0, s1, 12
        li t1, 0x80000000
        or t0, t0, t1
        sw t0, TCB_ROOT(s0)
        sw s2, TCB_L0(s0)
        j reset_context

# reset_context(s0 = tcb): start the task's program from the top
reset_context:
        li t0, USER_CODE
        sw t0, TCB_SEPC(s0)
        li t0, STACK_TOP
        sw t0, 2 * 4(s0)                    # sp
        lw t0, TCB_ID(s0)
        sw t0, 10 * 4(s0)                   # a0 = task id
        ret

return_to_user:
        csrr t6, sscratch
        lw t0, TCB_SEPC(t6)
        csrw sepc, t0
        li t0, 0x100
        csrc sstatus, t0                    # SPP = U
        lw x1, 1 * 4(t6)
        lw x2, 2 * 4(t6)
        lw x3, 3 * 4(t6)
        lw x4, 4 * 4(t6)
        lw x5, 5 * 4(t6)
        lw x6, 6 * 4(t6)
        lw x7, 7 * 4(t6)
        lw x8, 8 * 4(t6)
        lw x9, 9 * 4(t6)
        lw x10, 10 * 4(t6)
        lw x11, 11 * 4(t6)
        lw x12, 12 * 4(t6)
        lw x13, 13 * 4(t6)
        lw x14, 14 * 4(t6)
        lw x15, 15 * 4(t6)
        lw x16, 16 * 4(t6)
        lw x17, 17 * 4(t6)
        lw x18, 18 * 4(t6)
        lw x19, 19 * 4(t6)
        lw x20, 20 * 4(t6)
        lw x21, 21 * 4(t6)
        lw x22, 22 * 4(t6)
        lw x23, 23 * 4(t6)
        lw x24, 24 * 4(t6)
        lw x25, 25 * 4(t6)
        lw x26, 26 * 4(t6)
        lw x27, 27 * 4(t6)
        lw x28, 28 * 4(t6)
        lw x29, 29 * 4(t6)
        lw x30, 30 * 4(t6)
        lw x31, 31 * 4(t6)
        sret

s_trap:
        csrrw t6, sscratch, t6              # t6 = the current task's context
        sw x1, 1 * 4(t6)
        sw x2, 2 * 4(t6)
        sw x3, 3 * 4(t6)
        sw x4, 4 * 4(t6)
        sw x5, 5 * 4(t6)
        sw x6, 6 * 4(t6)
        sw x7, 7 * 4(t6)
        sw x8, 8 * 4(t6)
        sw x9, 9 * 4(t6)
        sw x10, 10 * 4(t6)
        sw x11, 11 * 4(t6)
        sw x12, 12 * 4(t6)
        sw x13, 13 * 4(t6)
        sw x14, 14 * 4(t6)
        sw x15, 15 * 4(t6)
        sw x16, 16 * 4(t6)
        sw x17, 17 * 4(t6)
        sw x18, 18 * 4(t6)
        sw x19, 19 * 4(t6)
        sw x20, 20 * 4(t6)
        sw x21, 21 * 4(t6)
        sw x22, 22 * 4(t6)
        sw x23, 23 * 4(t6)
        sw x24, 24 * 4(t6)
        sw x25, 25 * 4(t6)
        sw x26, 26 * 4(t6)
        sw x27, 27 * 4(t6)
        sw x28, 28 * 4(t6)
        sw x29, 29 * 4(t6)
        sw x30, 30 * 4(t6)
        csrr t0, sscratch
        sw t0, 31 * 4(t6)
        csrw sscratch, t6
        csrr t0, sepc
        sw t0, TCB_SEPC(t6)
        la sp, kstack_top
        mv s0, t6                           # s0 = current context
        csrr t0, scause
        li t1, 8
        beq t0, t1, syscall
        li t1, 13
        beq t0, t1, page_fault
        li t1, 15
        beq t0, t1, page_fault
        la a0, msg_unexpected
        call puts
        j power_fail

syscall:
        lw t0, TCB_SEPC(s0)
        addi t0, t0, 4
        sw t0, TCB_SEPC(s0)
        lw t0, 17 * 4(s0)                   # a7
        li t1, 1
        beq t0, t1, sys_putc
        li t1, 2
        beq t0, t1, schedule
        li t1, 3
        beq t0, t1, task_exit
        la a0, msg_badcall
        call puts
        j power_fail

sys_putc:
        lw a0, 10 * 4(s0)
        call putc
        j return_to_user

page_fault:
        csrr s1, stval
        li t0, STACK_PAGE
        srli t1, s1, 12
        srli t2, t0, 12
        beq t1, t2, stack_fault
        li t0, HEAP_BASE
        bltu s1, t0, segfault
        li t0, HEAP_BASE + HEAP * 4096
        bgeu s1, t0, segfault
        call print_task
        la a0, msg_heap
        call puts
        lw a0, TCB_L0(s0)
        li a1, HEAP_INDEX
        li a2, HEAP
        call map_pages
        j return_to_user

stack_fault:
        call print_task
        la a0, msg_stack
        call puts
        call alloc_page
        srli t0, a0, 2
        ori a1, t0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
        lw a0, TCB_L0(s0)
        addi a0, a0, 255 * 4
        li a2, STACK_PAGE
        call map_one
        j return_to_user

segfault:
        call print_task
        la a0, msg_segv
        call puts
        j power_fail

# schedule: run the other task if it is alive, else keep this one
schedule:
        la t0, tcb0
        la t1, tcb1
        bne s0, t0, 1f
        mv t0, t1
1:      lw t1, TCB_LIVES(t0)
        beqz t1, return_to_user
        csrw sscratch, t0
        lw a0, TCB_ROOT(t0)
        call switch_space
        j return_to_user

task_exit:
        call print_task
        la a0, msg_exit
        call puts
        lw a0, TCB_L0(s0)
        li a1, HEAP_INDEX
        li a2, HEAP
        call unmap_pages
        lw t0, TCB_LIVES(s0)
        addi t0, t0, -1
        sw t0, TCB_LIVES(s0)
        beqz t0, 1f
        call print_task
        la a0, msg_exec
        call puts
        call reset_context
        j schedule
1:      la t0, tcb0
        lw t1, TCB_LIVES(t0)
        la t0, tcb1
        lw t2, TCB_LIVES(t0)
        or t1, t1, t2
        bnez t1, schedule_other
        la a0, msg_done
        call puts
        li t0, TEST_DEV
        li t1, 0x5555
        sw t1, 0(t0)
2:      j 2b

# the other task is alive: switch to it (this one is dead)
schedule_other:
        j schedule

power_fail:
        li t0, TEST_DEV
        li t1, (1 << 16) | 0x3333
        sw t1, 0(t0)
1:      j 1b

# alloc_page() -> a0: a zeroed physical page from the pool
alloc_page:
        la t0, next_page
        lw a0, 0(t0)
        li t1, 4096
        add t1, a0, t1
        sw t1, 0(t0)
        mv t1, a0
        li t2, 1024
1:      sw zero, 0(t1)
        addi t1, t1, 4
        addi t2, t2, -1
        bnez t2, 1b
        ret

print_task:
        addi sp, sp, -16
        sw ra, 0(sp)
        la a0, msg_task
        call puts
        lw a0, TCB_ID(s0)
        addi a0, a0, '0'
        call putc
        lw ra, 0(sp)
        addi sp, sp, 16
        ret

puts:
        addi sp, sp, -16
        sw ra, 0(sp)
        sw s0, 4(sp)
        mv s0, a0
1:      lbu a0, 0(s0)
        beqz a0, 2f
        call putc
        addi s0, s0, 1
        j 1b
2:      lw ra, 0(sp)
        lw s0, 4(sp)
        addi sp, sp, 16
        ret

putc:
        li t0, UART
1:      lbu t1, 5(t0)
        andi t1, t1, 0x20
        beqz t1, 1b
        sb a0, 0(t0)
        ret

# ---- the tasks' program (U-mode, mapped at USER_CODE) ----
        .align 12
user_code:
        mv s0, a0                           # task id
        li s1, 0                            # round
u_round:
        addi sp, sp, -16
        sw s1, 0(sp)
        li t0, HEAP_BASE
        li t1, HEAP
        li t2, 4096
1:      sw s1, 0(t0)
        add t0, t0, t2
        addi t1, t1, -1
        bnez t1, 1b
        li t0, HEAP_BASE
        li t1, HEAP
        li s2, 0
2:      lw t3, 0(t0)
        add s2, s2, t3
        add t0, t0, t2
        addi t1, t1, -1
        bnez t1, 2b
        addi a0, s0, 'A'
        li a7, 1
        ecall
        lw s1, 0(sp)
        addi a0, s1, '0'
        ecall
        li t0, HEAP
        mul t0, t0, s1
        li a0, ' '
        ecall
        li a0, 'o'
        beq t0, s2, 3f
        li a0, 'X'
3:      ecall
        li a0, 'k'
        ecall
        li a0, '\n'
        ecall
        addi sp, sp, 16
        li a7, 2                            # yield
        ecall
        addi s1, s1, 1
        li t0, ROUNDS
        blt s1, t0, u_round
        li a7, 3                            # exit
        ecall
        .align 12

# ---- memory management: what the paravirtual port replaces ----

# map_pages(a0 = level-0 table, a1 = first index, a2 = count): fresh zeroed pages, user RW
map_pages:
        addi sp, sp, -16
        sw ra, 0(sp)
        sw s1, 4(sp)
        sw s2, 8(sp)
        slli t0, a1, 2
        add s1, a0, t0                      # s1 = first PTE
        mv s2, a2
1:      call alloc_page
        srli t0, a0, 2
        ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
        sw t0, 0(s1)
        addi s1, s1, 4
        addi s2, s2, -1
        bnez s2, 1b
        sfence.vma zero, zero
        lw ra, 0(sp)
        lw s1, 4(sp)
        lw s2, 8(sp)
        addi sp, sp, 16
        ret

# unmap_pages(a0 = level-0 table, a1 = first index, a2 = count)
unmap_pages:
        slli t0, a1, 2
        add t0, a0, t0
1:      sw zero, 0(t0)
        addi t0, t0, 4
        addi a2, a2, -1
        bnez a2, 1b
        sfence.vma zero, zero
        ret

# switch_space(a0 = satp): enter an address space
switch_space:
        csrw satp, a0
        sfence.vma zero, zero
        ret

# map_one(a0 = PTE address, a1 = PTE, a2 = virtual address)
map_one:
        sw a1, 0(a0)
        sfence.vma a2, zero
        ret

        .data
msg_boot:       .asciz "kernel: two tasks, two address spaces\n"
msg_mtrap:      .asciz "unexpected trap to M-mode\n"
msg_unexpected: .asciz "unexpected trap\n"
msg_badcall:    .asciz "bad system call\n"
msg_task:       .asciz "task "
msg_heap:       .asciz ": heap fault, mapping the heap\n"
msg_stack:      .asciz ": stack fault, mapping a page\n"
msg_segv:       .asciz ": segmentation fault\n"
msg_exit:       .asciz " exits\n"
msg_exec:       .asciz " exec\n"
msg_done:       .asciz "all done\n"
        .align 2
next_page:      .word pool
tcb0:           .space TCB_SIZE
tcb1:           .space TCB_SIZE
        .align 4
                .space 4096
kstack_top:
        .align 12
root0:          .space 4096
root1:          .space 4096
l0_0:           .space 4096
l0_1:           .space 4096
pool:
