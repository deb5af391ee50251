// Turns terminal input bytes (what xterm's onData or a pty delivers) into key events. An
// escape sequence may arrive split across two chunks, so an incomplete tail is kept.

export type Key =
  | { kind: 'text'; text: string }
  | { kind: 'enter' | 'backspace' | 'delete' | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'tab' }
  /** Ctrl-C, Ctrl-D, Ctrl-L, Ctrl-U, Ctrl-W. */
  | { kind: 'interrupt' | 'eof' | 'clear' | 'kill-line' | 'kill-word' }
  | { kind: 'ignored'; sequence: string };

const CSI_KEYS: Record<string, Key['kind']> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
  '1~': 'home', '4~': 'end', '7~': 'home', '8~': 'end', '3~': 'delete',
};

const CONTROL_KEYS: Record<string, Key['kind']> = {
  '\r': 'enter', '\n': 'enter', '\x7f': 'backspace', '\b': 'backspace', '\t': 'tab',
  '\x03': 'interrupt', '\x04': 'eof', '\x0c': 'clear', '\x15': 'kill-line', '\x17': 'kill-word',
  '\x01': 'home', '\x05': 'end', '\x02': 'left', '\x06': 'right', '\x10': 'up', '\x0e': 'down',
};

export class KeyDecoder {
  private pending = '';

  decode(data: string): Key[] {
    const s = this.pending + data;
    this.pending = '';
    const keys: Key[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\x1b') {
        // ESC + a printable key is Alt-key (ignored); ESC + a control key leaves the control key.
        const seq = /^\x1b(?:\[[0-9;]*[~A-Za-z]|O[A-Za-z]|[^[O\x00-\x1f\x7f])/.exec(s.slice(i));
        if (!seq && /^\x1b(?:\[[0-9;]*|O)?$/.test(s.slice(i))) {
          this.pending = s.slice(i);
          break;
        }
        if (!seq) {
          keys.push({ kind: 'ignored', sequence: c });
          i++;
          continue;
        }
        keys.push(escapeKey(seq[0]));
        i += seq[0].length;
      } else if (c === '\r' && s[i + 1] === '\n') {
        keys.push({ kind: 'enter' });
        i += 2;
      } else {
        const kind = CONTROL_KEYS[c];
        if (kind) keys.push({ kind } as Key);
        else if (c < ' ') keys.push({ kind: 'ignored', sequence: c });
        else pushText(keys, c);
        i++;
      }
    }
    return keys;
  }
}

function escapeKey(seq: string): Key {
  const body = seq.slice(2);
  const kind = seq[1] === '[' || seq[1] === 'O' ? CSI_KEYS[body] : undefined;
  return kind ? ({ kind } as Key) : { kind: 'ignored', sequence: seq };
}

/** Consecutive printable characters become one text key (a paste stays one event). */
function pushText(keys: Key[], c: string): void {
  const last = keys[keys.length - 1];
  if (last && last.kind === 'text') last.text += c;
  else keys.push({ kind: 'text', text: c });
}
