// Guest console bytes, collected while a slice runs and handed to the page in one
// message per slice: one postMessage per byte would flood the page at 1 MB/s.
// Text is latin1 (one char per byte) so no byte is lost or reinterpreted.

// The engine flushes at most every FLUSH_MS, so this caps the page's intake at 2 MiB/s:
// twice the 1 MB/s it must keep up with, and well within what xterm can draw.
export const FLUSH_MS = 16;
const MAX_PENDING = 32 * 1024;

export class ConsoleBuffer {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly send: (text: string) => void) {}

  push(bytes: Uint8Array): void {
    // Beyond the bound, output in this slice is counted and dropped, with a note: no
    // terminal can show it, and sending it would flood the page's main thread.
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
