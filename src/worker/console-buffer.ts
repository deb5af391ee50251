// Guest console bytes, collected while a slice runs and handed to the page in one
// message per slice: one postMessage per byte would flood the page at 1 MB/s.
// Text is latin1 (one char per byte) so no byte is lost or reinterpreted.

const MAX_PENDING = 1 << 20;

export class ConsoleBuffer {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly send: (text: string) => void) {}

  push(bytes: Uint8Array): void {
    // Flushed every slice, so this bound is only reached if flushing stops: then new
    // output is counted and dropped rather than growing the worker's memory.
    if (this.size + bytes.length > MAX_PENDING) {
      this.dropped += bytes.length;
      return;
    }
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) {
      s += String.fromCharCode(...bytes.subarray(i, i + 8192));
    }
    this.parts.push(s);
    this.size += bytes.length;
  }

  flush(): void {
    if (this.size === 0 && this.dropped === 0) return;
    let text = this.parts.join('');
    if (this.dropped) text += `\n[trapdoor: ${this.dropped} console bytes dropped]\n`;
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
    this.send(text);
  }

  clear(): void {
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
  }
}
