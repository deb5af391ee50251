# hello-uart, paravirtualized: the bare kernel's UART polling loop becomes one debug
# console hypercall per string, and the power-off device an SRST hypercall. The trap
# vector is still set with csrw mtvec: a PV kernel may keep privileged instructions
# where they are rare (each is one exit).
        .include "qemu-virt.inc"
        .include "sbi.inc"
        .include "hello-uart.inc"
        .text
        .include "console-pv.inc"
