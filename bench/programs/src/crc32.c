/* Bitwise CRC-32 (IEEE, reflected) over a 64 KiB pseudo-random buffer, repeated. */
#include "platform.h"
#define LEN 65536
#define ROUNDS 24
static unsigned char buf[LEN];

static unsigned crc32(const unsigned char *p, int n, unsigned crc) {
  crc = ~crc;
  for (int i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
  }
  return ~crc;
}

int main(void) {
  unsigned x = 12345;
  for (int i = 0; i < LEN; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (unsigned char)(x >> 16);
  }
  unsigned crc = 0;
  for (int r = 0; r < ROUNDS; r++) crc = crc32(buf, LEN, crc);
  out_str("crc32 ");
  out_hex(crc);
  out_str("\n");
  return 0;
}
