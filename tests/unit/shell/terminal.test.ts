import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { History } from '../../../src/core/shell/history.ts';
import { KeyDecoder } from '../../../src/core/shell/key-decoder.ts';
import { LineEditor, type Completer } from '../../../src/core/shell/line-editor.ts';
import { terminal } from './testbed.ts';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const BACKSPACE = '\x7f';

function editor(history = new History(), complete: Completer = () => ({ from: 0, candidates: [] })) {
  const ed = new LineEditor(history, complete);
  const decoder = new KeyDecoder();
  ed.begin('$ ');
  return {
    ed,
    /** Feeds keys; returns the output and the last event. */
    type(data: string) {
      let output = '';
      let event;
      for (const k of decoder.decode(data)) {
        const r = ed.key(k);
        output += r.output;
        event = r.event ?? event;
      }
      return { output, event };
    },
  };
}

describe('key decoder', () => {
  it('decodes text, control keys and escape sequences, even split across chunks', () => {
    const d = new KeyDecoder();
    expect(d.decode('ab\x1b')).toEqual([{ kind: 'text', text: 'ab' }]);
    expect(d.decode('[Dc\r\x03\x0c\x1b[3~\x1bOH')).toEqual([
      { kind: 'left' }, { kind: 'text', text: 'c' }, { kind: 'enter' }, { kind: 'interrupt' }, { kind: 'clear' }, { kind: 'delete' }, { kind: 'home' },
    ]);
    expect(d.decode('\x1b[99Z')).toEqual([{ kind: 'ignored', sequence: '\x1b[99Z' }]);
  });

  it('never throws and never loses printable text', () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 5 }), (chunks) => {
      const d = new KeyDecoder();
      const keys = chunks.flatMap((c) => d.decode(c));
      const text = keys.map((k) => (k.kind === 'text' ? k.text : '')).join('');
      const printable = chunks.join('').replace(/\x1b(\[[0-9;]*[~A-Za-z]?|O[A-Za-z]?|.)?|[\x00-\x1f]/gs, '');
      expect(text.length).toBeLessThanOrEqual(printable.length + 1);
    }), { numRuns: 300 });
  });
});

describe('line editor', () => {
  it('echoes typed text and submits the line on Enter', () => {
    const t = editor();
    expect(t.type('ls -l').output).toBe('ls -l');
    expect(t.type('\r')).toEqual({ output: '\r\n', event: { kind: 'submit', line: 'ls -l' } });
  });

  it('edits in the middle of the line with the cursor keys', () => {
    const t = editor();
    t.type('ecxo');
    const r = t.type(`${LEFT}${BACKSPACE}h`);
    expect(t.ed.text).toBe('echo');
    // The redraw: CR, prompt, line, erase to end, cursor back 1.
    expect(r.output).toMatch(/\r\$ echo\x1b\[K\x1b\[1D$/);
    t.type(`${RIGHT} hi`);
    expect(t.type('\r').event).toEqual({ kind: 'submit', line: 'echo hi' });
  });

  it('rings the bell at the edges', () => {
    const t = editor();
    expect(t.type(LEFT).output).toBe('\x07');
    expect(t.type(BACKSPACE).output).toBe('\x07');
  });

  it('recalls history with up and down, keeping the draft', () => {
    const h = new History();
    h.add('first');
    h.add('second');
    const t = editor(h);
    t.type('dra');
    t.type(UP);
    expect(t.ed.text).toBe('second');
    t.type(UP);
    expect(t.ed.text).toBe('first');
    expect(t.type(UP).output).toBe('\x07');
    t.type(DOWN + DOWN);
    expect(t.ed.text).toBe('dra');
  });

  it('Ctrl-U, Ctrl-W, Ctrl-A and Ctrl-E', () => {
    const t = editor();
    t.type('echo one two');
    t.type('\x17');
    expect(t.ed.text).toBe('echo one ');
    t.type('\x01X\x05Y');
    expect(t.ed.text).toBe('Xecho one Y');
    t.type('\x15');
    expect(t.ed.text).toBe('');
  });

  it('completes a unique candidate, extends a common prefix, lists several', () => {
    const t = editor(new History(), (line) => ({ from: 0, candidates: ['hostname ', 'history ', 'help '].filter((c) => c.startsWith(line)) }));
    t.type('hos\t');
    expect(t.ed.text).toBe('hostname ');
    t.type('\x15h\t');
    expect(t.ed.text).toBe('h');
    const r = t.type('i\t');
    expect(t.ed.text).toBe('history ');
    t.type('\x15he\t');
    expect(t.ed.text).toBe('help ');
    t.type('\x15h');
    expect(t.type('\t').output).toBe('\r\nhostname  history  help\r\n$ h\x1b[K');
    void r;
  });

  it('Ctrl-C abandons the line; Ctrl-L clears the screen and redraws', () => {
    const t = editor();
    t.type('abc');
    expect(t.type('\x03')).toEqual({ output: '^C\r\n', event: { kind: 'interrupt' } });
    t.ed.begin('$ ');
    t.type('xy');
    expect(t.type('\x0c').output).toBe('\x1b[H\x1b[2J$ xy\x1b[K');
  });
});

describe('terminal session', () => {
  it('draws the prompt, echoes keys and runs the line with \\r\\n line ends', async () => {
    const term = terminal();
    expect(term.take()).toBe('root@trapdoor:~# ');
    await term.type('echo hi\r');
    expect(term.take()).toBe('echo hi\r\nhi\r\nroot@trapdoor:~# ');
  });

  it('completes commands and file names from the kernel', async () => {
    const term = terminal();
    term.take();
    await term.type('ech\t');
    expect(term.take()).toBe('ech\rroot@trapdoor:~# echo \x1b[K');
    await term.type('\x15cat no\t');
    expect(term.session.top.history.length).toBe(0);
    await term.type('\r');
    expect(term.take()).toContain('first line\r\nsecond line\r\n');
    await term.type('ls /e\t');
    expect(term.take()).toContain('ls /etc/');
    await term.type('\x15upp\t');
    expect(term.take()).toContain('upper ');
  });

  it('recalls history across commands', async () => {
    const term = terminal();
    await term.type('echo one\r');
    await term.type('echo two\r');
    term.take();
    await term.type(`${UP}${UP}\r`);
    expect(term.take()).toContain('one\r\n');
  });

  it('Ctrl-C interrupts a foreground program and the prompt comes back', async () => {
    const term = terminal();
    term.take();
    await term.type('spin\r');
    expect(term.take()).toBe('spin\r\n');
    expect(term.session.top.busy).toBe(true);
    await term.type('\x03');
    expect(term.take()).toBe('^C\r\nroot@trapdoor:~# ');
    await term.type('echo $?\r');
    expect(term.take()).toContain('130\r\n');
  });

  it('Ctrl-C interrupts a built-in sleep', async () => {
    const term = terminal();
    term.take();
    // Typed at once: the fake kernel's idle clock would otherwise skip to the wake-up.
    term.session.input('sleep 100; echo next\r');
    await term.type('\x03');
    expect(term.take()).toBe('sleep 100; echo next\r\n^C\r\nnext\r\nroot@trapdoor:~# ');
  });

  it('feeds typed lines to a foreground program, Ctrl-D ends its input', async () => {
    const term = terminal();
    term.take();
    await term.type('greet\r');
    expect(term.take()).toBe('greet\r\nname? ');
    await term.type('Ada\r');
    expect(term.take()).toBe('Ada\r\nhi Ada\r\nroot@trapdoor:~# ');
    await term.type('upper\r');
    await term.type('abc\r');
    expect(term.take()).toBe('upper\r\nabc\r\nABC\r\n');
    // Ctrl-D sends "def" without a newline, then end of file, as a tty does.
    await term.type('def\x04');
    expect(term.take()).toBe('defDEFroot@trapdoor:~# ');
  });

  it('enters a container shell, shows its prompt, and returns on Ctrl-D', async () => {
    const term = terminal();
    term.take();
    await term.type('container run -it --hostname box alpine sh\r');
    expect(term.take()).toBe('container run -it --hostname box alpine sh\r\nroot@box:/# ');
    await term.type('hostname\r');
    expect(term.take()).toBe('hostname\r\nbox\r\nroot@box:/# ');
    await term.type('\x04');
    expect(term.take()).toBe('\r\nroot@trapdoor:~# ');
    await term.type('container ps -a\r');
    expect(term.take()).toMatch(/Exited \(0\)/);
  });

  it('attaches the keyboard to a program in a container (-it) and Ctrl-C stops it', async () => {
    const term = terminal();
    term.take();
    await term.type('container run -it alpine upper\r');
    await term.type('shout\r');
    expect(term.take()).toBe('container run -it alpine upper\r\nshout\r\nSHOUT\r\n');
    await term.type('\x04');
    expect(term.take()).toBe('root@trapdoor:~# ');
    await term.type('container run -it alpine spin\r');
    await term.type('\x03');
    expect(term.take()).toBe('container run -it alpine spin\r\n^C\r\nroot@trapdoor:~# ');
  });

  it('Ctrl-C at the prompt abandons the line and Ctrl-D on the host shell does nothing', async () => {
    const term = terminal();
    term.take();
    await term.type('echo never\x03');
    expect(term.take()).toBe('echo never^C\r\nroot@trapdoor:~# ');
    await term.type('\x04');
    expect(term.session.isEnded).toBe(false);
  });

  it('random keystrokes never break the session', async () => {
    const keys = fc.constantFrom('a', ' ', '|', '"', "'", '$', '\r', '\x7f', '\t', '\x03', '\x0c', LEFT, RIGHT, UP, DOWN, '\x15', '\x17', '\x1b');
    await fc.assert(fc.asyncProperty(fc.array(keys, { maxLength: 30 }), async (seq) => {
      const term = terminal();
      for (const k of seq) term.session.input(k);
      await term.type('\x03\x15echo alive\r');
      expect(term.take()).toContain('alive\r\n');
    }), { numRuns: 60 });
  });
});

/**
 * Just enough of a VT100 to check wrapped drawing: printable cells with xterm's pending
 * wrap on the last column, CR, LF, and CSI A B C D G K J.
 */
class Screen {
  rows: string[][] = [];
  r = 0;
  c = 0;
  private pending = false;
  constructor(readonly cols: number) {}

  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === '\x1b' && s[i + 1] === '[') {
        const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(s.slice(i))!;
        this.csi(m[2]!, m[1] === '' ? 1 : Number(m[1]));
        i += m[0].length - 1;
      } else if (ch === '\r') { this.c = 0; this.pending = false; }
      else if (ch === '\n') { this.r++; this.pending = false; }
      else if (ch !== '\x07') this.put(ch);
    }
  }

  private put(ch: string): void {
    if (this.pending) { this.r++; this.c = 0; this.pending = false; }
    this.row(this.r)[this.c] = ch;
    if (this.c === this.cols - 1) this.pending = true;
    else this.c++;
  }

  private csi(op: string, n: number): void {
    this.pending = false;
    if (op === 'A') this.r = Math.max(0, this.r - n);
    else if (op === 'B') this.r += n;
    else if (op === 'C') this.c = Math.min(this.cols - 1, this.c + n);
    else if (op === 'D') this.c = Math.max(0, this.c - n);
    else if (op === 'G') this.c = Math.min(this.cols - 1, n - 1);
    else if (op === 'K') this.row(this.r).fill(' ', this.c);
    else if (op === 'J') { this.row(this.r).fill(' ', this.c); this.rows.length = Math.min(this.rows.length, this.r + 1); }
  }

  private row(r: number): string[] {
    while (this.rows.length <= r) this.rows.push(Array<string>(this.cols).fill(' '));
    return this.rows[r]!;
  }

  text(): string {
    return this.rows.map((r) => r.join('')).join('').trimEnd();
  }
}

describe('line editor on a narrow terminal', () => {
  const keys = fc.constantFrom('a', 'bc', 'defgh', ' ', LEFT, RIGHT, BACKSPACE, '\x1b[3~', '\x01', '\x05', '\x17', '\x15', UP, DOWN);

  it('wraps a long line over rows and keeps the cursor where the line has it, whatever is typed', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 12 }), fc.array(keys, { maxLength: 40 }), (cols, typed) => {
      const history = new History();
      history.add('an earlier command that is long');
      const t = editor(history);
      t.ed.resize(cols);
      const screen = new Screen(cols);
      screen.write('$ ');
      for (const k of typed) screen.write(t.type(k).output);
      const line = t.ed.text;
      expect(screen.text()).toBe(`$ ${line}`.trimEnd());
      // Where the cursor sits: find it from the editor's echo of a marker typed there.
      const cursor = 2 + cursorIndex(t, line);
      expect([screen.r, screen.c]).toEqual([Math.floor(cursor / cols), cursor % cols]);
      // Enter leaves the whole line above: output goes to the row under its end.
      screen.write(t.type('\r').output);
      expect(screen.r).toBe(Math.floor((2 + line.length) / cols) + 1);
      expect(screen.c).toBe(0);
    }), { numRuns: 300 });
  });

  it('without a width draws on one row, as before', () => {
    const t = editor();
    t.type('abc');
    expect(t.type(LEFT + 'x').output).toBe('\x1b[1D\r$ abxc\x1b[K\x1b[1D');
  });
});

/** The cursor's index in the line: typing a character inserts it there. */
function cursorIndex(t: ReturnType<typeof editor>, line: string): number {
  const before = line;
  t.ed.key({ kind: 'text', text: '\u0001' });
  const index = t.ed.text.indexOf('\u0001');
  t.ed.key({ kind: 'backspace' });
  expect(t.ed.text).toBe(before);
  return index;
}
