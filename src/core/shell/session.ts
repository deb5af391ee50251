// A terminal session: the shell a student types into, with no xterm in sight. Bytes come
// in (keys, escape sequences), bytes go out (echo, ANSI redraws, command output). While a
// command runs in the foreground, typed lines go to it (the tty's cooked mode) and Ctrl-C
// interrupts it. Shells stack: `container exec -it web sh` pushes a shell whose port lives
// inside the container, and `exit` pops it.
//
// The same class runs scripts (`trapdoor shell --script`): each line is shown after the
// prompt, as if typed, and there is no keyboard for the commands to read.

import type { ContainerRuntimePort } from '../kernel/container-port.ts';
import type { CommandTable } from './command-table.ts';
import { KeyDecoder, type Key } from './key-decoder.ts';
import type { KernelPort } from '../kernel/kernel-port.ts';
import { CLEAR_SCREEN, LineEditor } from './line-editor.ts';
import type { ShellContext, ShellHost } from './builtin.ts';
import { Shell } from './shell.ts';
import type { TerminalInput } from './stream.ts';
import type { HypervisorPort } from '../vmm/vm-port.ts';

export interface SessionOptions {
  port: KernelPort;
  containers?: ContainerRuntimePort;
  vms?: HypervisorPort;
  table: CommandTable;
  env: Record<string, string>;
  /** 'terminal': \r\n line ends and key input; 'script': a plain transcript. */
  mode: 'terminal' | 'script';
  /** Where the screen's bytes go (xterm.write, stdout). */
  output: (text: string) => void;
  /** Called once when the host shell exits (`exit`): the session is over. */
  onEnd?: (code: number) => void;
}

interface Frame {
  shell: ShellContext;
  editor: LineEditor;
  running: boolean;
  /** Settles the parent's `enterShell` when this shell exits. */
  onExit?: (code: number) => void;
}

export class Session implements ShellHost {
  readonly interactive: boolean;
  private readonly frames: Frame[] = [];
  private readonly decoder = new KeyDecoder();
  private keyboard: TerminalInput | undefined;
  /** The line being typed to a foreground command. */
  private cooked = '';
  private waiters: (() => void)[] = [];
  private ended = false;
  private captured: string | undefined;
  /** The terminal's width (0: unknown), given to every shell's line editor. */
  private columns = 0;
  /** A program's own terminal has the keys (container run -it): raw data goes there. */
  private rawKeys: { keys: (data: string) => void; size: (columns: number) => void } | undefined;

  constructor(private readonly options: SessionOptions) {
    this.interactive = options.mode === 'terminal';
    this.push(new Shell({ port: options.port, host: this, table: options.table, env: options.env, containers: options.containers, vms: options.vms }));
  }

  get root(): ShellContext {
    return this.frames[0]!.shell;
  }

  get top(): ShellContext {
    return this.frames[this.frames.length - 1]!.shell;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Draws the first prompt. */
  start(): void {
    this.showPrompt();
  }

  write(text: string): void {
    this.emit(this.interactive ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  /** Everything the screen gets passes here (and into a capture, for runCommands). */
  private emit(text: string): void {
    if (this.captured !== undefined) this.captured += text;
    this.options.output(text);
  }

  connectKeyboard(input: TerminalInput): () => void {
    if (!this.interactive) {
      input.end();
      return () => {};
    }
    this.keyboard = input;
    this.cooked = '';
    return () => {
      if (this.keyboard === input) this.keyboard = undefined;
    };
  }

  shellKilled(shell: ShellContext): void {
    const frame = this.frames.find((f) => f.shell === shell);
    if (!frame || frame.running) return; // a running command's end pops it (run)
    if (this.interactive && this.frames[this.frames.length - 1] === frame) this.write('\n');
    this.pop(shell.exitCode ?? 137, frame);
    if (this.interactive && !this.ended) this.showPrompt();
  }

  connectTerminal(keys: (data: string) => void, size: (columns: number) => void): () => void {
    const target = { keys, size };
    this.rawKeys = target;
    if (this.columns) size(this.columns);
    return () => {
      if (this.rawKeys === target) this.rawKeys = undefined;
    };
  }

  enterShell(shell: ShellContext): Promise<number> {
    return new Promise((resolve) => {
      this.push(shell, resolve);
      if (this.interactive) this.showPrompt();
      this.changed();
    });
  }

  /**
   * Draws the prompt and the line being typed again on a fresh row: for a terminal that
   * also showed other text (a guest's UART console) while the shell waited for a line.
   */
  redraw(): void {
    const frame = this.frames[this.frames.length - 1]!;
    if (this.ended || frame.running || !this.interactive) return;
    // The editor's 'clear' answer is "clear screen, then the prompt and line": keep the latter.
    const drawn = frame.editor.key({ kind: 'clear' }).output.slice(CLEAR_SCREEN.length);
    this.emit(`\r\n${drawn}`);
  }

  /** The terminal was resized: long lines are drawn wrapped at `columns`. */
  resize(columns: number): void {
    this.columns = columns;
    this.rawKeys?.size(columns);
    for (const f of this.frames) f.editor.resize(columns);
  }

  /** Key bytes from the terminal (xterm's onData). */
  input(data: string): void {
    if (this.rawKeys) {
      this.rawKeys.keys(data);
      return;
    }
    for (const key of this.decoder.decode(data)) {
      if (this.ended) return;
      const frame = this.frames[this.frames.length - 1]!;
      if (frame.running) this.foregroundKey(frame, key);
      else this.editorKey(frame, key);
    }
  }

  /**
   * Types each line at the prompt as a person would (the line editor echoes it), waiting
   * for the command before the next: a script played visibly in a terminal session.
   */
  async typeLines(lines: string[]): Promise<void> {
    for (const line of lines) {
      await this.idle();
      if (this.ended) return;
      this.input(`\x05\x15${line}\r`);
    }
    await this.idle();
  }

  /** Runs a script line by line, echoing each after the prompt; settles with the last status. */
  async runScript(text: string): Promise<number> {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      await this.idle();
      if (this.ended) break;
      const frame = this.frames[this.frames.length - 1]!;
      this.write(`${frame.shell.jobs.takeFinished()}${frame.shell.prompt()}${line}\n`);
      this.run(frame, line);
    }
    await this.idle();
    // Shells left open at the end of the script end as if Ctrl-D was typed.
    while (this.frames.length > 1) {
      this.pop(this.top.lastStatus);
      await this.idle();
    }
    return this.root.exitCode ?? this.root.lastStatus;
  }

  /**
   * Runs commands one by one as if typed (as runScript does) and returns what each printed
   * and its status: what a lesson check grades.
   */
  async runCommands(commands: string[]): Promise<{ command: string; output: string; status: number }[]> {
    const results: { command: string; output: string; status: number }[] = [];
    for (const command of commands) {
      await this.idle();
      if (this.ended) break;
      const frame = this.frames[this.frames.length - 1]!;
      this.write(`${frame.shell.jobs.takeFinished()}${frame.shell.prompt()}${command}\n`);
      this.captured = '';
      this.run(frame, command);
      await this.idle();
      // A command that entered a nested shell is still running: it started fine.
      const entered = frame.running;
      results.push({ command, output: this.captured, status: entered ? 0 : frame.shell.lastStatus });
      this.captured = undefined;
    }
    return results;
  }

  private editorKey(frame: Frame, key: Key): void {
    const result = frame.editor.key(key);
    this.emit(result.output);
    const event = result.event;
    if (!event) return;
    if (event.kind === 'submit') this.run(frame, event.line);
    else if (event.kind === 'interrupt') this.showPrompt();
    else if (this.frames.length > 1) this.pop(frame.shell.lastStatus);
    else this.showPrompt();
  }

  /** Cooked mode: echo, backspace, Enter sends the line, Ctrl-D ends input, Ctrl-C interrupts. */
  private foregroundKey(frame: Frame, key: Key): void {
    if (key.kind === 'interrupt') {
      this.emit('^C\r\n');
      frame.shell.interrupt();
    } else if (key.kind === 'text') {
      this.cooked += key.text;
      this.emit(key.text);
    } else if (key.kind === 'backspace' && this.cooked) {
      this.cooked = this.cooked.slice(0, -1);
      this.emit('\b \b');
    } else if (key.kind === 'enter') {
      this.emit('\r\n');
      this.keyboard?.push(`${this.cooked}\n`);
      this.cooked = '';
    } else if (key.kind === 'eof') {
      if (this.cooked) this.keyboard?.push(this.cooked);
      this.cooked = '';
      this.keyboard?.end();
    }
  }

  private run(frame: Frame, line: string): void {
    frame.running = true;
    void frame.shell.execute(line).then(() => {
      frame.running = false;
      if (frame.shell.exitCode !== null) this.pop(frame.shell.exitCode, frame);
      else if (this.interactive && this.frames[this.frames.length - 1] === frame) this.showPrompt();
      this.changed();
    });
  }

  private push(shell: ShellContext, onExit?: (code: number) => void): void {
    const editor = new LineEditor(shell.history, (line, cursor) => shell.complete(line, cursor));
    editor.resize(this.columns);
    this.frames.push({ shell, editor, running: false, onExit });
  }

  private pop(code: number, frame = this.frames[this.frames.length - 1]!): void {
    const index = this.frames.indexOf(frame);
    if (index <= 0) {
      this.ended = true;
      if (this.interactive) this.write('logout\n');
      this.options.onEnd?.(code);
      this.changed();
      return;
    }
    this.frames.splice(index, 1);
    try { frame.shell.port.exit(code); } catch { /* the kernel already ended it */ }
    frame.onExit?.(code);
    this.changed();
  }

  private showPrompt(): void {
    const frame = this.frames[this.frames.length - 1]!;
    const notes = frame.shell.jobs.takeFinished();
    if (notes) this.write(notes);
    this.emit(frame.editor.begin(frame.shell.prompt()));
  }

  /** Settles when the top shell is waiting for a line (or the session ended). */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.ended || !this.frames[this.frames.length - 1]!.running) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  private changed(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
