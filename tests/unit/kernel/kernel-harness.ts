// Builds small Linux programs with our assembler and runs them on a fresh kernel.
import { assemble } from '../../../src/core/asm/assembler.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { formatDiagnostic } from '../../../src/core/diagnostic.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';

/** Helpers appended to every test program: print_int (a0, signed) and exit (a0). */
export const HELPERS = `
.text
print_int:
  addi sp, sp, -32
  mv t4, a0
  addi t0, sp, 31
  mv t2, t0
  li t1, 10
  bgez t4, 1f
  neg a0, a0
1:
  remu t3, a0, t1
  addi t3, t3, 48
  addi t2, t2, -1
  sb t3, 0(t2)
  divu a0, a0, t1
  bnez a0, 1b
  bgez t4, 2f
  li t3, 45
  addi t2, t2, -1
  sb t3, 0(t2)
2:
  li t3, 10
  sb t3, 0(t0)
  li a0, 1
  mv a1, t2
  sub a2, t0, t2
  addi a2, a2, 1
  li a7, 64
  ecall
  addi sp, sp, 32
  ret
exit:
  li a7, 93
  ecall
`;

export function build(body: string): { image: ProgramImage; elf: Uint8Array } {
  const r = assemble(`.globl _start\n.text\n${body}\n${HELPERS}`, { file: 'test.s', textBase: 0x10000 });
  if (!r.image || !r.elf) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return { image: r.image, elf: r.elf };
}

export function boot(): { k: Kernel; output: () => string } {
  const bytes: number[] = [];
  const k = new Kernel({ consoleSink: (b) => bytes.push(...b), parseProgram: (b) => readElf(b) });
  k.console.close();
  return { k, output: () => Buffer.from(bytes).toString('latin1') };
}

/** Runs until every process has exited (or the budget is gone). */
export function runAll(k: Kernel, budget = 5_000_000): void {
  k.run(budget);
}

/** The text of a cgroup v2 file, as `cat /sys/fs/cgroup/PATH` prints it. */
export function readCgroupFile(k: Kernel, path: string): string {
  const node = k.fs.lookup(`/sys/fs/cgroup/${path}`);
  if (!node) throw new Error(`no /sys/fs/cgroup/${path}`);
  return Buffer.from(node.contents()).toString('latin1');
}
