// Every folder in tests/fixtures/linux is a static RV32 Linux program whose output and
// exit status were recorded under qemu-riscv32 (see each build.sh). We run both the
// GNU-built ELF and our own assembly of the same source through `trapdoor run --mode
// linux` and require the same bytes and status.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../cli/capture-io.ts';
import { describeEachCpu } from '../cpu-kinds.ts';

const ROOT = join(__dirname, '../../fixtures/linux');
const cases = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.exit'))).sort();

function optional(dir: string, name: string): string | undefined {
  const p = join(ROOT, dir, name);
  return existsSync(p) ? readFileSync(p, 'latin1') : undefined;
}

/** The words of an args/env file, with double quotes kept (the shell build.sh does not strip them). */
const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter((w) => w !== '');

describeEachCpu('linux fixtures (outputs from qemu-riscv32)', (kind) => {
  it('has a corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of cases) {
    // prog.s is our assembler's input; a fixture built from C has only the ELF.
    for (const file of ['prog.elf', 'prog.s'].filter((f) => existsSync(join(ROOT, name, f)))) {
      it(`${name}/${file}`, async () => {
        const expectedOut = readFileSync(join(ROOT, name, 'expected.stdout'));
        const expectedExit = Number(readFileSync(join(ROOT, name, 'expected.exit'), 'utf8').trim());
        const stdin = optional(name, 'stdin');
        const cap = captureIo(stdin === undefined ? undefined : Buffer.from(stdin, 'latin1'));
        const env = words(optional(name, 'env')).flatMap((v) => ['--env', v]);
        const argv = ['run', join(ROOT, name, file), '--mode', 'linux', '--cpu', kind, ...env, '--', ...words(optional(name, 'args'))];
        const status = await main(argv, cap.io);
        expect(Buffer.from(cap.stdoutBytes()).toString('latin1')).toBe(expectedOut.toString('latin1'));
        expect(status).toBe(expectedExit);
      });
    }
  }
});
