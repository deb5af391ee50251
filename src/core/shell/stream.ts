// The streams a built-in reads and writes. A built-in does not know whether its stdout is
// the terminal, a file or a pipe to another command: the executor hands it the right
// stream, and every stream except the terminal is a kernel file descriptor.

import type { KernelPort } from '../kernel/kernel-port.ts';
import { decodeUtf8, encodeUtf8 } from './text-codec.ts';

export interface OutputStream {
  write(text: string): Promise<void>;
}

export interface InputStream {
  /** The next chunk of text; null at end of input. */
  read(): Promise<string | null>;
}

/** Writes to a kernel file descriptor (a file, or a pipe's write end). */
export class FdOutput implements OutputStream {
  constructor(private readonly port: KernelPort, private readonly fd: number) {}

  async write(text: string): Promise<void> {
    let bytes = encodeUtf8(text);
    while (bytes.length > 0) {
      const n = await this.port.write(this.fd, bytes);
      bytes = bytes.subarray(n);
    }
  }
}

/** Reads a kernel file descriptor, keeping a UTF-8 sequence split between reads whole. */
export class FdInput implements InputStream {
  private rest: Uint8Array = new Uint8Array(0);

  constructor(private readonly port: KernelPort, private readonly fd: number) {}

  async read(): Promise<string | null> {
    for (;;) {
      const chunk = await this.port.read(this.fd, 4096);
      if (chunk.length === 0) return this.rest.length ? this.flushRest() : null;
      const joined = new Uint8Array(this.rest.length + chunk.length);
      joined.set(this.rest);
      joined.set(chunk, this.rest.length);
      const { text, rest } = decodeUtf8(joined);
      this.rest = rest;
      if (text) return text;
    }
  }

  private flushRest(): string {
    this.rest = new Uint8Array(0);
    return '\ufffd';
  }
}

/** Output to the terminal itself: the session draws it. */
export class TerminalOutput implements OutputStream {
  constructor(private readonly sink: (text: string) => void) {}

  async write(text: string): Promise<void> {
    this.sink(text);
  }
}

/**
 * What the user types while a command runs in the foreground, line by line (the tty's
 * cooked mode). Ends at Ctrl-D, or at once when there is no keyboard (a script).
 */
export class TerminalInput implements InputStream {
  private readonly queue: string[] = [];
  private ended = false;
  private waiter: ((text: string | null) => void) | undefined;

  push(text: string): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(text);
    } else this.queue.push(text);
  }

  end(): void {
    this.ended = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(null);
    }
  }

  read(): Promise<string | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}

/** Reads a whole stream, for utilities that need all their input. */
export async function readAll(input: InputStream): Promise<string> {
  let text = '';
  for (let chunk = await input.read(); chunk !== null; chunk = await input.read()) text += chunk;
  return text;
}
