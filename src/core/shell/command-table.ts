// The one dispatcher: every command the shell knows by name, each with its line for `help`.
// A name not found here is looked up as a program on $PATH.

import type { Builtin, Commands } from './builtin.ts';

export class CommandTable implements Commands {
  private readonly commands = new Map<string, Builtin>();

  add(...builtins: Builtin[]): this {
    for (const b of builtins) this.commands.set(b.name, b);
    return this;
  }

  get(name: string): Builtin | undefined {
    return this.commands.get(name);
  }

  names(): string[] {
    return [...this.commands.keys()].sort();
  }

  /** `help`: one line per command, names aligned. */
  help(): string {
    const names = this.names();
    const width = Math.max(...names.map((n) => n.length)) + 2;
    return names.map((n) => `${n.padEnd(width)}${this.commands.get(n)!.summary}\n`).join('');
  }
}
