// Hostile input never breaks the command line: a corrupted ELF gives a status and at
// most one line on stderr (a guest fault or a load error), never a stack trace.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from './capture-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'trapdoor-fuzz-'));
const original = new Uint8Array(readFileSync(join(__dirname, '../../fixtures/linux/loop/prog.elf')));

describe('corrupted ELF files', () => {
  for (const mode of ['linux', 'bare']) {
    it(`run --mode ${mode}: a status and at most one error line, never a stack trace`, async () => {
      await fc.assert(fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 200 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: original.length }),
        async (edits, cut) => {
          const bytes = original.slice(0, Math.max(cut, 52));
          for (const { at, byte } of edits) if (at < bytes.length) bytes[at] = byte;
          const file = join(dir, 'mutant.elf');
          writeFileSync(file, bytes);
          const cap = captureIo();
          const status = await main(['run', file, '--mode', mode, '--max-instructions', '20000'], cap.io);
          expect(Number.isInteger(status)).toBe(true);
          const err = cap.stderr();
          expect(err).not.toMatch(/\n\s+at /);
          expect(err).not.toMatch(/internal error/);
          expect(err.split('\n').filter((l) => l !== '').length).toBeLessThanOrEqual(1);
        },
      ), { numRuns: 60 });
    }, 60_000);
  }
});
