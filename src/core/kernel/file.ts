// Open file descriptions (Unix "struct file"): what a file descriptor points at. Several
// descriptors (dup, fork) may share one description, and with it the offset. A read or
// write that must wait returns a Block naming the channel to sleep on; the system call
// is then restarted when that channel is woken (see scheduler.ts).

import { EBADF, EINVAL, EISDIR, EPIPE, ESPIPE, KernelError } from './errno.ts';
import type { Inode } from './fs/inode.ts';

/**
 * How a system call that put the process to sleep ends if a signal handler interrupts it:
 * 'restart' re-executes the call after the handler when SA_RESTART is set (else -EINTR:
 * Linux's ERESTARTSYS), 'eintr' always fails with -EINTR (ERESTARTNOHAND: poll, sigsuspend),
 * 'complete' has already stored its result and only turns it into -EINTR (nanosleep, futex).
 */
export type SleepKind = 'restart' | 'eintr' | 'complete';

/** "Sleep on this channel and retry the call": xv6 sleep(chan) for a restartable call. */
export class Block {
  constructor(
    readonly channel: object,
    /** How a signal handler ends the call (see Process.sleepKind). */
    readonly kind: SleepKind = 'restart',
    /** poll: more channels, any of which wakes the sleeper. */
    readonly others: object[] = [],
    /** A virtual cycle at which to wake anyway (a timeout), or null. */
    readonly deadline: number | null = null,
  ) {}
}

export abstract class OpenFile {
  refs = 1;
  /** O_NONBLOCK: a read or write that would wait fails with EAGAIN instead. */
  nonblock = false;
  constructor(
    readonly readable: boolean,
    readonly writable: boolean,
  ) {}
  /**
   * `caller` is the global id of the process reading or writing (a terminal checks its
   * process group); files know processes only by id, as processes hold files.
   */
  abstract read(length: number, caller?: number): Uint8Array | Block;
  abstract write(bytes: Uint8Array, caller?: number): number | Block;
  /**
   * For poll: can a read or write be done now without waiting (end-of-file and errors
   * count as ready), and the channel to sleep on until that may change.
   */
  poll(): { readable: boolean; writable: boolean; hangup: boolean; channel: object | null } {
    return { readable: true, writable: true, hangup: false, channel: null };
  }
  /** Repositions the offset; only regular files and directories can seek. */
  seek(_offset: number, _whence: number): number {
    throw new KernelError(ESPIPE);
  }
  /** The inode for fstat, or null for pipes (fstat then reports a FIFO). */
  inode(): Inode | null {
    return null;
  }
  /** Called when the last descriptor referring to this description is closed. */
  release(): void {}
}

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

/** A regular file or directory opened by path. */
export class InodeFile extends OpenFile {
  offset = 0;
  constructor(
    readonly node: Inode,
    readable: boolean,
    writable: boolean,
    public append: boolean,
  ) {
    super(readable, writable);
  }

  read(length: number): Uint8Array {
    if (!this.readable) throw new KernelError(EBADF);
    if (this.node.type === 'dir') throw new KernelError(EISDIR);
    const bytes = this.node.contents().slice(this.offset, this.offset + length);
    this.offset += bytes.length;
    return bytes;
  }

  write(bytes: Uint8Array): number {
    if (!this.writable) throw new KernelError(EBADF);
    if (this.node.onWrite) {
      this.node.onWrite(bytes);
      return bytes.length;
    }
    if (this.append) this.offset = this.node.size;
    this.node.writeAt(this.offset, bytes);
    this.offset += bytes.length;
    return bytes.length;
  }

  override seek(offset: number, whence: number): number {
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.offset
      : whence === SEEK_END ? this.node.size : NaN;
    const next = base + offset;
    if (!(next >= 0)) throw new KernelError(EINVAL);
    this.offset = next;
    return next;
  }

  override inode(): Inode {
    return this.node;
  }
}

/** A pipe: a bounded byte queue with a read end and a write end (xv6 pipe.c). */
export class Pipe {
  static readonly CAPACITY = 65536;
  private chunks: Uint8Array[] = [];

  /** The buffered bytes, oldest first (checkpoints). */
  contents(): Uint8Array {
    const out = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  setContents(bytes: Uint8Array): void {
    this.chunks = bytes.length > 0 ? [bytes.slice()] : [];
    this.buffered = bytes.length;
  }
  buffered = 0;
  readers = 0;
  writers = 0;

  take(length: number): Uint8Array {
    const out = new Uint8Array(Math.min(length, this.buffered));
    let n = 0;
    while (n < out.length) {
      const head = this.chunks[0]!;
      const k = Math.min(head.length, out.length - n);
      out.set(head.subarray(0, k), n);
      n += k;
      if (k === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(k);
    }
    this.buffered -= n;
    return out;
  }

  put(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.buffered += bytes.length;
  }
}

export class PipeEnd extends OpenFile {
  /** Set by the kernel: wakes processes sleeping on the pipe. */
  constructor(
    readonly pipe: Pipe,
    isWriteEnd: boolean,
    private readonly wakeup: (channel: object) => void,
    /** Restoring a checkpoint: the pipe's reader/writer counts are restored with it. */
    counted = true,
  ) {
    super(!isWriteEnd, isWriteEnd);
    if (!counted) return;
    if (isWriteEnd) pipe.writers++;
    else pipe.readers++;
  }

  read(length: number): Uint8Array | Block {
    if (!this.readable) throw new KernelError(EBADF);
    if (this.pipe.buffered === 0) {
      return this.pipe.writers > 0 && length > 0 ? new Block(this.pipe) : new Uint8Array(0);
    }
    const bytes = this.pipe.take(length);
    this.wakeup(this.pipe);
    return bytes;
  }

  write(bytes: Uint8Array): number | Block {
    if (!this.writable) throw new KernelError(EBADF);
    if (this.pipe.readers === 0) throw new KernelError(EPIPE);
    const room = Pipe.CAPACITY - this.pipe.buffered;
    if (room === 0) return new Block(this.pipe);
    const n = Math.min(room, bytes.length);
    this.pipe.put(bytes.subarray(0, n));
    this.wakeup(this.pipe);
    return n;
  }

  override poll(): { readable: boolean; writable: boolean; hangup: boolean; channel: object | null } {
    const pipe = this.pipe;
    return {
      readable: this.readable && (pipe.buffered > 0 || pipe.writers === 0),
      writable: this.writable && (pipe.buffered < Pipe.CAPACITY || pipe.readers === 0),
      hangup: this.readable ? pipe.writers === 0 : pipe.readers === 0,
      channel: pipe,
    };
  }

  override release(): void {
    if (this.writable) this.pipe.writers--;
    else this.pipe.readers--;
    this.wakeup(this.pipe);
  }
}

/**
 * The console: output bytes go to a sink as produced (the CLI's stdout, the terminal);
 * input comes from a queue the host fills, with end-of-file once the host closes it.
 */
export class Console {
  private input: Uint8Array[] = [];
  private closed = false;
  constructor(
    public sink: (bytes: Uint8Array) => void,
    /** Where fd 2 of a console goes (standard error); the same sink unless the host splits them. */
    public errorSink: (bytes: Uint8Array) => void = (b) => this.sink(b),
  ) {}

  /** Queued input and end-of-file (the sink is the host's, not state). */
  getState(): { input: Uint8Array[]; closed: boolean } {
    return { input: this.input.map((b) => b.slice()), closed: this.closed };
  }

  setState(s: { input: Uint8Array[]; closed: boolean }): void {
    this.input = s.input.map((b) => b.slice());
    this.closed = s.closed;
  }

  /** Host side: more keyboard or stdin bytes. */
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.input.push(bytes.slice());
  }

  /** Host side: no more input; reads return 0 once the queue is drained. */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A read would not wait: input is queued or the host closed it. */
  get ready(): boolean {
    return this.input.length > 0 || this.closed;
  }

  take(length: number): Uint8Array | null {
    const head = this.input[0];
    if (!head) return this.closed ? new Uint8Array(0) : null;
    const n = Math.min(length, head.length);
    const out = head.slice(0, n);
    if (n === head.length) this.input.shift();
    else this.input[0] = head.subarray(n);
    return out;
  }
}

export class ConsoleFile extends OpenFile {
  constructor(
    private readonly console: Console,
    readonly node: Inode | null,
    /** The console's error stream (a process's standard error). */
    readonly toError = false,
  ) {
    super(true, true);
  }

  read(length: number): Uint8Array | Block {
    if (length === 0) return new Uint8Array(0);
    return this.console.take(length) ?? new Block(this.console);
  }

  override poll(): { readable: boolean; writable: boolean; hangup: boolean; channel: object | null } {
    return { readable: this.console.ready, writable: true, hangup: false, channel: this.console };
  }

  write(bytes: Uint8Array): number {
    if (this.toError) this.console.errorSink(bytes.slice());
    else this.console.sink(bytes.slice());
    return bytes.length;
  }

  override inode(): Inode | null {
    return this.node;
  }
}

/** /dev/null. */
export class NullFile extends OpenFile {
  constructor(readonly node: Inode) {
    super(true, true);
  }
  read(): Uint8Array {
    return new Uint8Array(0);
  }
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  override inode(): Inode {
    return this.node;
  }
}

/** /dev/zero: endless zero bytes; writes vanish. */
export class ZeroFile extends OpenFile {
  constructor(readonly node: Inode) {
    super(true, true);
  }
  read(length: number): Uint8Array {
    return new Uint8Array(Math.min(length, 1 << 16));
  }
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  override inode(): Inode {
    return this.node;
  }
}

/** /dev/urandom and /dev/random: the kernel's deterministic generator (getrandom's). */
export class RandomFile extends OpenFile {
  constructor(readonly node: Inode, private readonly k: { entropy: number }) {
    super(true, true);
  }
  read(length: number): Uint8Array {
    const out = new Uint8Array(Math.min(length, 1 << 16));
    let s = (this.k.entropy = (Math.imul(this.k.entropy, 0x9e3779b1) + out.length) >>> 0) || 1;
    for (let i = 0; i < out.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s & 0xff;
    }
    return out;
  }
  write(bytes: Uint8Array): number {
    return bytes.length;
  }
  override inode(): Inode {
    return this.node;
  }
}

/** Where a detached container's output goes: kept for `logs`, bounded. */
export class LogFile extends OpenFile {
  static readonly LIMIT = 1 << 20;
  readonly chunks: Uint8Array[] = [];
  bytes = 0;
  constructor() {
    super(false, true);
  }
  read(): Uint8Array {
    throw new KernelError(EBADF);
  }
  write(bytes: Uint8Array): number {
    this.chunks.push(bytes.slice());
    this.bytes += bytes.length;
    while (this.bytes > LogFile.LIMIT && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.length;
    return bytes.length;
  }
}

/** Output that goes to a terminal and to a log at once (an attached container's stdout). */
export class TeeFile extends OpenFile {
  constructor(readonly target: OpenFile, readonly log: LogFile) {
    super(false, true);
  }
  read(): Uint8Array {
    throw new KernelError(EBADF);
  }
  write(bytes: Uint8Array): number | Block {
    const r = this.target.write(bytes);
    if (typeof r === 'number') this.log.write(bytes.subarray(0, r));
    return r;
  }
  override release(): void {
    if (--this.target.refs === 0) this.target.release();
  }
}
