// /proc for one pid namespace: a synthetic directory whose entries are computed from the
// process table on every lookup, so each container sees only its own processes under
// the pids it knows them by. The files have Linux's formats (proc(5)), enough for
// BusyBox ps, top and free: per process stat, statm, status, cmdline, comm, exe, cwd,
// fd/ and task/; and meminfo, stat, loadavg, uptime, mounts, cpuinfo, self.
// /proc/trapdoor/enosys lists the system calls programs made that the kernel lacks.

import { CORE_HZ } from '../isa/clock.ts';
import { utf8Encode } from './bytes.ts';
import { PAGE_SIZE } from './frame.ts';
import { Inode } from './fs/inode.ts';
import { pathOf } from './fs/path.ts';
import type { KernelServices } from './kernel-services.ts';
import type { PidNamespace } from './namespace.ts';
import type { Process } from './process.ts';
import { KERNEL_RELEASE } from './sys-info.ts';
import { syscallNameOrNumber } from './syscall-names.ts';

const PROC_INO = 0x70000000;
/** USER_HZ: the tick /proc counts CPU time in. */
const HZ = 100;
const ticks = (cycles: number): number => Math.floor((cycles * HZ) / CORE_HZ);

function textFile(ino: number, make: () => string, perm = 0o444): Inode {
  const f = new Inode(ino, 'file', perm);
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

function symlink(ino: number, target: () => string): Inode {
  const l = new Inode(ino, 'symlink', 0o777);
  l.readOnly = true;
  l.dynamicTarget = target;
  return l;
}

/** The one-letter state ps shows (R running, S sleeping, T stopped, Z zombie). */
export function stateLetter(p: Process): string {
  if (p.state === 'zombie') return 'Z';
  if (p.stopped) return 'T';
  return p.state === 'runnable' ? 'R' : 'S';
}

const STATE_WORD: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', T: 'T (stopped)', Z: 'Z (zombie)' };

/** Pages of the address space's regions (VmSize). */
function vmPages(p: Process): number {
  let n = 0;
  for (const r of p.space.regions) n += (r.end - r.start) / PAGE_SIZE;
  return n;
}

function hex64(set: bigint): string {
  return set.toString(16).padStart(16, '0');
}

/** /proc/PID/stat: the 52 fields of proc(5), one line. */
function statLine(k: KernelServices, ns: PidNamespace, p: Process): string {
  const pid = ns.pidOf(p);
  const ppid = p.parent ? ns.pidOf(p.parent) : 0;
  const tty = k.terminalOf(p);
  const rss = p.space.privatePages() + p.space.sharedPages();
  let threads = 0;
  for (const t of p.leader.threads) if (t.state !== 'zombie') threads++;
  const low = (set: bigint): number => Number(set & 0x7fffffffn);
  let ignored = 0n;
  let caught = 0n;
  p.leader.handlers.actions.forEach((a, i) => {
    if (i > 0 && a.handler === 1) ignored |= 1n << BigInt(i - 1);
    else if (i > 0 && a.handler > 1) caught |= 1n << BigInt(i - 1);
  });
  // proc(5): pid comm state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
  // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize
  // rss rsslim startcode endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch
  // wchan nswap cnswap exit_signal processor rt_priority policy ... exit_code (52 fields).
  const fields: (number | string)[] = [
    pid, `(${p.name})`, stateLetter(p), ppid, p.pgid, p.sid, tty?.device ?? 0, tty?.foreground ?? -1,
    0x400000, 0, 0, 0, 0, ticks(p.cpuCycles), 0, ticks(p.childCpuCycles), 0, 20, 0, Math.max(1, threads), 0,
    ticks(p.startCycle), vmPages(p) * PAGE_SIZE, rss, 0xffffffff, 0x10000, 0x40000000, 0x80000000 - 16,
    p.regs[2]! >>> 0, p.pc >>> 0, low(p.sigPending), low(p.sigMask), low(ignored), low(caught),
    0, 0, 0, p.exitSignal, 0, 0, 0,
  ];
  while (fields.length < 52) fields.push(0);
  if (p.state === 'zombie') fields[51] = p.waitStatus;
  return fields.join(' ') + '\n';
}

function statusText(k: KernelServices, ns: PidNamespace, p: Process): string {
  const pid = ns.pidOf(p);
  const kb = (pages: number): string => `${(pages * PAGE_SIZE) / 1024} kB`;
  const priv = p.space.privatePages();
  const shared = p.space.sharedPages();
  let ignored = 0n;
  let caught = 0n;
  p.leader.handlers.actions.forEach((a, i) => {
    if (i === 0) return;
    if (a.handler === 1) ignored |= 1n << BigInt(i - 1);
    else if (a.handler > 1) caught |= 1n << BigInt(i - 1);
  });
  const { uid, gid } = p.creds;
  return [
    `Name:\t${p.name}`, `Umask:\t${p.umask.toString(8).padStart(4, '0')}`, `State:\t${STATE_WORD[stateLetter(p)]}`,
    `Tgid:\t${ns.pidOf(p.leader)}`, 'Ngid:\t0', `Pid:\t${pid}`, `PPid:\t${p.parent ? ns.pidOf(p.parent) : 0}`,
    'TracerPid:\t0', `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`, `Gid:\t${gid}\t${gid}\t${gid}\t${gid}`,
    `FDSize:\t${Math.max(64, p.files.length)}`, `Groups:\t${gid}`, `NSpid:\t${pid}`,
    `VmPeak:\t${kb(vmPages(p))}`, `VmSize:\t${kb(vmPages(p))}`, `VmRSS:\t${kb(priv + shared)}`,
    `RssAnon:\t${kb(priv)}`, `RssFile:\t${kb(shared)}`, `RssShmem:\t${kb(shared)}`,
    `Threads:\t${Math.max(1, p.leader.threads.size)}`,
    `SigPnd:\t${hex64(p.sigPending)}`, `ShdPnd:\t${hex64(0n)}`, `SigBlk:\t${hex64(p.sigMask)}`,
    `SigIgn:\t${hex64(ignored)}`, `SigCgt:\t${hex64(caught)}`, '',
  ].join('\n');
}

function fdDir(k: KernelServices, base: number, p: Process): Inode {
  return dynamicDir(base + 9, () => {
    const m = new Map<string, Inode>();
    p.files.forEach((f, fd) => {
      if (!f) return;
      m.set(String(fd), symlink(base + 0x1000 + fd, () => {
        const node = f.inode();
        if (!node) return `pipe:[${k.pipeId(f)}]`;
        if (node.type === 'chardev') return `/dev/${node.device}`;
        return pathOf(p.root, node);
      }));
    });
    return m;
  });
}

function processDir(k: KernelServices, ns: PidNamespace, p: Process, parent: Inode, withTasks = true): Inode {
  const pid = ns.pidOf(p);
  const base = PROC_INO + pid * 16;
  const dir = dynamicDir(base, () => {
    const m = new Map<string, Inode>([
      ['..', parent],
      ['comm', textFile(base + 1, () => `${p.name}\n`)],
      ['cmdline', textFile(base + 2, () => (p.state === 'zombie' ? '' : p.argv.map((a) => `${a}\0`).join('')))],
      ['status', textFile(base + 3, () => statusText(k, ns, p))],
      ['cgroup', textFile(base + 4, () => `0::${p.cgroup.path()}\n`)],
      ['stat', textFile(base + 5, () => statLine(k, ns, p))],
      ['statm', textFile(base + 6, () => {
        const shared = p.space.sharedPages();
        return `${vmPages(p)} ${p.space.privatePages() + shared} ${shared} ${shared} 0 ${p.space.privatePages()} 0\n`;
      })],
      ['exe', symlink(base + 7, () => p.exePath || `/${p.name}`)],
      ['cwd', symlink(base + 8, () => pathOf(p.root, p.cwd))],
      ['root', symlink(base + 10, () => '/')],
      ['fd', fdDir(k, base, p)],
    ]);
    if (withTasks) {
      m.set('task', dynamicDir(base + 11, () => {
        const t = new Map<string, Inode>([['..', dir]]);
        for (const th of p.leader.threads) t.set(String(ns.pidOf(th)), processDir(k, ns, th, dir, false));
        return t;
      }));
    }
    return m;
  });
  return dir;
}

function meminfo(k: KernelServices, ns: PidNamespace): string {
  const viewer = k.current && k.current.ns.pid === ns ? k.current : null;
  const m = viewer ? k.memoryView(viewer) : k.memoryView(null);
  const kb = (bytes: number): string => `${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
  return [
    `MemTotal:       ${kb(m.total)}`, `MemFree:        ${kb(m.free)}`, `MemAvailable:   ${kb(m.free)}`,
    `Buffers:        ${kb(0)}`, `Cached:         ${kb(m.shared)}`, `SwapCached:     ${kb(0)}`,
    `Active:         ${kb(m.used)}`, `Inactive:       ${kb(0)}`, `SwapTotal:      ${kb(0)}`,
    `SwapFree:       ${kb(0)}`, `Shmem:          ${kb(0)}`, `SReclaimable:   ${kb(0)}`, '',
  ].join('\n');
}

function cpuStat(k: KernelServices, ns: PidNamespace): string {
  const idle = ticks(k.cpu.clock.idleCycles);
  const busy = ticks(k.now) - idle;
  let running = 0;
  let count = 0;
  for (const t of ns.tasks()) {
    count++;
    if ((t as Process).state === 'runnable') running++;
  }
  const cpu = `${busy} 0 0 ${idle} 0 0 0 0 0 0`;
  return [
    `cpu  ${cpu}`, `cpu0 ${cpu}`, 'intr 0', `ctxt ${k.eventCounts['context-switch'] ?? 0}`, 'btime 1704067200',
    `processes ${k.nextProcessId - 1}`, `procs_running ${Math.max(1, running)}`, 'procs_blocked 0',
    `softirq 0`, '',
  ].join('\n') + (count < 0 ? '' : '');
}

/**
 * The /proc directory for processes in `ns`, to place in a root directory. `parent` is the
 * directory it is mounted in: its ".." (cd /proc; cd .. returns there, as across a mount point).
 */
export function procfs(k: KernelServices, ns: PidNamespace, parent: Inode | null = null): Inode {
  const root: Inode = dynamicDir(PROC_INO, () => {
    const m = new Map<string, Inode>();
    if (parent) m.set('..', parent);
    for (const t of ns.tasks()) {
      const p = t as Process;
      if (p.leader === p) m.set(String(ns.pidOf(p)), processDir(k, ns, p, root));
    }
    m.set('uptime', textFile(PROC_INO + 1, () => {
      const s = k.now / CORE_HZ;
      return `${s.toFixed(2)} ${(k.cpu.clock.idleCycles / CORE_HZ).toFixed(2)}\n`;
    }));
    m.set('version', textFile(PROC_INO + 2, () => `Linux version ${KERNEL_RELEASE} (trapdoor) #1 SMP Trapdoor\n`));
    m.set('self', symlink(PROC_INO + 3, () => String(k.current ? ns.pidOf(k.current.leader) : 0)));
    m.set('thread-self', symlink(PROC_INO + 4, () => (k.current ? `${ns.pidOf(k.current.leader)}/task/${ns.pidOf(k.current)}` : '0')));
    m.set('meminfo', textFile(PROC_INO + 5, () => meminfo(k, ns)));
    m.set('stat', textFile(PROC_INO + 6, () => cpuStat(k, ns)));
    m.set('loadavg', textFile(PROC_INO + 7, () => {
      const [a, b, c] = k.loadAverage();
      let running = 0;
      let all = 0;
      for (const t of ns.tasks()) {
        all++;
        if ((t as Process).state === 'runnable') running++;
      }
      return `${a.toFixed(2)} ${b.toFixed(2)} ${c.toFixed(2)} ${Math.max(1, running)}/${all} ${k.nextProcessId - 1}\n`;
    }));
    m.set('mounts', textFile(PROC_INO + 8, () => 'rootfs / rootfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec 0 0\ntmpfs /tmp tmpfs rw 0 0\n'));
    m.set('cpuinfo', textFile(PROC_INO + 9, () => 'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv32ima\nmmu\t\t: none\nuarch\t\t: trapdoor\n\n'));
    m.set('filesystems', textFile(PROC_INO + 10, () => 'nodev\tproc\nnodev\tcgroup2\nnodev\ttmpfs\n'));
    m.set('trapdoor', dynamicDir(PROC_INO + 11, () => new Map<string, Inode>([
      ['..', root],
      ['enosys', textFile(PROC_INO + 12, () => [...k.enosys].sort((a, b) => a[0] - b[0])
        .map(([num, count]) => `${num} ${syscallNameOrNumber(num)} ${count}\n`).join(''))],
    ])));
    return m;
  });
  root.synthetic = { kind: 'proc', ns, parent };
  return root;
}
