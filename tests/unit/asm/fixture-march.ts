// An assembler fixture folder may hold a `march` file: the -march GNU as was given
// (regen.sh). When it names the C extension, we assemble with RVC on from the start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { archHasC } from '../../../src/core/asm/isa-string.ts';

export const marchRvc = (dir: string): boolean =>
  existsSync(join(dir, 'march')) && archHasC(readFileSync(join(dir, 'march'), 'utf8').trim());
