// uname and sethostname: the UTS namespace's view of the one kernel. The release is the
// same in every container (one kernel); the hostname is per namespace.

import { utf8Encode } from './bytes.ts';
import { EINVAL, EPERM, KernelError } from './errno.ts';
import type { Kernel } from './kernel.ts';
import type { Process } from './process.ts';
import type { SyscallTable } from './syscall-types.ts';
import * as nr from './syscall-numbers.ts';
import { StructWriter, copyIn, copyOut } from './user-memory.ts';
import { utf8Decode } from './bytes.ts';

const FIELD = 65;

/** One kernel: every container reports the same release (`uname -r`). */
export const KERNEL_RELEASE = '6.1.0-trapdoor';

export function unameFields(p: Process): string[] {
  return ['Linux', p.ns.uts.hostname, KERNEL_RELEASE, '#1 SMP Trapdoor', 'riscv32', p.ns.uts.domainname];
}

function sysUname(_k: Kernel, p: Process, [buf]: readonly number[]): number {
  const w = new StructWriter(FIELD * 6);
  unameFields(p).forEach((s, i) => w.bytesAt(i * FIELD, utf8Encode(s).subarray(0, FIELD - 1)));
  copyOut(p, buf!, w.bytes);
  return 0;
}

function sysSethostname(_k: Kernel, p: Process, [name, len]: readonly number[]): number {
  if ((len! >>> 0) > 64) throw new KernelError(EINVAL);
  if (p.creds.uid !== 0) throw new KernelError(EPERM);
  p.ns.uts.hostname = utf8Decode(copyIn(p, name!, len! >>> 0));
  return 0;
}

export const infoSyscalls: SyscallTable = {
  [nr.SYS_uname]: { name: 'uname', handler: sysUname },
  [nr.SYS_sethostname]: { name: 'sethostname', handler: sysSethostname },
};
