/* What a benchmark needs from its platform: print a line, and the repeat count.
   bare.c implements it on QEMU virt (UART + finisher), linux.c with Linux system calls. */
#ifndef PLATFORM_H
#define PLATFORM_H
void out_str(const char *s);
void out_hex(unsigned v);
#endif
