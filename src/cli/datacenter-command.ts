// `trapdoor dc VERB …`: the data centre headless. The verbs are the shell's `dc` verbs
// (core/datacenter/dc-command.ts) on the demo data centre, run once per invocation;
// `--json` prints the figures as one JSON object. `export` and `restore` use real files.

import { writeFileSync } from 'node:fs';
import { BACKUP_FILE_CAP, readBounded } from './bounded-read.ts';
import { DC_USAGE, DcSession } from '../core/datacenter/dc-command.ts';
import { CliError, EXIT_USAGE, type CliIo } from './io.ts';

export const DC_HELP = `usage: trapdoor dc VERB [ARGS] [--json]

A simulated data centre (three hosts running web, API, cache and batch VMs) on one virtual
clock. Without a VM or host, migrate and fail-host pick web-1 / host-1 for you.

${DC_USAGE.replace(/^usage: dc VERB \[ARGS\] \[--json\]\n/, '')}
`;

export function datacenterCommand(argv: string[], io: CliIo): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.stderr : io.stdout).write(DC_HELP);
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  const session = new DcSession({
    readFile: (path) => {
      try {
        return readBounded(path, BACKUP_FILE_CAP, path);
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`dc: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    },
    writeFile: (path, bytes) => writeFileSync(path, bytes),
  });
  const result = session.run(withDefaults(argv));
  (result.status === 0 ? io.stdout : io.stderr).write(result.text);
  return result.status;
}

/** One-shot conveniences: `dc migrate` moves web-1 to host-3, `dc fail-host` fails host-1. */
function withDefaults(argv: string[]): string[] {
  const [verb, ...rest] = argv;
  const positional = rest.filter((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1].startsWith('--') && !rest[i - 1].includes('=') && rest[i - 1] !== '--json'));
  if (verb === 'migrate' && positional.length === 0) return [verb, 'web-1', 'host-3', ...rest];
  if (verb === 'fail-host' && positional.length === 0) return [verb, 'host-1', ...rest];
  return argv;
}
