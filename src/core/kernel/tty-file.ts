// An open terminal (a descriptor on /dev/pts/N or /dev/tty) and the terminal ioctls
// (ioctl_tty(2)): termios, window size, foreground process group, controlling terminal.

import { EINVAL, ENOTTY, EPERM, KernelError } from './errno.ts';
import { Block, OpenFile } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { KernelServices } from './kernel-services.ts';
import type { Process } from './process.ts';
import { TERMIOS_SIZE, Terminal, parseTermios, termiosBytes } from './tty.ts';
import { StructWriter, copyIn, copyOut, writeU32 } from './user-memory.ts';

export const TCGETS = 0x5401;
export const TCSETS = 0x5402;
export const TCSETSW = 0x5403;
export const TCSETSF = 0x5404;
export const TCSBRK = 0x5409;
export const TCXONC = 0x540a;
export const TCFLSH = 0x540b;
export const TIOCSCTTY = 0x540e;
export const TIOCGPGRP = 0x540f;
export const TIOCSPGRP = 0x5410;
export const TIOCOUTQ = 0x5411;
export const TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414;
export const FIONREAD = 0x541b;
export const TIOCNOTTY = 0x5422;
export const TIOCGSID = 0x5429;
export const TIOCGPTN = 0x80045430;

export class TtyFile extends OpenFile {
  constructor(readonly terminal: Terminal) {
    super(true, true);
  }

  read(length: number, caller?: number): Uint8Array | Block {
    return this.terminal.read(length, this.process(caller));
  }

  write(bytes: Uint8Array, caller?: number): number | Block {
    return this.terminal.write(bytes, this.process(caller));
  }

  private process(id: number | undefined): Process | undefined {
    return id === undefined ? undefined : this.terminal.k.processes.get(id);
  }

  override poll(): { readable: boolean; writable: boolean; hangup: boolean; channel: object | null } {
    return { readable: this.terminal.readable(), writable: true, hangup: this.terminal.hungUp, channel: this.terminal };
  }

  override inode(): Inode {
    return this.terminal.node;
  }
}

function readInt(p: Process, addr: number): number {
  return new DataView(copyIn(p, addr, 4).buffer).getInt32(0, true);
}

export function ttyIoctl(k: KernelServices, p: Process, t: Terminal, cmd: number, arg: number): number | Block {
  switch (cmd >>> 0) {
    case TCGETS:
      copyOut(p, arg, termiosBytes(t.termios));
      return 0;
    case TCSETS: case TCSETSW: case TCSETSF: {
      const next = parseTermios(copyIn(p, arg, TERMIOS_SIZE));
      if ((cmd >>> 0) === TCSETSF) t.flushInput();
      t.termios = next;
      k.wakeup(t); // a reader waiting for a line may now be in raw mode
      return 0;
    }
    case TCSBRK: case TCXONC: return 0;
    case TCFLSH:
      if (arg < 0 || arg > 2) throw new KernelError(EINVAL);
      if (arg !== 1) t.flushInput();
      return 0;
    case TIOCSCTTY:
      if (p.leader.sid !== p.pid) throw new KernelError(EPERM);
      if (k.terminalOf(p) === t) return 0;
      if (t.session && p.creds.uid !== 0) throw new KernelError(EPERM);
      t.attach(p);
      return 0;
    case TIOCGPGRP:
      if (k.terminalOf(p) !== t) throw new KernelError(ENOTTY);
      writeU32(p, arg, t.foreground);
      return 0;
    case TIOCSPGRP:
      return t.setForeground(p, readInt(p, arg)) ?? 0;
    case TIOCOUTQ:
      writeU32(p, arg, 0);
      return 0;
    case TIOCGWINSZ:
      copyOut(p, arg, new StructWriter(8).u16(0, t.rows).u16(2, t.cols).bytes);
      return 0;
    case TIOCSWINSZ: {
      const v = new DataView(copyIn(p, arg, 8).buffer);
      t.resize(v.getUint16(2, true), v.getUint16(0, true));
      return 0;
    }
    case FIONREAD:
      writeU32(p, arg, t.available);
      return 0;
    case TIOCNOTTY:
      if (k.terminalOf(p) !== t) throw new KernelError(ENOTTY);
      if (p.leader.sid === p.pid) t.sessionEnded();
      return 0;
    case TIOCGSID:
      if (k.terminalOf(p) !== t) throw new KernelError(ENOTTY);
      writeU32(p, arg, t.session!.sid);
      return 0;
    default:
      throw new KernelError(ENOTTY);
  }
}
