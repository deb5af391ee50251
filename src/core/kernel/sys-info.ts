// uname and sethostname: the UTS namespace's view of the one kernel. The release is the
// same in every container (one kernel); the hostname is per namespace.

import { utf8Encode } from './bytes.ts';
import { EINVAL, EPERM, KernelError } from './errno.ts';
import type { KernelServices } from './kernel-services.ts';
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

function sysUname(_k: KernelServices, p: Process, [buf]: readonly number[]): number {
  const w = new StructWriter(FIELD * 6);
  unameFields(p).forEach((s, i) => w.bytesAt(i * FIELD, utf8Encode(s).subarray(0, FIELD - 1)));
  copyOut(p, buf!, w.bytes);
  return 0;
}

function sysSethostname(_k: KernelServices, p: Process, [name, len]: readonly number[]): number {
  if ((len! >>> 0) > 64) throw new KernelError(EINVAL);
  if (p.creds.uid !== 0) throw new KernelError(EPERM);
  p.ns.uts.hostname = utf8Decode(copyIn(p, name!, len! >>> 0));
  return 0;
}

/**
 * sysinfo(info): uptime, load, memory (the cgroup's limit inside a container, else the
 * machine's), process count. struct sysinfo with 32-bit longs, mem_unit 1.
 */
function sysSysinfo(k: KernelServices, p: Process, [info]: readonly number[]): number {
  const m = k.memoryView(p);
  const [l1, l5, l15] = k.loadAverage();
  let procs = 0;
  for (const _t of p.ns.pid.tasks()) procs++;
  const w = new StructWriter(64).u32(0, Math.floor(k.nowNs() / 1e9))
    .u32(4, Math.round(l1 * 65536)).u32(8, Math.round(l5 * 65536)).u32(12, Math.round(l15 * 65536))
    .u32(16, clamp32(m.total)).u32(20, clamp32(m.free)).u32(24, clamp32(m.shared)).u32(28, 0)
    .u32(32, 0).u32(36, 0).u16(40, Math.min(procs, 0xffff)).u32(44, 0).u32(48, 0).u32(52, 1);
  copyOut(p, info!, w.bytes);
  return 0;
}

const clamp32 = (v: number): number => Math.min(v, 0xffffffff);

/**
 * getrandom(buf, len, flags): bytes from a generator seeded by the process and virtual
 * time — deterministic, as everything in the lab, and not for real secrets.
 */
function sysGetrandom(k: KernelServices, p: Process, [buf, len, flags]: readonly number[]): number {
  if (flags! & ~7) throw new KernelError(EINVAL);
  const n = Math.min(len! >>> 0, 1 << 20);
  const out = new Uint8Array(n);
  let s = (k.entropy = (Math.imul(k.entropy ^ p.id, 0x9e3779b1) + n + (k.now | 0)) >>> 0) || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  copyOut(p, buf!, out);
  return n;
}

export const infoSyscalls: SyscallTable = {
  [nr.SYS_sysinfo]: { name: 'sysinfo', handler: sysSysinfo },
  [nr.SYS_getrandom]: { name: 'getrandom', handler: sysGetrandom },
  [nr.SYS_uname]: { name: 'uname', handler: sysUname },
  [nr.SYS_sethostname]: { name: 'sethostname', handler: sysSethostname },
};
