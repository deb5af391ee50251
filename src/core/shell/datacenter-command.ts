// The shell's `dc` command: the data-centre verbs (datacenter/dc-command.ts) in the terminal. Each
// shell session gets its own data centre, created on first use, unless the caller shares
// one (the page's terminal and its Data centre screen are views of one); the kernel's
// containers appear in `dc list` beside the VMs.

import { fail, type Builtin } from './builtin.ts';
import { DcSession } from '../datacenter/dc-command.ts';

export function datacentreCommand(shared?: () => DcSession): Builtin {
  let session: DcSession | null = null;
  return {
    name: 'dc',
    summary: 'the data centre: hosts, VMs, migration, failover, backups, cost (dc help)',
    async run(ctx) {
      // The data centre belongs to the host: a container's shell may not fail its hosts.
      if (ctx.shell.confined) return fail(ctx, 'no data centre here (the data centre is managed from the host shell)');
      try {
        session = shared ? shared() : session ?? new DcSession({ containers: ctx.shell.containers });
      } catch (e) {
        return fail(ctx, e instanceof Error ? e.message : String(e));
      }
      const r = session.run(ctx.argv.slice(1));
      await (r.status === 0 ? ctx.stdout : ctx.stderr).write(r.text);
      return r.status;
    },
  };
}
