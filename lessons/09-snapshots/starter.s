# Lesson 9: a guest kernel that clears a 256 KiB table at boot, then prints five ticks
# with some work between them.
    .equ UART,       0x10000000
    .equ POWER_OFF,  0x00100000
    .equ TABLE_SIZE, 262144           # 256 KiB

    .text
    .globl _start
_start:
    # The original author clears the table before using it.
    la   t0, table
    li   t1, TABLE_SIZE
    add  t1, t0, t1
clear:
    sw   zero, 0(t0)
    addi t0, t0, 4
    bltu t0, t1, clear

    li   s0, '1'                      # the tick number, as a digit
tick:
    li   t0, 0                        # some work: 50,000 rounds
    li   t1, 50000
1:  addi t0, t0, 1
    blt  t0, t1, 1b
    la   a0, word                     # print "tick N\n"
    call puts
    li   t0, UART
    sb   s0, 0(t0)
    li   t1, '\n'
    sb   t1, 0(t0)
    addi s0, s0, 1
    li   t0, '6'
    blt  s0, t0, tick

    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
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
word:
    .asciz "tick "

    .bss
    .balign 4096
table:
    .space TABLE_SIZE
