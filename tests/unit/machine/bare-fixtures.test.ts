// Every program in tests/fixtures/bare/<name>/ runs on the machine and must print what
// qemu-system-riscv32 printed and exit with its status (both recorded beside the ELF).
// A folder with a disk.img runs with it behind the virtio block device, in the legacy
// layout (expected.stdout) and, when expected-modern.stdout exists, the modern one too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { Machine } from '../../../src/core/machine/machine.ts';
import type { VirtioLayout } from '../../../src/core/machine/virtio-mmio.ts';
import { describeEachCpu } from '../cpu-kinds.ts';

const root = join(__dirname, '../../fixtures/bare');
const programs = readdirSync(root).filter((d) => existsSync(join(root, d, 'prog.elf')));

function runBare(elf: Uint8Array | ProgramImage, disk?: Uint8Array, virtio?: VirtioLayout, budget = 200_000_000): { stdout: string; exit: number; reason: string } {
  const out: number[] = [];
  const machine = new Machine({ console: { write: (b) => out.push(...b) }, disk, virtio });
  machine.load(elf instanceof Uint8Array ? readElf(elf) : elf);
  const stop = machine.run(budget);
  // Every module the WebAssembly back end generated must validate (a refused one would run as JavaScript).
  expect(machine.cpu.translatorStats?.wasmRefused ?? 0).toBe(0);
  const stdout = Buffer.from(out).toString('latin1');
  return { stdout, exit: stop.kind === 'exit' ? stop.exitCode : -1, reason: JSON.stringify(stop) };
}

describeEachCpu('bare-metal corpus agrees with QEMU virt', () => {
  it('has programs', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const name of programs) {
    const dir = join(root, name);
    const disk = existsSync(join(dir, 'disk.img')) ? new Uint8Array(readFileSync(join(dir, 'disk.img'))) : undefined;
    const layouts: [VirtioLayout, string][] = [['legacy', 'expected.stdout']];
    if (existsSync(join(dir, 'expected-modern.stdout'))) layouts.push(['modern', 'expected-modern.stdout']);
    for (const [layout, expected] of layouts) {
      it(layouts.length > 1 ? `${name} (${layout} virtio)` : name, () => {
        const result = runBare(new Uint8Array(readFileSync(join(dir, 'prog.elf'))), disk, layout);
        expect(result.stdout).toBe(readFileSync(join(dir, expected), 'latin1'));
        expect({ exit: result.exit, reason: result.reason }).toMatchObject({
          exit: Number(readFileSync(join(dir, 'expected.exit'), 'utf8').trim()),
        });
      });
    }
    if (disk) {
      it(`${name}: the shared disk image is never written`, () => {
        const before = disk.slice();
        runBare(new Uint8Array(readFileSync(join(dir, 'prog.elf'))), disk);
        expect(disk).toEqual(before);
      });
    }
  }

  // Hand-written kernels are also assembled by our own assembler: the same output.
  for (const name of programs.filter((p) => existsSync(join(root, p, 'kernel.s')))) {
    it(`${name}: kernel.s built by the Trapdoor assembler`, () => {
      const dir = join(root, name);
      const r = assemble(readFileSync(join(dir, 'kernel.s'), 'utf8'), { file: 'kernel.s' });
      expect(r.diagnostics).toEqual([]);
      const disk = existsSync(join(dir, 'disk.img')) ? new Uint8Array(readFileSync(join(dir, 'disk.img'))) : undefined;
      const result = runBare(r.image!, disk);
      expect(result.stdout).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
    });
  }
});
