/* Sieve of Eratosthenes up to 1,000,000, repeated; prints the prime count and a checksum. */
#include "platform.h"
#define N 1000000
#define ROUNDS 12
static unsigned char composite[N + 1];

int main(void) {
  unsigned sum = 0, count = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i <= N; i++) composite[i] = 0;
    count = 0;
    for (int i = 2; i <= N; i++) {
      if (composite[i]) continue;
      count++;
      sum += (unsigned)i * (unsigned)(r + 1);
      for (int j = i + i; j <= N; j += i) composite[j] = 1;
    }
  }
  out_str("sieve primes=");
  out_hex(count);
  out_str(" sum=");
  out_hex(sum);
  out_str("\n");
  return 0;
}
