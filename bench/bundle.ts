// Built bundle sizes (issue 5's budget: first-load JavaScript ≤ 150 kB gzip, Monaco and
// xterm lazy). Builds the site with `vite build` into a temporary directory (so a dist/
// being served elsewhere is left alone) and reports, raw and gzip: the first-load
// JavaScript (index.html's scripts and their static imports), the lazy chunks, each
// worker, and the CSS. bench/index.ts adds `bundleSizes` to its sections.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow, BenchSection } from './section.ts';

const root = resolve(import.meta.dirname, '..');
export const FIRST_LOAD_BUDGET = 150 * 1024;

/** index.html's scripts and modulepreloads, then their static imports, transitively. */
export function firstLoadFiles(dist: string): string[] {
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

interface Size { raw: number; gzip: number; files: number }

function measure(dist: string, files: string[]): Size {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(dist, f));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip, files: files.length };
}

const kb = (n: number) => Math.round(n / 102.4) / 10;

function row(what: string, s: Size, note = ''): BenchRow {
  return { measure: what, files: s.files, 'raw kB': kb(s.raw), 'gzip kB': kb(s.gzip), note };
}

/** Every row for a built dist/ directory. */
export function bundleRows(dist: string): BenchRow[] {
  const assets = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`);
  const js = assets.filter((f) => f.endsWith('.js'));
  const first = firstLoadFiles(dist);
  const workers = js.filter((f) => /\.worker-[\w-]+\.js$/.test(f));
  const lazy = js.filter((f) => !first.includes(f) && !workers.includes(f));
  const xterm = lazy.filter((f) => /\/(xterm|addon-fit)-/.test(f));
  const firstSize = measure(dist, first);
  const rows = [
    row('first-load JS', firstSize, `budget ${kb(FIRST_LOAD_BUDGET)} kB gzip: ${firstSize.gzip <= FIRST_LOAD_BUDGET ? 'within' : 'OVER'}`),
    row('lazy JS (Monaco, xterm, views)', measure(dist, lazy)),
    row('  of which xterm', measure(dist, xterm)),
  ];
  for (const w of workers.sort()) {
    const size = measure(dist, [w]);
    // Vite also emits a tiny module that only constructs a `?worker` import's Worker.
    rows.push(row(`worker ${w.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '')}`, size, size.raw < 1024 ? 'loader stub' : ''));
  }
  rows.push(row('CSS', measure(dist, assets.filter((f) => f.endsWith('.css')))));
  const all = assets.filter((f) => statSync(join(dist, f)).isFile());
  rows.push(row('everything in dist/assets', measure(dist, all)));
  return rows;
}

export const bundleSizes: BenchSection = {
  name: 'bundle sizes (vite build)',
  run({ log }) {
    const out = mkdtempSync(join(tmpdir(), 'trapdoor-bundle-'));
    try {
      log(`building into ${out}…`);
      const build = spawnSync(join(root, 'node_modules/.bin/vite'), ['build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
      return bundleRows(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
