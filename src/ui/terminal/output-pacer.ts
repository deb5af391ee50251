// Paces text into the terminal so a guest printing flat out cannot monopolise the page's
// main thread: at most `chunkBytes` every `framesPerChunk` animation frames, and only
// after xterm has parsed the previous chunk (its write callback), so its own buffer never
// grows. Text arriving faster than that piles up to `backlogBytes`; beyond it the middle
// is dropped with a note, as no one can read a terminal scrolling that fast.

export interface PacerOptions {
  chunkBytes: number;
  framesPerChunk: number;
  backlogBytes: number;
}

export const PACER_DEFAULTS: PacerOptions = { chunkBytes: 16 * 1024, framesPerChunk: 2, backlogBytes: 256 * 1024 };

export interface PacerHost {
  /** Hands text to the terminal; calls `done` once it is parsed. */
  write(text: string, done: () => void): void;
  requestFrame(callback: () => void): number;
  cancelFrame(id: number): void;
}

export class OutputPacer {
  private queued: string[] = [];
  private queuedBytes = 0;
  private frame = 0;
  private framesLeft = 0;
  private writing = false;
  private ready = false;
  /** Bytes dropped so far because the backlog overflowed. */
  skipped = 0;

  constructor(private readonly host: PacerHost, private readonly options: PacerOptions = PACER_DEFAULTS) {}

  /** The terminal exists: start writing what is queued. */
  start(): void {
    this.ready = true;
    this.schedule();
  }

  push(text: string): void {
    if (!text) return;
    this.queued.push(text);
    this.queuedBytes += text.length;
    if (this.queuedBytes > this.options.backlogBytes) this.trim();
    this.schedule();
  }

  /** Keeps the newest half of the backlog behind a note saying how much was skipped. */
  private trim(): void {
    const all = this.queued.join('');
    const keep = this.options.backlogBytes / 2;
    const skipped = all.length - keep;
    this.skipped += skipped;
    const note = `\r\n\x1b[2m[… ${skipped} bytes of output skipped: the guest prints faster than the terminal draws …]\x1b[0m\r\n`;
    this.queued = [note, all.slice(-keep)];
    this.queuedBytes = keep + note.length;
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  clear(): void {
    this.queued = [];
    this.queuedBytes = 0;
  }

  dispose(): void {
    this.ready = false;
    if (this.frame) this.host.cancelFrame(this.frame);
    this.frame = 0;
  }

  private schedule(): void {
    if (!this.ready || this.frame || this.writing || this.queuedBytes === 0) return;
    this.framesLeft = this.options.framesPerChunk;
    this.frame = this.host.requestFrame(() => this.tick());
  }

  private tick(): void {
    this.frame = 0;
    if (--this.framesLeft > 0) {
      this.frame = this.host.requestFrame(() => this.tick());
      return;
    }
    let text = this.queued.join('');
    this.queued = [];
    if (text.length > this.options.chunkBytes) {
      this.queued = [text.slice(this.options.chunkBytes)];
      text = text.slice(0, this.options.chunkBytes);
    }
    this.queuedBytes = this.queued.length ? this.queued[0]!.length : 0;
    this.writing = true;
    this.host.write(text, () => {
      this.writing = false;
      this.schedule();
    });
  }
}
