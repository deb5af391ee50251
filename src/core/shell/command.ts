// The command structs the parser builds, as in xv6 user/sh.c (execcmd, redircmd, pipecmd,
// listcmd, backcmd), extended with && / || and variable references inside words.

/** One piece of a word: expansion happens later, when the command runs. */
export type WordPart =
  | { kind: 'literal'; text: string; quoted: boolean }
  /** $NAME, ${NAME}, $?, $$, $#, $0…$9. */
  | { kind: 'variable'; name: string; quoted: boolean }
  /** An unquoted ~ at the start of a word: $HOME. */
  | { kind: 'tilde' };

export interface Word {
  parts: WordPart[];
  /** The word as written, for messages. */
  source: string;
}

export type RedirectOp = '<' | '>' | '>>' | '>&' | '<&';

export interface Redirect {
  /** The file descriptor redirected (2 in `2>err`). */
  fd: number;
  op: RedirectOp;
  /** A file name, or for >& and <& the fd number to duplicate. */
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  kind: 'simple';
  assignments: Assignment[];
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  kind: 'pipeline';
  commands: SimpleCommand[];
}

export type AndOrOp = '&&' | '||';

export interface AndOr {
  kind: 'andor';
  first: Pipeline;
  rest: { op: AndOrOp; pipeline: Pipeline }[];
}

export interface ListItem {
  command: AndOr;
  /** Ends in `&`: run as a background job. */
  background: boolean;
  /** The item's text, for job messages ("[1]+  Done  sleep 5"). */
  source: string;
}

export interface CommandList {
  kind: 'list';
  items: ListItem[];
}
