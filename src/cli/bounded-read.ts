// Every file the CLI reads is read up to a cap, never whole: `trapdoor run /dev/zero`, a
// named pipe or a 12 GB file stops at the cap with a message naming it, instead of
// growing until the host runs out of memory. The size on disk is not trusted (/dev/zero
// and pipes report 0): bytes are read in chunks and counted.

import { closeSync, openSync, readSync } from 'node:fs';
import { CliError, EXIT_ERROR } from './cli-error.ts';

const MiB = 1024 * 1024;
/** Program files: an ELF executable or assembly source (the assembler has its own cap). */
export const PROGRAM_FILE_CAP = 64 * MiB;
/** A backup (a VM snapshot): 128 MiB of guest RAM plus its state. */
export const BACKUP_FILE_CAP = 160 * MiB;
/** Shell scripts and standard input given to a program. */
export const SCRIPT_FILE_CAP = 4 * MiB;
export const STDIN_CAP = 64 * MiB;

/** Reads `file` (a path, or 0 for standard input) up to `cap` bytes; a longer input throws
 *  a CliError "WHAT is larger than the N MiB cap"; other failures pass through. */
export function readBounded(file: string | number, cap: number, what: string): Uint8Array {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(MiB, cap + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking pipe, not ready yet
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > cap) throw new CliError(`${what} is larger than the ${cap / MiB} MiB cap for it`, EXIT_ERROR);
      chunks.push(chunk.subarray(0, n));
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}
