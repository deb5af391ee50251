// The first-load budget (issue 5): the JavaScript index.html loads before anything lazy
// must stay at or under 150 kB gzip. Monaco and xterm must not be part of it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../../dist');
const BUDGET = 150 * 1024;

/** index.html's scripts and modulepreloads, then the static imports of those, transitively. */
function firstLoadFiles(): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const queue = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\.\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    // Static imports only (`import ... from "./x.js"` / `import "./x.js"`), not import().
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*${}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(join(file, '..', m[1]!).replace(/^\.\//, ''));
    }
  }
  return [...seen];
}

describe('bundle budget', () => {
  it('keeps first-load JavaScript at most 150 kB gzip, without Monaco or xterm', () => {
    const files = firstLoadFiles();
    const sizes = files.map((f) => ({ f, gz: gzipSync(readFileSync(join(dist, f))).length }));
    const total = sizes.reduce((n, s) => n + s.gz, 0);
    console.log(`first-load JS: ${(total / 1024).toFixed(1)} kB gzip in ${files.length} file(s): ${sizes.map((s) => `${s.f} ${(s.gz / 1024).toFixed(1)} kB`).join(', ')}`);
    expect(files.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET);
    for (const f of files) {
      const code = readFileSync(join(dist, f), 'utf8');
      expect(code.includes('monaco-editor') || code.includes('xterm-helper-textarea')).toBe(false);
    }
  });
});
