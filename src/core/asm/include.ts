// `.include "file"`: the named file's statements take the directive's place, as GNU as does.
// Files come from a virtual file map (a lesson's files, the shipped guest kernels'
// headers), never from a disk: the assembler stays pure. A name is looked up beside the
// including file first, then as given. Diagnostics and the line table name the file
// each statement came from.

import { DiagnosticSink } from './diagnostics-catalogue.ts';
import { tokenize, type Token } from './lexer.ts';
import { parse, type Statement } from './parser.ts';

/** Included files nested deeper than this are refused (GNU as has no limit but the stack). */
const MAX_DEPTH = 16;

/** Replaces every `.include` among `stmts` (read from `file`) by the included statements. */
export function expandIncludes(
  stmts: Statement[], file: string, files: Readonly<Record<string, string>>, sink: DiagnosticSink, chain: string[] = [file],
): Statement[] {
  const out: Statement[] = [];
  for (const st of stmts) {
    if (st.op?.text !== '.include' || st.broken) {
      out.push(st);
      continue;
    }
    // The directive's labels stay: they label what the file starts with.
    if (st.labels.length > 0) out.push({ ...st, op: undefined, operands: [] });
    const name = includedName(st, sink);
    if (name === undefined) continue;
    const path = lookup(name, file, files);
    if (path === undefined) {
      sink.report('include-missing', st.op, { name });
    } else if (chain.includes(path) || chain.length > MAX_DEPTH) {
      sink.report('include-loop', st.op, { name, chain: [...chain, path].join(' -> ') });
    } else {
      out.push(...expandIncludes(parseFile(path, files[path]!, sink), path, files, sink, [...chain, path]));
    }
  }
  return out;
}

function includedName(st: Statement, sink: DiagnosticSink): string | undefined {
  const arg = st.operands[0];
  const tok = arg?.[0];
  if (st.operands.length !== 1 || arg!.length !== 1 || tok!.kind !== 'string') {
    sink.report('bad-directive-operand', st.op!, { name: '.include', expected: 'one file name in quotes' });
    return undefined;
  }
  return String.fromCharCode(...(tok!.bytes ?? []));
}

/** Beside the including file first (lessons/x/main.s includes "util.s"), then as given. */
function lookup(name: string, from: string, files: Readonly<Record<string, string>>): string | undefined {
  const slash = from.lastIndexOf('/');
  const beside = slash >= 0 ? `${from.slice(0, slash + 1)}${name}` : name;
  if (Object.hasOwn(files, beside)) return beside;
  return Object.hasOwn(files, name) ? name : undefined;
}

/** Tokens and statements of an included file, each token marked with the file it is from. */
function parseFile(path: string, text: string, sink: DiagnosticSink): Statement[] {
  const own = new DiagnosticSink(path);
  const tokens: Token[] = tokenize(text, own);
  for (const t of tokens) t.file = path;
  const stmts = parse(tokens, own);
  sink.list.push(...own.list);
  return stmts;
}
