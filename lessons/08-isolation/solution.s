# Lesson 8: the hostile guest. It shares the host's one CPU with the victim.
    .equ POWER_OFF,   0x00100000
    .equ VICTIM,      0x80001000      # where the victim keeps its secret
    .equ MSTATUS_MIE, 0x8             # mstatus bit 3: interrupts on

    .text
    .globl _start
_start:
    # Attack 1: overwrite the victim's secret with 0xDEAD.
    li   t0, VICTIM
    li   t1, 0xDEAD
    sw   t1, 0(t0)

    # Attack 2: turn interrupts off and keep the CPU forever.
    csrci mstatus, MSTATUS_MIE
forever:
    j    forever
