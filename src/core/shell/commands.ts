// Every command the shell knows, in one table: `help` prints it.

import { CommandTable } from './command-table.ts';
import { containerCommand, dockerAlias } from './container-command.ts';
import { datacentreCommand } from './datacenter-command.ts';
import { cat, cd, ls, mkdir, pwd, rm, rmdir } from './utilities/files.ts';
import { jobs, kill, ps, sleep, top, wait } from './utilities/processes.ts';
import { clear, echo, env, exit, exportCommand, falseCommand, help, history, trueCommand, unset } from './utilities/session.ts';
import { free, hostname, uname } from './utilities/system.ts';
import { grep, head, tail, wc } from './utilities/text.ts';
import { vmCommand } from './vm-command.ts';
import type { DcSession } from '../datacenter/dc-command.ts';

/** @param dc a data centre shared with other views (the page's); each table makes its own otherwise */
export function standardCommands(options: { dc?: () => DcSession } = {}): CommandTable {
  return new CommandTable().add(
    ls, cat, mkdir, rm, rmdir, cd, pwd,
    ps, top, kill, sleep, jobs, wait,
    free, hostname, uname,
    grep, head, tail, wc,
    echo, env, exportCommand, unset, clear, trueCommand, falseCommand, history, help, exit,
    containerCommand, dockerAlias, vmCommand, datacentreCommand(options.dc),
  );
}
