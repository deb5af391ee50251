// A built-in utility: a function the shell runs in-process instead of a program. It sees
// the system only through the kernel port and its three streams, exactly like a program
// sees it through system calls and fds 0, 1 and 2 — and the shell that runs it through
// ShellContext, which the Shell implements (so commands and the shell import one way).

import type { ContainerRuntimePort } from '../kernel/container-port.ts';
import type { KernelPort } from '../kernel/kernel-port.ts';
import type { HypervisorPort } from '../vmm/vm-port.ts';
import type { History } from './history.ts';
import type { Interrupt, Job, JobTable } from './job.ts';
import type { Completion } from './line-editor.ts';
import type { InputStream, OutputStream, TerminalInput } from './stream.ts';

/** What the shell needs from whoever shows it: a terminal, or a script transcript. */
export interface ShellHost {
  /** Keys go to a foreground job only when someone types (not in a script). */
  readonly interactive: boolean;
  /** Text for the screen (newlines as \n). */
  write(text: string): void;
  /** Routes typed lines to a foreground command until the returned function is called;
   * a host without a keyboard ends the input at once. */
  connectKeyboard(input: TerminalInput): () => void;
  /** A nested shell takes over the terminal until it exits; settles with its status. */
  enterShell(shell: ShellContext): Promise<number>;
  /** A shell's process was killed while it waited for a line: stop showing it. */
  shellKilled?(shell: ShellContext): void;
  /**
   * A program with a terminal of its own (`container run -it IMAGE PROG`) takes the keys
   * raw, as typed, until the returned function is called; absent on hosts without keys.
   */
  connectTerminal?(keys: (data: string) => void, size: (columns: number) => void): () => void;
}

/** The commands a shell knows by name (command-table.ts). */
export interface Commands {
  get(name: string): Builtin | undefined;
  names(): string[];
  /** `help`: one line per command. */
  help(): string;
}

/** A shell as its commands, its executor and its terminal see it (shell.ts). */
export interface ShellContext {
  readonly port: KernelPort;
  readonly host: ShellHost;
  readonly table: Commands;
  readonly containers: ContainerRuntimePort | undefined;
  readonly vms: HypervisorPort | undefined;
  /** A shell inside a container: the host's management commands are refused. */
  readonly confined: boolean;
  readonly history: History;
  readonly jobs: JobTable;
  lastStatus: number;
  /** Set by `exit`: the shell stops reading commands. */
  exitCode: number | null;
  foregroundJob: Job | undefined;
  readonly busy: boolean;
  execute(line: string): Promise<number>;
  interrupt(): void;
  prompt(): string;
  complete(line: string, cursor: number): Completion;
  readonly lookup: (name: string) => string | undefined;
  readonly listDirectory: (dir: string) => string[];
  setVariable(name: string, value: string, exported?: boolean): void;
  exportVariable(name: string): void;
  unsetVariable(name: string): void;
  environment(prefix?: readonly (readonly [string, string])[]): Map<string, string>;
  resolveCommand(name: string): string | { message: string; status: number };
}

export interface BuiltinContext {
  argv: string[];
  /** Exported variables plus this command's NAME=value prefixes. */
  env: Map<string, string>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Output goes straight to the terminal (ls prints columns, top may redraw). */
  stdoutIsTerminal: boolean;
  shell: ShellContext;
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
