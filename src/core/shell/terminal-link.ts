// The pty of one pipeline: programs reach the terminal through pipes the shell creates on
// demand — one for stdout+stderr (a single pipe keeps their order) pumped to the screen,
// one for stdin fed with the lines typed while the pipeline is in the foreground — and
// the shell's copies of the ends are closed once every stage has started, so EOF can come.

import type { ShellContext } from './builtin.ts';
import type { Job } from './job.ts';
import { isErrnoError } from '../kernel/kernel-port.ts';
import { FdOutput, TerminalInput } from './stream.ts';
import { decodeUtf8 } from './text-codec.ts';

export function closeQuietly(shell: ShellContext, ...fds: number[]): void {
  for (const fd of fds) {
    try { shell.port.close(fd); } catch { /* already closed: nothing to release */ }
  }
}

export class TerminalLink {
  private out: [number, number] | undefined;
  private in: [number, number] | undefined;
  private readonly pumps: Promise<void>[] = [];
  /** The shell's copies of the ends handed to programs, closed once those have started. */
  private handedOut: number[] = [];
  private input: TerminalInput | undefined;
  private disconnect: (() => void) | undefined;

  constructor(private readonly shell: ShellContext, private readonly job: Job) {}

  outputFd(): number {
    if (!this.out) {
      this.out = this.shell.port.pipe();
      this.handedOut.push(this.out[1]);
      this.pumps.push(this.pumpOut(this.out[0]));
    }
    return this.out[1];
  }

  inputFd(): number {
    if (!this.in) {
      this.in = this.shell.port.pipe();
      this.handedOut.push(this.in[0]);
      this.pumps.push(this.pumpIn(this.in[1]));
    }
    return this.in[0];
  }

  /** Every stage has its fds: drop the shell's copies so EOF can happen. */
  allStarted(): void {
    closeQuietly(this.shell, ...this.handedOut.splice(0));
  }

  /** What is typed while this pipeline runs in the foreground; ends at once otherwise. */
  keyboard(): TerminalInput {
    if (!this.input) {
      this.input = new TerminalInput();
      if (this.shell.foregroundJob === this.job) this.disconnect = this.shell.host.connectKeyboard(this.input);
      else this.input.end();
    }
    return this.input;
  }

  async finished(): Promise<void> {
    this.allStarted();
    this.input?.end();
    this.disconnect?.();
    await Promise.all(this.pumps);
  }

  private async pumpOut(fd: number): Promise<void> {
    let rest: Uint8Array = new Uint8Array(0);
    try {
      for (;;) {
        const chunk = await this.shell.port.read(fd, 4096);
        if (chunk.length === 0) break;
        const joined = new Uint8Array(rest.length + chunk.length);
        joined.set(rest);
        joined.set(chunk, rest.length);
        const decoded = decodeUtf8(joined);
        rest = decoded.rest;
        if (decoded.text) this.shell.host.write(decoded.text);
      }
    } finally {
      closeQuietly(this.shell, fd);
    }
  }

  private async pumpIn(fd: number): Promise<void> {
    const keyboard = this.keyboard();
    const writer = new FdOutput(this.shell.port, fd);
    try {
      for (let line = await keyboard.read(); line !== null; line = await keyboard.read()) await writer.write(line);
    } catch (e) {
      if (!isErrnoError(e)) throw e;
    } finally {
      closeQuietly(this.shell, fd);
    }
  }
}
