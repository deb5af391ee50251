/* Quicksort and insertion sort of 200,000 pseudo-random words, repeated; prints a checksum. */
#include "platform.h"
#define N 200000
#define ROUNDS 6
static int a[N];

static void quicksort(int *v, int lo, int hi) {
  while (hi - lo > 16) {
    int p = v[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; }
    else { quicksort(v, i, hi); hi = j; }
  }
  for (int k = lo + 1; k <= hi; k++) {
    int t = v[k], m = k - 1;
    while (m >= lo && v[m] > t) { v[m + 1] = v[m]; m--; }
    v[m + 1] = t;
  }
}

int main(void) {
  unsigned x = 1, check = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < N; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      a[i] = (int)x;
    }
    quicksort(a, 0, N - 1);
    for (int i = 1; i < N; i++) if (a[i - 1] > a[i]) return 1;
    check = check * 31 + (unsigned)a[N / 2] + (unsigned)a[7];
  }
  out_str("sort check=");
  out_hex(check);
  out_str("\n");
  return 0;
}
