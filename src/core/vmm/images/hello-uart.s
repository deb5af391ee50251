# hello-uart: the smallest guest kernel. Sets a trap vector, prints through the UART
# (polling its line status register), and powers the machine off with status 0.
        .include "qemu-virt.inc"
        .include "hello-uart.inc"
        .text
        .include "console-bare.inc"
