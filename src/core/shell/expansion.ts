// Word expansion at run time: variables ($NAME, ${NAME}, $?, $$, $#) and ~ are replaced by
// their values. There is no field splitting: a variable stays one argument, which is what
// a learner expects of `echo $GREETING`. Unquoted * and ? then expand to file names. A word made only of unquoted references
// that expand to nothing disappears, as in sh (`echo $UNSET x` prints "x").

import type { Word } from './command.ts';
import { expandPattern, hasWildcards, type ListDirectory, type Pattern } from './glob.ts';

/** Looks up a variable by name ('?', '$', 'HOME'…); undefined when unset. */
export type VariableLookup = (name: string) => string | undefined;

export function expandWord(word: Word, lookup: VariableLookup): string | null {
  let text = '';
  let anyQuotedOrLiteral = false;
  for (const part of word.parts) {
    if (part.kind === 'literal') {
      text += part.text;
      anyQuotedOrLiteral = true;
    } else if (part.kind === 'tilde') {
      text += lookup('HOME') ?? '~';
      anyQuotedOrLiteral = true;
    } else {
      text += lookup(part.name) ?? '';
      if (part.quoted) anyQuotedOrLiteral = true;
    }
  }
  return text === '' && !anyQuotedOrLiteral ? null : text;
}

export function expandWords(words: Word[], lookup: VariableLookup, list?: ListDirectory): string[] {
  const out: string[] = [];
  for (const w of words) {
    const text = expandWord(w, lookup);
    if (text === null) continue;
    const pattern = list ? patternOf(w, lookup) : undefined;
    if (pattern && hasWildcards(pattern)) out.push(...expandPattern(pattern, list!));
    else out.push(text);
  }
  return out;
}

/** The expanded word with its unquoted literal * and ? marked as wildcards. */
function patternOf(word: Word, lookup: VariableLookup): Pattern {
  const p: Pattern = { text: '', active: [] };
  const add = (text: string, wild: boolean) => {
    for (const ch of text) {
      p.text += ch;
      p.active.push(wild && (ch === '*' || ch === '?'));
    }
  };
  for (const part of word.parts) {
    if (part.kind === 'literal') add(part.text, !part.quoted);
    else if (part.kind === 'tilde') add(lookup('HOME') ?? '~', false);
    else add(lookup(part.name) ?? '', false);
  }
  return p;
}
