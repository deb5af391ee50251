// An in-memory CliIo: main() runs in-process and the test reads what it wrote.
import type { CliIo } from '../../../src/cli/io.ts';

export interface Captured {
  io: CliIo;
  stdoutBytes(): Uint8Array;
  stdout(): string;
  stderr(): string;
  /** Each write to stdout, in order (to check streaming). */
  stdoutWrites: (Uint8Array | string)[];
}

export function captureIo(stdin: Uint8Array = new Uint8Array(0)): Captured {
  const out: number[] = [];
  let err = '';
  const stdoutWrites: (Uint8Array | string)[] = [];
  return {
    io: {
      stdout: {
        write(chunk: Uint8Array | string) {
          stdoutWrites.push(chunk);
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          out.push(...bytes);
          return true;
        },
      },
      stderr: { write(chunk: Uint8Array | string) { err += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'); return true; } },
      readStdin: () => stdin,
    },
    stdoutBytes: () => Uint8Array.from(out),
    stdout: () => Buffer.from(out).toString('latin1'),
    stderr: () => err,
    stdoutWrites,
  };
}
