import { assemble } from '../../../src/core/asm/assembler.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';

/** Assembles a test guest; fails the test with the diagnostics if it does not assemble. */
export function asm(source: string, files?: Readonly<Record<string, string>>): ProgramImage {
  const r = assemble(source, files ? { files } : {});
  if (!r.image) throw new Error(r.diagnostics.map((d) => JSON.stringify(d)).join('\n'));
  return r.image;
}
