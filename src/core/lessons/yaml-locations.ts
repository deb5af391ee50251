// Maps a field path in a parsed YAML document to the line it is written on, using the
// `yaml` package's node ranges, so schema errors point at the author's line.

import { isMap, isSeq, isScalar, isPair, LineCounter, parseDocument, type Document } from 'yaml';

export interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  /** Added to the YAML's own 1-based line numbers to get the file's. */
  lineOffset: number;
}

export function parseYaml(text: string, lineOffset: number): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { doc, lines, lineOffset };
}

/** Line of the node at `path`; of its deepest existing ancestor if the path is missing.
 *  `onKey` points at the key rather than the value (for unknown or misspelled fields). */
export function lineOf(parsed: ParsedYaml, path: readonly (string | number)[], onKey = false): number {
  let node: unknown = parsed.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const part of path) {
    const next = child(node, part);
    if (next === undefined) break;
    offset = (onKey && next.key ? rangeStart(next.key) : undefined) ?? rangeStart(next.value) ?? offset;
    node = next.value;
  }
  return parsed.lines.linePos(offset).line + parsed.lineOffset - 1;
}

function child(node: unknown, part: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
    return pair ? { key: pair.key, value: pair.value ?? pair.key } : undefined;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item = node.items[part];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}
