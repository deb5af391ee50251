// `trapdoor run NAME`: a shipped guest named instead of a file (core/shipped-guests.ts). A
// file of that name in the current directory wins; a guest shipped as files is read from
// the repository this CLI runs from.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgramImage } from '../core/asm/image.ts';
import type { RunMode } from '../core/run-result.ts';
import { findShippedGuest, SHIPPED_GUESTS } from '../core/shipped-guests.ts';
import { CliError, EXIT_ERROR } from './io.ts';
import { elfImage, readInputFile } from './load-program.ts';

/** The repository root: src/cli/../.. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ShippedProgram {
  image: ProgramImage;
  mode: RunMode;
  /** The disk it boots with, when it has one. */
  disk?: Uint8Array;
}

/** The shipped guest `name` stands for, or undefined when it is a path (or no guest's name). */
export function shippedProgram(name: string): ShippedProgram | undefined {
  if (existsSync(name)) return undefined;
  const guest = findShippedGuest(name);
  if (!guest) return undefined;
  if (guest.image) return { image: guest.image(), mode: guest.mode };
  const kernel = join(ROOT, guest.kernelFile!);
  if (!existsSync(kernel)) {
    throw new CliError(`${name}: a shipped guest, but its files are not in this checkout (${guest.kernelFile} is missing)`, EXIT_ERROR);
  }
  const disk = guest.diskFile ? readInputFile(join(ROOT, guest.diskFile)) : undefined;
  return { image: elfImage(guest.kernelFile!, readInputFile(kernel)), mode: guest.mode, ...(disk ? { disk } : {}) };
}

/** For the help text: every shipped guest's name. */
export function shippedNames(): string {
  return SHIPPED_GUESTS.map((g) => g.name).join(', ');
}
