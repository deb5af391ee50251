// Namespaces: the isolated views a container's processes have of the one kernel.
// pid: numbers are per namespace (a container's first process is pid 1; the host sees
// its real pid); uts: hostname; mount: the root directory; user: who "root" is outside.

import type { Inode } from './fs/inode.ts';

export class PidNamespace {
  private nextPid = 1;
  private readonly byPid = new Map<number, object>();
  private readonly pidOfTask = new Map<object, number>();
  readonly level: number;

  constructor(readonly parent: PidNamespace | null) {
    this.level = parent ? parent.level + 1 : 0;
  }

  /** Gives a task a number here and in every ancestor namespace (it is visible there too). */
  attach(task: object): void {
    for (let ns: PidNamespace | null = this; ns; ns = ns.parent) {
      const pid = ns.nextPid++;
      ns.byPid.set(pid, task);
      ns.pidOfTask.set(task, pid);
    }
  }

  detach(task: object): void {
    for (let ns: PidNamespace | null = this; ns; ns = ns.parent) {
      const pid = ns.pidOfTask.get(task);
      if (pid === undefined) continue;
      ns.byPid.delete(pid);
      ns.pidOfTask.delete(task);
    }
  }

  /** The task's pid as seen from this namespace; 0 when it is not visible here. */
  pidOf(task: object): number {
    return this.pidOfTask.get(task) ?? 0;
  }

  /** The task with this pid in this namespace, if visible. */
  task(pid: number): object | undefined {
    return this.byPid.get(pid);
  }

  tasks(): IterableIterator<object> {
    return this.byPid.values();
  }

  /** pid -> task in allocation order, and the next pid (checkpoints). */
  getState(): { nextPid: number; tasks: [number, object][] } {
    return { nextPid: this.nextPid, tasks: [...this.byPid] };
  }

  setState(nextPid: number, tasks: [number, object][]): void {
    this.nextPid = nextPid;
    this.byPid.clear();
    this.pidOfTask.clear();
    for (const [pid, task] of tasks) {
      this.byPid.set(pid, task);
      this.pidOfTask.set(task, pid);
    }
  }
}

export class UtsNamespace {
  constructor(public hostname: string, public domainname = '(none)') {}
  clone(): UtsNamespace {
    return new UtsNamespace(this.hostname, this.domainname);
  }
}

export class MountNamespace {
  constructor(public root: Inode) {}
}

/** Root inside maps to an unprivileged id outside (uid_map "0 outsideUid 1"). */
export class UserNamespace {
  constructor(readonly outsideUid: number, readonly outsideGid: number) {}
}

export interface NamespaceSet {
  pid: PidNamespace;
  uts: UtsNamespace;
  mnt: MountNamespace;
  user: UserNamespace;
}
