// Splits lesson.md into its YAML front matter (between the first two `---` lines) and the
// Markdown body, remembering where the YAML starts so errors can name the real line.

export interface FrontMatter {
  /** The YAML text (without the fences). */
  yaml: string;
  /** 1-based line of lesson.md where the YAML's first line is. */
  firstLine: number;
  /** The Markdown after the closing fence. */
  body: string;
}

export type FrontMatterResult = { ok: true; value: FrontMatter } | { ok: false; line: number; message: string };

const FENCE = /^---[ \t]*$/;

export function splitFrontMatter(text: string): FrontMatterResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length === 0 || !FENCE.test(lines[0] ?? '')) {
    return { ok: false, line: 1, message: 'lesson.md must start with a `---` line opening the YAML front matter' };
  }
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0) {
    return { ok: false, line: lines.length, message: 'the front matter is never closed: add a `---` line after it' };
  }
  return {
    ok: true,
    value: {
      yaml: lines.slice(1, close).join('\n'),
      firstLine: 2,
      body: lines.slice(close + 1).join('\n').replace(/^\n+/, ''),
    },
  };
}
