# Linux entry: the kernel has set up the stack and zeroed .bss.
    .section .text.start, "ax"
    .globl _start
_start:
    call main
    call platform_exit
1:  j 1b
