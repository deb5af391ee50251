#include "platform.h"
#define UART0 ((volatile unsigned char *)0x10000000)
#define FINISHER ((volatile unsigned int *)0x00100000)

void out_str(const char *s) {
  while (*s) {
    while (!(UART0[5] & 0x20)) {
    }
    UART0[0] = (unsigned char)*s++;
  }
}

void platform_exit(int code) {
  *FINISHER = code == 0 ? 0x5555 : (((unsigned)code << 16) | 0x3333);
  for (;;) {
  }
}
