#!/bin/sh
# Rebuilds the GNU reference build of a shipped guest image: tests/fixtures/bare/<name>/ from
# src/core/vmm/images/<name>.s, tests/fixtures/pv/<name>/ from <name>-pv.s (the one copy
# learners get; GNU as resolves its .include files from that folder), assembled and linked
# with the RISC-V binutils into prog.elf; a bare kernel's expected.stdout and expected.exit
# are what qemu-system-riscv32's virt board prints. A paravirtualized kernel runs only under
# Trapdoor's hypervisor (--mode pv), so there is no QEMU reference: its expected outputs are
# the bare kernel's, copied — the port must print the same. Usage: build-image-fixture.sh DIR
set -e
cd "$1"
NAME=$(basename "$(pwd)")
KIND=$(basename "$(dirname "$(pwd)")")
IMAGE=$NAME
[ "$KIND" = pv ] && IMAGE=$NAME-pv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
IMAGES=../../../../src/core/vmm/images
riscv64-unknown-elf-as -march=rv32ima_zicsr -mabi=ilp32 -I "$IMAGES" -o "$tmp/kernel.o" "$IMAGES/$IMAGE.s"
riscv64-unknown-elf-ld -m elf32lriscv --no-relax -N -Ttext=0x80000000 -e _start -o prog.elf "$tmp/kernel.o"
if [ "$KIND" = pv ]; then
  cp "../../bare/$NAME/expected.stdout" expected.stdout
  cp "../../bare/$NAME/expected.exit" expected.exit
  exit 0
fi
set +e
timeout 10 qemu-system-riscv32 -machine virt -bios none -nographic -kernel prog.elf \
  </dev/null >expected.stdout
echo $? >expected.exit
