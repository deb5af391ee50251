// A built-in utility: a function the shell runs in-process instead of a program. It sees
// the system only through the kernel port and its three streams, exactly like a program
// sees it through system calls and fds 0, 1 and 2.

import type { KernelPort } from '../kernel/kernel-port.ts';
import type { Interrupt } from './job.ts';
import type { Shell } from './shell.ts';
import type { InputStream, OutputStream } from './stream.ts';

export interface BuiltinContext {
  argv: string[];
  /** Exported variables plus this command's NAME=value prefixes. */
  env: Map<string, string>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Output goes straight to the terminal (ls prints columns, top may redraw). */
  stdoutIsTerminal: boolean;
  shell: Shell;
  port: KernelPort;
  /** Fires on Ctrl-C while this command is in the foreground. */
  interrupt: Interrupt;
  /** Fds for a program this command starts that should share its stdin/stdout/stderr
   * (`container run` without -d); call release() once the program has been started. */
  programStdio(): { stdio: [number, number, number]; release(): void };
}

export interface Builtin {
  name: string;
  /** One line for `help`. */
  summary: string;
  run(ctx: BuiltinContext): Promise<number>;
}

/** "name: message" on stderr (shell built-ins say "sh: kill: …"), then the failure status. */
export async function fail(ctx: BuiltinContext, message: string, status = 1, prefix = ctx.argv[0]): Promise<number> {
  await ctx.stderr.write(`${prefix}: ${message}\n`);
  return status;
}

/**
 * Splits argv into single-letter flags and operands: `-la x` -> flags {l,a}, operands [x].
 * `--` ends the flags. Unknown flags are returned so the caller can complain.
 */
export function parseFlags(args: string[], known: string): { flags: Set<string>; operands: string[]; unknown?: string } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (done || !a.startsWith('-') || a === '-') { operands.push(a); continue; }
    if (a === '--') { done = true; continue; }
    for (const f of a.slice(1)) {
      if (!known.includes(f)) return { flags, operands, unknown: f };
      flags.add(f);
    }
  }
  return { flags, operands };
}
