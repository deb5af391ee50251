// `trapdoor shell [--script FILE]`: the lab's terminal shell without a browser.
// Reserved here; the shell engineer wires src/core/shell in.

import { parseArgs } from './args.ts';
import { EXIT_FAULT, type CliIo } from './io.ts';

export const SHELL_HELP = `usage: trapdoor shell [--script FILE]

Runs the terminal's shell headless: reads commands from FILE or standard input and
prints what the terminal would show.
`;

export function shellCommand(argv: string[], io: CliIo): number {
  const args = parseArgs('shell', argv, { values: ['--script'] });
  if (args.flags.has('--help')) {
    io.stdout.write(SHELL_HELP);
    return 0;
  }
  io.stderr.write('trapdoor: shell: not available yet\n');
  return EXIT_FAULT;
}
