// Progress callbacks of the data centre cross to the shell's worker as comlink proxies.
import * as Comlink from 'comlink';
import type { MigrationProgress } from '../../worker/datacenter-api.ts';

export function wrapProgress(f: (p: MigrationProgress) => void): (p: MigrationProgress) => void {
  return Comlink.proxy(f);
}
