#!/bin/sh
# Builds each benchmark twice from the same C: NAME.bare.elf for QEMU virt -bios none
# (what `npm run bench` runs) and NAME.linux.elf, a static Linux program that exits with
# ecall 93, for timing the same work under qemu-riscv32. Needs the GNU RISC-V toolchain.
set -eu
cd "$(dirname "$0")"
CFLAGS="-march=rv32im -mabi=ilp32 -O2 -nostdlib -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns"
for p in sieve crc32 sort; do
  riscv64-unknown-elf-gcc $CFLAGS -T src/bare.ld -o $p.bare.elf \
    src/crt-bare.S src/common.c src/bare.c src/$p.c 2>&1 | grep -v 'RWX permissions' || true
  # The linux flavour uses ld's default static layout (text at 0x10000, .bss by the kernel).
  riscv64-unknown-elf-gcc $CFLAGS -static -o $p.linux.elf \
    src/crt-linux.S src/common.c src/linux.c src/$p.c
  echo "$p: $(qemu-riscv32 ./$p.linux.elf)"
done
