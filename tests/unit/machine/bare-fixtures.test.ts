// Every program in tests/fixtures/bare/<name>/ runs on the machine and must print what
// qemu-system-riscv32 printed and exit with its status (both recorded beside the ELF).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { Machine } from '../../../src/core/machine/machine.ts';

const root = join(__dirname, '../../fixtures/bare');
const programs = readdirSync(root).filter((d) => existsSync(join(root, d, 'prog.elf')));

function runBare(elf: Uint8Array, budget = 200_000_000): { stdout: string; exit: number; reason: string } {
  const out: number[] = [];
  const machine = new Machine({ console: { write: (b) => out.push(...b) } });
  machine.load(readElf(elf));
  const stop = machine.run(budget);
  const stdout = Buffer.from(out).toString('latin1');
  return { stdout, exit: stop.kind === 'exit' ? stop.exitCode : -1, reason: JSON.stringify(stop) };
}

describe('bare-metal corpus agrees with QEMU virt', () => {
  it('has programs', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const name of programs) {
    it(name, () => {
      const dir = join(root, name);
      const result = runBare(new Uint8Array(readFileSync(join(dir, 'prog.elf'))));
      expect(result.stdout).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
      expect({ exit: result.exit, reason: result.reason }).toMatchObject({
        exit: Number(readFileSync(join(dir, 'expected.exit'), 'utf8').trim()),
      });
    });
  }
});
