# Lesson 5: can a guest kernel find out that it is virtualized?
    .equ UART,      0x10000000
    .equ POWER_OFF, 0x00100000

    .text
    .globl _start
_start:
    la   t0, trap_handler             # if a probe traps, we were not in machine mode
    csrw mtvec, t0

    # Probe 1: which mode am I in? Read a machine-mode-only CSR (mscratch): in machine
    # mode it just works; in user mode it traps to trap_handler.
    # TODO: the probe, then print machine_msg (la a0, machine_msg; call puts)
    la   a0, unknown_msg
    call puts

    # Probe 2: does the clock give me away? Count the cycles one privileged
    # instruction takes (rdcycle before and after it), then print virt_msg if it took
    # more than 100 cycles, bare_msg otherwise.
    # TODO

    li   a0, 0
    j    power_off

trap_handler:                         # only reached if a probe trapped
    la   a0, user_msg
    call puts
    li   a0, 1
power_off:
    slli a0, a0, 16
    li   t0, 0x5555
    beqz a0, 1f
    li   t0, 0x3333
    or   t0, t0, a0
1:  li   t1, POWER_OFF
    sw   t0, 0(t1)
hang:
    j    hang

puts:                                 # print the string at a0
    li   t0, UART
1:  lbu  t1, 0(a0)
    beqz t1, 2f
    sb   t1, 0(t0)
    addi a0, a0, 1
    j    1b
2:  ret

    .section .rodata
unknown_msg: .asciz "I do not know which mode I am in\n"
machine_msg: .asciz "I run in machine mode\n"
user_msg:    .asciz "I run in user mode\n"
virt_msg:    .asciz "the clock says: virtualized\n"
bare_msg:    .asciz "the clock says: bare hardware\n"
