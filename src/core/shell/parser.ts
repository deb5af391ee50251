// A recursive-descent parser over the lexer's tokens, shaped like xv6 user/sh.c:
//   list     := andor ((';' | '&') andor?)*
//   andor    := pipeline (('&&' | '||') pipeline)*
//   pipeline := simple ('|' simple)*
//   simple   := (NAME=value)* (word | redirect)+
//   redirect := [n] ('<' | '>' | '>>' | '>&' | '<&') word
// It never throws on input: every failure is a message a shell would print.

import type { AndOr, Assignment, CommandList, Pipeline, Redirect, RedirectOp, SimpleCommand, Word } from './command.ts';
import { lex, type Token } from './lexer.ts';

export type ParseResult = { ok: true; list: CommandList } | { ok: false; error: string };

const REDIRECT_OPS = new Set<string>(['<', '>', '>>', '>&', '<&']);

class SyntaxError_ {
  constructor(readonly message: string) {}
}

export function parse(line: string): ParseResult {
  const lexed = lex(line);
  if (!lexed.ok) return { ok: false, error: lexed.error };
  try {
    return { ok: true, list: new Parser(line, lexed.tokens).list() };
  } catch (e) {
    if (e instanceof SyntaxError_) return { ok: false, error: e.message };
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly line: string, private readonly tokens: Token[]) {}

  list(): CommandList {
    const items: CommandList['items'] = [];
    while (this.peek().kind !== 'end') {
      const start = this.peek().start;
      const command = this.andOr();
      const end = this.tokens[this.i - 1]!.end;
      const background = this.isOp('&');
      if (this.isOp('&') || this.isOp(';')) this.i++;
      else if (this.peek().kind !== 'end') this.unexpected();
      items.push({ command, background, source: this.line.slice(start, end).trim() });
    }
    return { kind: 'list', items };
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.next() as { op: '&&' | '||' }).op;
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { kind: 'andor', first, rest };
  }

  private pipeline(): Pipeline {
    const commands = [this.simple()];
    while (this.isOp('|')) {
      this.i++;
      commands.push(this.simple());
    }
    return { kind: 'pipeline', commands };
  }

  private simple(): SimpleCommand {
    const cmd: SimpleCommand = { kind: 'simple', assignments: [], words: [], redirects: [] };
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word') {
        this.i++;
        const assignment = cmd.words.length === 0 ? asAssignment(t.word) : undefined;
        if (assignment) cmd.assignments.push(assignment);
        else cmd.words.push(t.word);
      } else if (t.kind === 'operator' && REDIRECT_OPS.has(t.op)) {
        cmd.redirects.push(this.redirect());
      } else break;
    }
    if (cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirects.length === 0) this.unexpected();
    return cmd;
  }

  private redirect(): Redirect {
    const t = this.next() as Extract<Token, { kind: 'operator' }>;
    const op = t.op as RedirectOp;
    const target = this.peek();
    if (target.kind !== 'word') this.unexpected();
    this.i++;
    const fd = t.fd ?? (op === '<' || op === '<&' ? 0 : 1);
    return { fd, op, target: (target as { word: Word }).word };
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'operator' && t.op === op;
  }

  private unexpected(): never {
    const t = this.peek();
    const text = t.kind === 'end' ? 'newline' : this.line.slice(t.start, t.end);
    throw new SyntaxError_(`syntax error near unexpected token '${text}'`);
  }
}

/** `NAME=value` with an unquoted, valid name before the '=' is an assignment, not a word. */
function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (!first || first.kind !== 'literal' || first.quoted) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const parts = [...(rest ? [{ ...first, text: rest }] : []), ...word.parts.slice(1)];
  if (parts.length === 0) parts.push({ kind: 'literal', text: '', quoted: true });
  return { name: m[1]!, value: { parts, source: word.source.slice(m[0].length) } };
}
