# Lesson 8: the hostile guest. It shares the host's one CPU with the victim.
    .equ POWER_OFF,   0x00100000
    .equ VICTIM,      0x80001000      # where the victim keeps its secret
    .equ MSTATUS_MIE, 0x8             # mstatus bit 3: interrupts on

    .text
    .globl _start
_start:
    # Attack 1: overwrite the victim's secret with 0xDEAD.
    # TODO

    # Attack 2: turn interrupts off and keep the CPU forever.
    # TODO (for now, the guest switches itself off)

    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang
