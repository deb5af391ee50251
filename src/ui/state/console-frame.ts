// Terminal framing for the guest's console: the terminal belongs to the shell, so the
// guest's UART bytes are written in blocks, each opened by a header naming the machine
// and closed by how the run ended, after which the shell draws its prompt again. Notes
// (assembler errors, a run that printed nothing, the first breakpoint) are framed the
// same way, so the terminal never stays silent after Run.

export type OutputSink = (text: string) => void;

const CYAN = '\x1b[1;36m';
const YELLOW = '\x1b[1;33m';
const RESET = '\x1b[0m';

export class ConsoleFrame {
  private output: OutputSink | null = null;
  private closed: (() => void) | null = null;
  private pending: string[] = [];
  private open = false;
  private lastChar = '\n';
  /** Console bytes since the last fresh load. */
  printed = false;
  title = 'UART console';

  /** Where the text goes; text written before attaching is kept and sent now. */
  attach(sink: OutputSink, closed?: () => void): void {
    this.output = sink;
    this.closed = closed ?? null;
    for (const t of this.pending.splice(0)) sink(t);
  }

  private emit(text: string): void {
    if (this.output) this.output(text);
    else if (this.pending.length < 10_000) this.pending.push(text);
  }

  /** Guest console bytes: the first of a block gets the header. */
  write(text: string): void {
    if (!text) return;
    if (!this.open) {
      this.open = true;
      this.emit(`\r\x1b[2K${CYAN}── ${this.title} ──${RESET}\n`);
    }
    this.printed = true;
    this.emit(text);
    this.lastChar = text[text.length - 1]!;
  }

  /** Ends a block with what happened, and gives the terminal back to the shell. */
  close(how: string): void {
    if (!this.open) return;
    this.open = false;
    this.emit(`${this.lastChar === '\n' ? '' : '\n'}${CYAN}── ${how} ──${RESET}`);
    this.closed?.();
  }

  /** A framed note from the lab itself (not the guest), then the prompt again. */
  note(heading: string, lines: string[] = []): void {
    if (this.open) this.close('…');
    const body = lines.map((l) => `  ${l}\n`).join('');
    this.emit(`\r\x1b[2K${YELLOW}── ${heading} ──${RESET}\n${body}`);
    this.closed?.();
  }

  /** A fresh machine: the next output opens a new block under a new title. */
  restart(title: string): void {
    this.close('machine reset');
    this.title = title;
    this.printed = false;
  }

  /** Output after a pause continues in a block of its own. */
  continued(): void {
    this.title = this.title.replace(/( \(continued\))?$/, ' (continued)');
  }
}
