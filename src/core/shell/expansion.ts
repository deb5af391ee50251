// Word expansion at run time: variables ($NAME, ${NAME}, $?, $$, $#) and ~ are replaced by
// their values. There is no field splitting or globbing: a word stays one argument, which
// is what a learner expects of `echo $GREETING`. A word made only of unquoted references
// that expand to nothing disappears, as in sh (`echo $UNSET x` prints "x").

import type { Word } from './command.ts';

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

export function expandWords(words: Word[], lookup: VariableLookup): string[] {
  const out: string[] = [];
  for (const w of words) {
    const text = expandWord(w, lookup);
    if (text !== null) out.push(text);
  }
  return out;
}
