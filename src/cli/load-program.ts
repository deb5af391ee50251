// Reading the program a command names: an ELF file (by its magic number) or assembly
// source, assembled on the spot. Every failure is one line naming the file.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { assemble } from '../core/asm/assembler.ts';
import { ElfError, readElf } from '../core/asm/elf-reader.ts';
import type { ProgramImage } from '../core/asm/image.ts';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.ts';
import { PROGRAM_FILE_CAP, readBounded } from './bounded-read.ts';
import { CliError, EXIT_ERROR } from './io.ts';

/** Text base for assembling Linux user programs, where GNU ld puts them. */
export const LINUX_TEXT_BASE = 0x10000;

export function readInputFile(path: string): Uint8Array {
  try {
    return readBounded(path, PROGRAM_FILE_CAP, path);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied'
      : (e as Error).message;
    throw new CliError(`${path}: ${why}`, EXIT_ERROR);
  }
}

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Source files are recognised by name; anything else must be an ELF file. */
export function isSourceName(path: string): boolean {
  return /\.(s|S|asm)$/.test(path);
}

export function elfImage(path: string, bytes: Uint8Array): ProgramImage {
  try {
    return readElf(bytes);
  } catch (e) {
    if (e instanceof ElfError || e instanceof RangeError) throw new CliError(`${path}: ${e.message}`, EXIT_ERROR);
    throw e;
  }
}

/** Assembles source; prints every diagnostic to `report`; throws when there are errors. */
export function assembleFile(path: string, bytes: Uint8Array, textBase: number | undefined,
  report: (line: string) => void, rvc = false): { image: ProgramImage; elf: Uint8Array } {
  const source = new TextDecoder().decode(bytes);
  const r = assemble(source, { file: path, textBase, rvc, files: filesBeside(path) });
  for (const d of r.diagnostics) report(formatDiagnostic(d));
  const errors = r.diagnostics.filter((d: Diagnostic) => d.severity === 'error').length;
  if (errors > 0 || !r.image || !r.elf) {
    // The diagnostics above are the whole report, as GNU as gives it.
    throw new CliError('', EXIT_ERROR);
  }
  return { image: r.image, elf: r.elf };
}

/** Source files an `.include` may name: those beside `path` (.s .S .inc .h .asm, up to 1 MiB each). */
function filesBeside(path: string): Record<string, string> {
  const slash = path.lastIndexOf('/');
  const dir = slash >= 0 ? path.slice(0, slash + 1) : '';
  const files: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir || '.');
  } catch {
    return files;
  }
  for (const name of names.filter((n) => /\.(s|S|inc|h|asm)$/.test(n))) {
    try {
      if (statSync(dir + name).size <= 1 << 20) files[dir + name] = readFileSync(dir + name, 'latin1');
    } catch {
      // Unreadable: an .include of it reports it missing.
    }
  }
  return files;
}

/** The program in `path`, from ELF bytes or assembled at `textBase`. */
export function loadProgram(path: string, textBase: number | undefined, report: (line: string) => void): ProgramImage {
  const bytes = readInputFile(path);
  if (isElf(bytes)) return elfImage(path, bytes);
  if (isSourceName(path)) return assembleFile(path, bytes, textBase, report).image;
  try {
    return elfImage(path, bytes);
  } catch (e) {
    if (e instanceof CliError && /no \\x7fELF magic/.test(e.message)) {
      throw new CliError(`${e.message}; assembly source files end in .s`, EXIT_ERROR);
    }
    throw e;
  }
}
