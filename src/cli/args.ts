// A small, strict option parser: each verb declares its flags; anything else is an error
// with the verb's name, so `trapdoor run x.s --mdoe linux` fails loudly instead of running.

import { CliError, EXIT_USAGE } from './io.ts';

export interface FlagSpec {
  /** Flags that take a value, by long name, e.g. "--mode". */
  values?: string[];
  /** Boolean flags. */
  booleans?: string[];
  /** Value flags that may repeat; all their values are kept in order. */
  lists?: string[];
  /** Short aliases: { "-o": "--output" }. */
  aliases?: Record<string, string>;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
  lists: Map<string, string[]>;
  /** Everything after a bare "--". */
  rest: string[];
}

export function parseArgs(verb: string, argv: string[], spec: FlagSpec): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const lists = new Map<string, string[]>();
  const values = new Set([...(spec.values ?? []), ...(spec.lists ?? [])]);
  const booleans = new Set([...(spec.booleans ?? []), '--help']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { flags, positional, lists, rest: argv.slice(i + 1) };
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const raw = eq > 0 ? arg.slice(0, eq) : arg;
    const name = spec.aliases?.[raw] ?? (raw === '-h' ? '--help' : raw);
    if (booleans.has(name)) {
      if (eq > 0) throw new CliError(`${verb}: option ${raw} takes no value`, EXIT_USAGE);
      flags.set(name, true);
    } else if (values.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new CliError(`${verb}: option ${raw} needs a value`, EXIT_USAGE);
      flags.set(name, value);
      if (spec.lists?.includes(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
    } else {
      throw new CliError(`${verb}: unknown option ${raw} (see trapdoor ${verb} --help)`, EXIT_USAGE);
    }
  }
  return { flags, positional, lists, rest: [] };
}

/** A non-negative integer option (decimal, 0x hex, or 1e6 notation), at most `max`. */
export function integerOption(verb: string, name: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^0x[0-9a-f]+$/i.test(value) ? parseInt(value, 16) : Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0 || value.trim() === '') {
    throw new CliError(`${verb}: ${name} needs a non-negative integer, got '${value}'`, EXIT_USAGE);
  }
  if (n > max) throw new CliError(`${verb}: ${name} must be at most ${max > 0xffff ? `0x${max.toString(16)}` : max}, got '${value}'`, EXIT_USAGE);
  return n;
}
