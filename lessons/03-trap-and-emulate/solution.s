# Lesson 3: the kernel from lesson 2, unmodified, under a trap-and-emulate hypervisor.
# Machine mode (M) sets up a trap handler, then drops to user mode (U) with mret.
# User code asks M-mode for help with ecall, and pays for trying a privileged
# instruction with an illegal-instruction trap.

    .equ UART,        0x10000000
    .equ POWER_OFF,   0x00100000
    .equ MSTATUS_MPP, 0x1800          # mstatus bits 12:11: the mode mret returns to

    .text
    .globl _start
_start:
    li   t0, -1                       # PMP entry 0 covers all memory with RWX,
    csrw pmpaddr0, t0                 # otherwise U-mode may touch nothing
    li   t0, 0x0f                     # (priv. spec 3.7: PMP)
    csrw pmpcfg0, t0
    la   t0, trap_handler
    csrw mtvec, t0                    # every trap now jumps to trap_handler (3.1.7)
    li   t0, MSTATUS_MPP
    csrc mstatus, t0                  # MPP = 0: mret will enter U-mode (3.1.6.1)
    la   t0, user_main
    csrw mepc, t0                     # ...at user_main
    mret

# ---------------- user mode: no devices, no CSRs ----------------
user_main:
    la   s0, message
next_char:
    lbu  a0, 0(s0)
    beqz a0, all_printed
    li   a7, 1                        # service 1: print the character in a0
    ecall                             # trap to M-mode (cause 8), come back after it
    addi s0, s0, 1
    j    next_char
all_printed:
    csrr t0, mstatus                  # privileged: U-mode may not read mstatus
    j    all_printed                  # never gets here if M-mode handles the trap

# ---------------- machine mode: the trap handler ----------------
trap_handler:
    csrr t0, mcause                   # why did we trap? (3.1.15 mcause)
    li   t1, 8                        # 8: environment call from U-mode
    beq  t0, t1, handle_ecall
    slli t0, t0, 16                   # any other trap: exit status = mcause
    li   t1, 0x3333
    or   t0, t0, t1
    li   t1, POWER_OFF
    sw   t0, 0(t1)
handle_ecall:
    li   t1, UART
    sb   a0, 0(t1)                    # M-mode may use the device on the user's behalf
    csrr t0, mepc                     # mepc points at the ecall itself...
    addi t0, t0, 4
    csrw mepc, t0                     # ...so resume at the next instruction
    mret

    .section .rodata
message:
    .asciz "Hello from user mode!\n"
