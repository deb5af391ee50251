import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from '../../../src/core/shell/parser.ts';
import { expandWords } from '../../../src/core/shell/expansion.ts';
import type { CommandList, SimpleCommand } from '../../../src/core/shell/command.ts';

const vars: Record<string, string> = { HOME: '/root', USER: 'root', '?': '3', EMPTY: '', X: 'a b' };
const lookup = (n: string) => vars[n];

function ok(line: string): CommandList {
  const r = parse(line);
  if (!r.ok) throw new Error(`parse failed: ${r.error}`);
  return r.list;
}

function simple(line: string, item = 0, stage = 0): SimpleCommand {
  return ok(line).items[item]!.command.first.commands[stage]!;
}

function argv(line: string): string[] {
  return expandWords(simple(line).words, lookup);
}

describe('words and quoting', () => {
  it('splits on blanks and keeps quoted spaces', () => {
    expect(argv(`echo  a   'b  c' "d e"f`)).toEqual(['echo', 'a', 'b  c', 'd ef']);
  });

  it('expands variables outside and inside double quotes, not inside single quotes', () => {
    expect(argv(`echo $HOME "$USER-x" '$HOME' \${USER}s $? \\$HOME`)).toEqual(['echo', '/root', 'root-x', '$HOME', 'roots', '3', '$HOME']);
  });

  it('drops unquoted empty expansions but keeps quoted empty words', () => {
    expect(argv(`echo $EMPTY $NOPE "" "$EMPTY" x`)).toEqual(['echo', '', '', 'x']);
  });

  it('does not split expanded values', () => {
    expect(argv(`echo $X`)).toEqual(['echo', 'a b']);
  });

  it('handles backslash escapes', () => {
    expect(argv(`echo a\\ b \\; "q\\"uote" "\\n"`)).toEqual(['echo', 'a b', ';', 'q"uote', '\\n']);
  });

  it('expands a leading tilde only', () => {
    expect(argv(`ls ~ ~/x a~ '~'`)).toEqual(['ls', '/root', '/root/x', 'a~', '~']);
  });

  it('treats a lone $ literally', () => {
    expect(argv(`echo $ a$ "$"`)).toEqual(['echo', '$', 'a$', '$']);
  });

  it('ignores comments', () => {
    expect(argv(`echo hi # not this`)).toEqual(['echo', 'hi']);
    expect(ok('# only a comment').items).toEqual([]);
    expect(argv(`echo a#b`)).toEqual(['echo', 'a#b']);
  });

  it('separates assignments from words', () => {
    const c = simple('A=1 B="x y" env');
    expect(c.assignments.map((a) => a.name)).toEqual(['A', 'B']);
    expect(expandWords(c.words, lookup)).toEqual(['env']);
    expect(argv('echo A=1')).toEqual(['echo', 'A=1']);
  });
});

describe('structure', () => {
  it('parses sequences, background jobs, and/or chains and pipelines', () => {
    const list = ok('a; b & c && d || e | f');
    expect(list.items.map((i) => [i.source, i.background])).toEqual([['a', false], ['b', true], ['c && d || e | f', false]]);
    const andor = list.items[2]!.command;
    expect(andor.rest.map((r) => r.op)).toEqual(['&&', '||']);
    expect(andor.rest[1]!.pipeline.commands.length).toBe(2);
  });

  it('parses redirections with io numbers', () => {
    const c = simple('cmd <in >out 2>>err 2>&1 >>app');
    expect(c.redirects.map((r) => [r.fd, r.op, r.target.source])).toEqual([
      [0, '<', 'in'], [1, '>', 'out'], [2, '>>', 'err'], [2, '>&', '1'], [1, '>>', 'app'],
    ]);
    expect(expandWords(c.words, lookup)).toEqual(['cmd']);
  });

  it('allows a trailing ; or &', () => {
    expect(ok('ls;').items.length).toBe(1);
    expect(ok('sleep 1 &').items[0]!.background).toBe(true);
  });
});

describe('syntax errors read like a shell', () => {
  const cases: [string, string][] = [
    ['| ls', `syntax error near unexpected token '|'`],
    ['ls |', `syntax error near unexpected token 'newline'`],
    ['ls || || x', `syntax error near unexpected token '||'`],
    ['; ls', `syntax error near unexpected token ';'`],
    ['echo >', `syntax error near unexpected token 'newline'`],
    ['echo > | x', `syntax error near unexpected token '|'`],
    ['echo (', `syntax error near unexpected token '('`],
    [`echo 'abc`, `unexpected EOF while looking for matching '''`],
    [`echo "abc`, `unexpected EOF while looking for matching '"'`],
    ['echo ${a b}', '${a b}: bad substitution'],
  ];
  it.each(cases)('%s', (line, error) => {
    expect(parse(line)).toEqual({ ok: false, error });
  });
});

describe('properties', () => {
  const alphabet = fc.constantFrom(...`ab $?{}'"\\;&|<>()#~=2\t\n`.split(''));
  it('never throws on any line', () => {
    fc.assert(fc.property(fc.string(), (s) => { parse(s); }), { numRuns: 500 });
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (s) => {
      const r = parse(s);
      if (r.ok) for (const item of r.list.items) for (const p of [item.command.first, ...item.command.rest.map((x) => x.pipeline)])
        for (const c of p.commands) expandWords(c.words, lookup);
    }), { numRuns: 2000 });
  });

  it('round-trips single-quoted words', () => {
    fc.assert(fc.property(fc.array(fc.string().filter((s) => !s.includes("'")), { minLength: 1, maxLength: 5 }), (words) => {
      const line = words.map((w) => `'${w}'`).join(' ');
      expect(argv(line)).toEqual(words);
    }), { numRuns: 300 });
  });
});
