// /proc for one pid namespace: a synthetic directory whose entries are computed from the
// process table on every lookup, so each container sees only its own processes under
// the pids it knows them by.

import { CORE_HZ } from '../isa/clock.ts';
import { utf8Encode } from './bytes.ts';
import { PAGE_SIZE } from './frame.ts';
import { Inode } from './fs/inode.ts';
import type { Kernel } from './kernel.ts';
import type { PidNamespace } from './namespace.ts';
import type { Process } from './process.ts';
import { KERNEL_RELEASE } from './sys-info.ts';

const PROC_INO = 0x70000000;

function textFile(ino: number, make: () => string): Inode {
  const f = new Inode(ino, 'file', 0o444);
  f.readOnly = true;
  f.dynamicContents = () => utf8Encode(make());
  return f;
}

function dynamicDir(ino: number, make: () => Map<string, Inode>): Inode {
  const d = new Inode(ino, 'dir', 0o555);
  d.readOnly = true;
  d.dynamicEntries = make;
  return d;
}

const STATE: Record<Process['state'], string> = { runnable: 'R (running)', sleeping: 'S (sleeping)', zombie: 'Z (zombie)' };

function processDir(ns: PidNamespace, p: Process, parent: Inode): Inode {
  const pid = ns.pidOf(p);
  const base = PROC_INO + pid * 16;
  const dir = dynamicDir(base, () => new Map<string, Inode>([
    ['..', parent],
    ['comm', textFile(base + 1, () => `${p.name}\n`)],
    ['cmdline', textFile(base + 2, () => p.argv.map((a) => `${a}\0`).join(''))],
    ['status', textFile(base + 3, () => [
      `Name:\t${p.name}`, `State:\t${STATE[p.state]}`, `Pid:\t${pid}`,
      `PPid:\t${p.parent ? ns.pidOf(p.parent) : 0}`, `Uid:\t${p.creds.uid}`,
      `VmRSS:\t${(p.space.privatePages() * PAGE_SIZE) / 1024} kB`,
      `RssShmem:\t${(p.space.sharedPages() * PAGE_SIZE) / 1024} kB`, '',
    ].join('\n'))],
    ['cgroup', textFile(base + 4, () => `0::${p.cgroup.path()}\n`)],
  ]));
  return dir;
}

/** The /proc directory for processes in `ns`, to place in a root directory. */
export function procfs(k: Kernel, ns: PidNamespace): Inode {
  const root: Inode = dynamicDir(PROC_INO, () => {
    const m = new Map<string, Inode>();
    for (const t of ns.tasks()) {
      const p = t as Process;
      m.set(String(ns.pidOf(p)), processDir(ns, p, root));
    }
    m.set('uptime', textFile(PROC_INO + 1, () => {
      const s = k.now / CORE_HZ;
      return `${s.toFixed(2)} ${(k.cpu.clock.idleCycles / CORE_HZ).toFixed(2)}\n`;
    }));
    m.set('version', textFile(PROC_INO + 2, () => `Linux version ${KERNEL_RELEASE} (trapdoor) #1 SMP Trapdoor\n`));
    return m;
  });
  root.synthetic = { kind: 'proc', ns };
  return root;
}
