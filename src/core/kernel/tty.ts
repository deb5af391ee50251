// A terminal (tty) with Linux's line discipline (N_TTY, drivers/tty/n_tty.c). Keys from
// the host go in through input(); what programs write, and the echo of what is typed, go
// out to the host's sink. In canonical mode (ICANON) input is edited a line at a time —
// erase (^? / ^H), kill (^U), word erase (^W), end of file (^D) — and read() returns whole
// lines; in raw mode bytes are handed over as they come (VMIN/VTIME). With ISIG, ^C, ^\ and
// ^Z send SIGINT, SIGQUIT and SIGTSTP to the foreground process group. The terminal
// belongs to one session; job control moves its foreground group (TIOCSPGRP), and a
// background process that reads from it gets SIGTTIN. termios and the window size are
// set through ioctl (TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, which sends SIGWINCH).

import { EINVAL, EIO, ENOTTY, EPERM, KernelError } from './errno.ts';
import { Block } from './file.ts';
import type { Inode } from './fs/inode.ts';
import type { PidNamespace } from './namespace.ts';
import type { Process } from './process.ts';
import { SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIG_IGN, SI_KERNEL, sigbit, userInfo } from './signal.ts';
import { sendSignal, type SignalKernel } from './signal-delivery.ts';
import { StructWriter } from './user-memory.ts';

// termios flags (asm-generic/termbits.h)
export const ICRNL = 0o400;
export const INLCR = 0o100;
export const IGNCR = 0o200;
export const IXON = 0o2000;
export const OPOST = 0o1;
export const ONLCR = 0o4;
export const ISIG = 0o1;
export const ICANON = 0o2;
export const ECHO = 0o10;
export const ECHOE = 0o20;
export const ECHOK = 0o40;
export const ECHONL = 0o100;
export const NOFLSH = 0o200;
export const TOSTOP = 0o400;
export const ECHOCTL = 0o1000;
export const ECHOKE = 0o4000;
export const IEXTEN = 0o100000;
export const VINTR = 0;
export const VQUIT = 1;
export const VERASE = 2;
export const VKILL = 3;
export const VEOF = 4;
export const VTIME = 5;
export const VMIN = 6;
export const VSUSP = 10;
export const VEOL = 11;
export const VREPRINT = 12;
export const VWERASE = 14;
export const VLNEXT = 15;
export const VEOL2 = 16;
const NCCS = 19;
/** struct termios as the kernel's ioctls see it: 4 flag words, c_line, c_cc[19]. */
export const TERMIOS_SIZE = 36;

export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: number[];
}

/** What a fresh Linux tty starts with (stty sane). */
export function defaultTermios(): Termios {
  const cc = new Array<number>(NCCS).fill(0);
  Object.assign(cc, { [VINTR]: 3, [VQUIT]: 0x1c, [VERASE]: 0x7f, [VKILL]: 0x15, [VEOF]: 4, [VTIME]: 0, [VMIN]: 1,
    8: 0x11, 9: 0x13, [VSUSP]: 0x1a, [VREPRINT]: 0x12, 13: 0x0f, [VWERASE]: 0x17, [VLNEXT]: 0x16 });
  return {
    iflag: ICRNL | IXON, oflag: OPOST | ONLCR, cflag: 0o277 | 0o2000 | 0o200 /* B38400 CS8 CREAD HUPCL */,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, line: 0, cc,
  };
}

export function termiosBytes(t: Termios): Uint8Array {
  const w = new StructWriter(TERMIOS_SIZE).u32(0, t.iflag).u32(4, t.oflag).u32(8, t.cflag).u32(12, t.lflag).u8(16, t.line);
  t.cc.forEach((c, i) => w.u8(17 + i, c));
  return w.bytes;
}

export function parseTermios(b: Uint8Array): Termios {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    iflag: v.getUint32(0, true), oflag: v.getUint32(4, true), cflag: v.getUint32(8, true),
    lflag: v.getUint32(12, true), line: b[16]!, cc: Array.from(b.subarray(17, 17 + NCCS)),
  };
}

export class Terminal {
  termios = defaultTermios();
  rows = 24;
  cols = 80;
  /** The session this is the controlling terminal of: its namespace and sid. */
  session: { ns: PidNamespace; sid: number } | null = null;
  /** The foreground process group (a pgid in the session's namespace). */
  foreground = 0;
  /** Complete input ready for read(): whole lines in canonical mode. */
  private ready: number[] = [];
  /** ^D on an empty line: the next read returns 0 (end of file) once. */
  private eofs = 0;
  /** The canonical line being edited. */
  private line: number[] = [];
  private literalNext = false;
  hungUp = false;

  constructor(
    readonly k: SignalKernel,
    /** /dev/pts/N or /dev/console's inode (for fstat and ttyname). */
    readonly node: Inode,
    /** Where output and echo go (the host's screen). */
    public sink: (bytes: Uint8Array) => void,
    /** Device number for /proc/PID/stat's tty_nr (major << 8 | minor). */
    readonly device: number,
  ) {}

  // ---- the host's side ------------------------------------------------------------------

  /** Bytes typed on the host's keyboard, through the line discipline. */
  input(bytes: Uint8Array): void {
    for (const b of bytes) this.receive(b);
    this.k.wakeup(this);
  }

  /** The host's window changed size: like TIOCSWINSZ, with SIGWINCH to the foreground. */
  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.signalForeground(SIGWINCH);
  }

  /** The host closed the terminal: readers see end of file, the session gets SIGHUP. */
  hangup(): void {
    this.hungUp = true;
    this.signalForeground(SIGHUP);
    this.signalForeground(SIGCONT);
    this.k.wakeup(this);
  }

  // ---- the line discipline --------------------------------------------------------------

  private receive(input: number): void {
    const t = this.termios;
    let c = input;
    if (this.literalNext) {
      this.literalNext = false;
      this.accept(c);
      return;
    }
    if (c === 13) {
      if (t.iflag & IGNCR) return;
      if (t.iflag & ICRNL) c = 10;
    } else if (c === 10 && t.iflag & INLCR) {
      c = 13;
    }
    const cc = t.cc;
    if (t.lflag & ISIG) {
      const sig = c === cc[VINTR] ? SIGINT : c === cc[VQUIT] ? SIGQUIT : c === cc[VSUSP] ? SIGTSTP : 0;
      if (sig && c !== 0) {
        if (!(t.lflag & NOFLSH)) {
          this.line = [];
          this.ready = [];
        }
        this.echoControl(c);
        this.signalForeground(sig);
        return;
      }
    }
    if (t.lflag & ICANON) {
      if (c === cc[VERASE] || (c === 8 && cc[VERASE] === 0x7f)) return this.erase(1);
      if (c === cc[VWERASE] && t.lflag & IEXTEN) return this.eraseWord();
      if (c === cc[VKILL]) return this.erase(this.line.length, true);
      if (c === cc[VLNEXT] && t.lflag & IEXTEN) {
        this.literalNext = true;
        return;
      }
      if (c === cc[VEOF] && c !== 0) {
        // End of file: what is on the line so far becomes readable; on an empty line, EOF.
        if (this.line.length === 0) this.eofs++;
        else this.ready.push(...this.line.splice(0));
        return;
      }
      if (c === 10 || (c === cc[VEOL] && c !== 0) || (c === cc[VEOL2] && c !== 0)) {
        this.line.push(c);
        this.ready.push(...this.line.splice(0));
        if (t.lflag & (ECHO | ECHONL)) this.output([c]);
        return;
      }
    }
    this.accept(c);
  }

  /** An ordinary character: onto the line (canonical) or straight to readers (raw). */
  private accept(c: number): void {
    if (this.termios.lflag & ICANON) this.line.push(c);
    else this.ready.push(c);
    if (this.termios.lflag & ECHO) {
      if (c < 32 && c !== 9 && c !== 10 && this.termios.lflag & ECHOCTL) this.output([94, c + 64]);
      else this.output([c]);
    }
  }

  private echoControl(c: number): void {
    if ((this.termios.lflag & (ECHO | ECHOCTL)) === (ECHO | ECHOCTL)) this.output([94, c === 0x7f ? 63 : c + 64, 10]);
    else if (this.termios.lflag & ECHO) this.output([10]);
  }

  private erase(n: number, kill = false): void {
    const t = this.termios;
    for (let i = 0; i < n && this.line.length > 0; i++) {
      const c = this.line.pop()!;
      if (!(t.lflag & ECHO)) continue;
      const width = c < 32 && c !== 9 && t.lflag & ECHOCTL ? 2 : 1;
      if (t.lflag & (kill ? ECHOKE : ECHOE)) this.output(new Array(width).fill([8, 32, 8]).flat());
    }
    if (kill && t.lflag & ECHO && !(t.lflag & ECHOKE) && t.lflag & ECHOK) this.output([10]);
  }

  private eraseWord(): void {
    let n = 0;
    let i = this.line.length;
    while (i > 0 && this.line[i - 1] === 32) { i--; n++; }
    while (i > 0 && this.line[i - 1] !== 32) { i--; n++; }
    this.erase(n);
  }

  /** Output processing (OPOST/ONLCR: \n becomes \r\n), then the sink. */
  output(bytes: ArrayLike<number>): void {
    const t = this.termios;
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === 10 && (t.oflag & (OPOST | ONLCR)) === (OPOST | ONLCR)) out.push(13);
      out.push(c);
    }
    this.sink(Uint8Array.from(out));
  }

  /** Signals from the keyboard go to every process of the foreground group. */
  signalForeground(sig: number): void {
    if (!this.session || !this.foreground) return;
    for (const task of [...this.session.ns.tasks()]) {
      const p = task as Process;
      if (p.leader !== p || p.pgid !== this.foreground || p.ns.pid !== this.session.ns || p.state === 'zombie') continue;
      // Linux would spare a namespace's init without a handler (SIGNAL_UNKILLABLE), so ^C
      // would not stop `container run -it alpine spin`; the lab behaves as docker --init
      // does instead: the keyboard's signals reach the program in front.
      sendSignal(this.k, p, sig, userInfo(sig, 0, 0, SI_KERNEL));
    }
  }

  // ---- the programs' side --------------------------------------------------------------

  /** Is p in this terminal's session, and is it in the foreground? */
  private inSession(p: Process): boolean {
    return this.session !== null && p.ns.pid === this.session.ns && p.leader.sid === this.session.sid;
  }

  /** Job control for a reader: a background process gets SIGTTIN (or EIO if it ignores it). */
  private checkBackground(p: Process | undefined, sig: number): Block | null {
    if (!p || !this.inSession(p) || p.leader.pgid === this.foreground) return null;
    const ignored = p.leader.handlers.get(sig).handler === SIG_IGN || (p.sigMask & sigbit(sig)) !== 0n;
    if (ignored) {
      if (sig === SIGTTIN) throw new KernelError(EIO);
      return null;
    }
    for (const task of [...p.ns.pid.tasks()]) {
      const q = task as Process;
      if (q.leader === q && q.pgid === p.leader.pgid && q.state !== 'zombie') sendSignal(this.k, q, sig, userInfo(sig, 0, 0, SI_KERNEL));
    }
    return new Block(this);
  }

  read(length: number, caller?: Process): Uint8Array | Block {
    const bg = this.checkBackground(caller, SIGTTIN);
    if (bg) return bg;
    if (length === 0) return new Uint8Array(0);
    const t = this.termios;
    if (t.lflag & ICANON) {
      const nl = this.ready.indexOf(10);
      if (this.ready.length === 0) {
        if (this.eofs > 0) {
          this.eofs--;
          return new Uint8Array(0);
        }
        return this.hungUp ? new Uint8Array(0) : new Block(this);
      }
      // One line at most per read (or what ^D released).
      const lineEnd = nl < 0 ? this.ready.length : nl + 1;
      return Uint8Array.from(this.ready.splice(0, Math.min(length, lineEnd)));
    }
    const min = Math.min(t.cc[VMIN]!, length);
    if (this.ready.length === 0 && this.hungUp) return new Uint8Array(0);
    if (this.ready.length < Math.max(min, 1) && min > 0) return new Block(this);
    return Uint8Array.from(this.ready.splice(0, length));
  }

  write(bytes: Uint8Array, caller?: Process): number | Block {
    if (this.hungUp) throw new KernelError(EIO);
    if (this.termios.lflag & TOSTOP) {
      const bg = this.checkBackground(caller, SIGTTOU);
      if (bg) return bg;
    }
    this.output(bytes);
    return bytes.length;
  }

  /** Bytes a read could return now (FIONREAD). */
  get available(): number {
    if (this.termios.lflag & ICANON) {
      const nl = this.ready.indexOf(10);
      return nl < 0 ? this.ready.length : nl + 1;
    }
    return this.ready.length;
  }

  readable(): boolean {
    if (this.hungUp || this.eofs > 0) return true;
    if (this.termios.lflag & ICANON) return this.ready.length > 0;
    return this.ready.length >= Math.max(1, this.termios.cc[VMIN]!) || (this.termios.cc[VMIN] === 0);
  }

  /** TCSETSF: the typed input not yet read is dropped. */
  flushInput(): void {
    this.ready = [];
    this.line = [];
    this.eofs = 0;
  }

  /**
   * Becomes the controlling terminal of p's session (open without O_NOCTTY by a session
   * leader that has none, or TIOCSCTTY); its group is the foreground.
   */
  attach(p: Process): void {
    this.session = { ns: p.ns.pid, sid: p.leader.sid };
    this.foreground = p.leader.pgid;
    this.hungUp = false;
  }

  /**
   * TIOCSPGRP: a process of the session moves the foreground to a group of the session.
   * From the background that stops the caller's group with SIGTTOU, unless it ignores or
   * blocks SIGTTOU (as shells do).
   */
  setForeground(p: Process, pgid: number): Block | null {
    if (!this.inSession(p)) throw new KernelError(ENOTTY);
    if (pgid <= 0) throw new KernelError(EINVAL);
    const bg = this.checkBackground(p, SIGTTOU);
    if (bg) return bg;
    let exists = false;
    for (const task of p.ns.pid.tasks()) {
      const q = task as Process;
      if (q.pgid === pgid && q.leader.sid === p.leader.sid && q.state !== 'zombie') exists = true;
    }
    if (!exists) throw new KernelError(EPERM);
    this.foreground = pgid;
    return null;
  }

  /** The session leader is gone: SIGHUP and SIGCONT to the foreground, no session any more. */
  sessionEnded(): void {
    this.signalForeground(SIGHUP);
    this.signalForeground(SIGCONT);
    this.session = null;
    this.foreground = 0;
  }
}
