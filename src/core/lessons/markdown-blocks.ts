// Finds the lesson Markdown's two custom blocks so the page can draw them as widgets and
// hand everything else to its Markdown renderer (which must sanitize: lessons come from
// anyone). The syntax:
//
//   ```terminal            a "run this in the terminal" block: one command per line,
//   hostname               each shown with a button that types it into the terminal
//   ```
//
//   :::solution Show one answer     a hidden solution, revealed on request; its
//   ...Markdown...                  contents are ordinary Markdown
//   :::

export type MarkdownBlock =
  | { kind: 'markdown'; markdown: string }
  | { kind: 'terminal'; commands: string[] }
  | { kind: 'solution'; title: string; markdown: string };

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;
const SOLUTION_OPEN = /^:::\s*solution\b\s*(.*)$/;
const SOLUTION_CLOSE = /^:::\s*$/;

export function splitMarkdownBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: MarkdownBlock[] = [];
  let plain: string[] = [];
  const flush = () => {
    if (plain.some((l) => l.trim() !== '')) blocks.push({ kind: 'markdown', markdown: plain.join('\n') });
    plain = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      const end = closingFence(lines, i, fence[2] ?? '```');
      const body = lines.slice(i + 1, end);
      if ((fence[3] ?? '').trim() === 'terminal') {
        flush();
        blocks.push({ kind: 'terminal', commands: body.map((l) => l.trim()).filter((l) => l !== '') });
      } else {
        plain.push(...lines.slice(i, end + 1));
      }
      i = end;
      continue;
    }
    const open = SOLUTION_OPEN.exec(line);
    if (open) {
      flush();
      const end = closingSolution(lines, i);
      blocks.push({ kind: 'solution', title: (open[1] ?? '').trim() || 'Show the solution', markdown: lines.slice(i + 1, end).join('\n') });
      i = end;
      continue;
    }
    plain.push(line);
  }
  flush();
  return blocks;
}

/** Index of the line closing a fence opened at `start` (or the last line if never closed). */
function closingFence(lines: string[], start: number, marker: string): number {
  for (let j = start + 1; j < lines.length; j++) {
    const t = (lines[j] ?? '').trim();
    if (t.startsWith(marker[0] ?? '`') && t.length >= marker.length && /^(`+|~+)$/.test(t)) return j;
  }
  return lines.length - 1;
}

/** Index of the `:::` closing a solution, skipping fenced code inside it. */
function closingSolution(lines: string[], start: number): number {
  for (let j = start + 1; j < lines.length; j++) {
    const line = lines[j] ?? '';
    const fence = FENCE.exec(line);
    if (fence) { j = closingFence(lines, j, fence[2] ?? '```'); continue; }
    if (SOLUTION_CLOSE.test(line)) return j;
  }
  return lines.length;
}
