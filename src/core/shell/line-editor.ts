// The line editor: the part of a terminal session that turns keys into a command line,
// independent of xterm. It keeps the line and the cursor, recalls history, completes words,
// and answers every key with the ANSI bytes that redraw it. Until the terminal's width is
// known a line is drawn on one row ("carriage return, prompt, line, erase, cursor back");
// once resize() gives it, a long line wraps over rows and the cursor moves between them.

import type { History } from './history.ts';
import type { Key } from './key-decoder.ts';

/** What tab completion offers for the word that ends at the cursor. */
export interface Completion {
  /** Index in the line where the completed word starts. */
  from: number;
  /** Full replacements for line[from..cursor]; a trailing ' ' or '/' is included. */
  candidates: string[];
}

export type Completer = (line: string, cursor: number) => Completion;

export type EditorEvent =
  | { kind: 'submit'; line: string }
  | { kind: 'interrupt' }
  | { kind: 'eof' };

export interface EditorResult {
  output: string;
  event?: EditorEvent;
}

export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export class LineEditor {
  private line = '';
  private cursor = 0;
  private prompt = '';
  /** Position in history while browsing; history.length = the draft being typed. */
  private historyIndex = 0;
  private draft = '';
  /** The terminal's width; 0 = unknown (one-row drawing). */
  private columns = 0;

  constructor(private readonly history: History, private readonly complete: Completer) {}

  /** Starts a fresh line after `prompt`. */
  begin(prompt: string): string {
    this.prompt = prompt;
    this.line = '';
    this.cursor = 0;
    this.historyIndex = this.history.length;
    this.draft = '';
    return prompt;
  }

  /** The terminal's width in columns (0: unknown), for wrapping long lines. */
  resize(columns: number): void {
    this.columns = Math.max(0, Math.floor(columns));
  }

  get text(): string {
    return this.line;
  }

  key(key: Key): EditorResult {
    switch (key.kind) {
      case 'text': return this.insert(key.text);
      case 'enter': return { output: `${this.toEnd()}\r\n`, event: { kind: 'submit', line: this.line } };
      case 'backspace': return this.cursor > 0 ? this.edit(this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor), this.cursor - 1) : bell();
      case 'delete': return this.cursor < this.line.length ? this.edit(this.line.slice(0, this.cursor) + this.line.slice(this.cursor + 1), this.cursor) : bell();
      case 'left': return this.cursor > 0 ? this.move(this.cursor - 1) : bell();
      case 'right': return this.cursor < this.line.length ? this.move(this.cursor + 1) : bell();
      case 'home': return this.move(0);
      case 'end': return this.move(this.line.length);
      case 'up': return this.recall(this.historyIndex - 1);
      case 'down': return this.recall(this.historyIndex + 1);
      case 'tab': return this.tab();
      case 'interrupt': return { output: `${this.toEnd()}^C\r\n`, event: { kind: 'interrupt' } };
      case 'eof': return this.line === '' ? { output: '\r\n', event: { kind: 'eof' } } : this.key({ kind: 'delete' });
      case 'clear': return { output: CLEAR_SCREEN + this.render() };
      case 'kill-line': return this.edit(this.line.slice(this.cursor), 0);
      case 'kill-word': return this.killWord();
      case 'ignored': return { output: '' };
    }
  }

  private insert(text: string): EditorResult {
    const atEnd = this.cursor === this.line.length;
    const from = this.at(this.cursor);
    this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor);
    this.cursor += text.length;
    // Typing at the end only needs the echo; in the middle the rest of the line moves.
    return { output: atEnd ? text + this.wrapFix(this.at(this.cursor)) : this.redraw(from) };
  }

  private edit(line: string, cursor: number): EditorResult {
    const from = this.at(this.cursor);
    this.line = line;
    this.cursor = cursor;
    return { output: this.redraw(from) };
  }

  private move(cursor: number): EditorResult {
    const delta = cursor - this.cursor;
    this.cursor = cursor;
    if (delta === 0) return { output: '' };
    if (this.columns > 0) return { output: this.goto(this.at(cursor - delta), this.at(cursor)) };
    return { output: delta < 0 ? `\x1b[${-delta}D` : `\x1b[${delta}C` };
  }

  private recall(index: number): EditorResult {
    if (index < 0 || index > this.history.length) return bell();
    if (this.historyIndex === this.history.length) this.draft = this.line;
    this.historyIndex = index;
    const line = index === this.history.length ? this.draft : this.history.at(index)!;
    return this.edit(line, line.length);
  }

  private killWord(): EditorResult {
    const before = this.line.slice(0, this.cursor).replace(/\S*\s*$/, '');
    return this.edit(before + this.line.slice(this.cursor), before.length);
  }

  private tab(): EditorResult {
    const { from, candidates } = this.complete(this.line, this.cursor);
    if (candidates.length === 0) return bell();
    const typed = this.line.slice(from, this.cursor);
    const common = commonPrefix(candidates);
    if (common.length > typed.length) {
      return this.edit(this.line.slice(0, from) + common + this.line.slice(this.cursor), from + common.length);
    }
    // No progress possible: list the choices under the line, then draw it again.
    const names = candidates.map((c) => c.replace(/ $/, '')).join('  ');
    return { output: `${this.toEnd()}\r\n${names}\r\n${this.render()}` };
  }

  /** Prompt and line from column 0, with the cursor put back where it belongs. */
  private render(): string {
    if (this.columns > 0) {
      const end = this.at(this.line.length);
      // Erase to the end of the screen: a shorter line leaves rows of the longer one below.
      return `${this.prompt}${this.line}${this.wrapFix(end)}\x1b[J${this.goto(end, this.at(this.cursor))}`;
    }
    const back = this.line.length - this.cursor;
    return `${this.prompt}${this.line}\x1b[K${back > 0 ? `\x1b[${back}D` : ''}`;
  }

  /** From the cursor's offset before the edit (`from`) back to the prompt, then all again. */
  private redraw(from: number): string {
    return `${this.columns > 0 ? this.goto(from, 0) : '\r'}${this.render()}`;
  }

  /** Screen offset (from the prompt's first cell) of line index i. */
  private at(i: number): number {
    return visibleWidth(this.prompt) + i;
  }

  /** Cursor from one offset to another over wrapped rows (up/down, then column). */
  private goto(from: number, to: number): string {
    const c = this.columns;
    const rows = Math.floor(to / c) - Math.floor(from / c);
    const vertical = rows < 0 ? `\x1b[${-rows}A` : rows > 0 ? `\x1b[${rows}B` : '';
    const col = to % c;
    return vertical + (col === 0 ? '\r' : `\x1b[${col + 1}G`);
  }

  /**
   * Text that ends exactly at the right edge leaves the cursor waiting to wrap on the
   * last column; a space and CR move it to the next row's start, where offsets put it.
   */
  private wrapFix(offset: number): string {
    return this.columns > 0 && offset > 0 && offset % this.columns === 0 ? ' \r' : '';
  }

  /** Before output below the line: the cursor to the line's end (it may wrap over rows). */
  private toEnd(): string {
    return this.columns > 0 ? this.goto(this.at(this.cursor), this.at(this.line.length)) : '';
  }
}

/** Cells a prompt takes: its text without ANSI escape sequences. */
function visibleWidth(text: string): number {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').length;
}

function bell(): EditorResult {
  return { output: '\x07' };
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
