// The first-load budget (issue 5): the JavaScript index.html loads before anything lazy
// must stay at or under 150 kB gzip. Monaco and xterm must not be part of it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { firstLoadFiles as firstLoadFilesOf } from '../../bench/bundle.ts';

const dist = resolve(import.meta.dirname, '../../dist');
const BUDGET = 150 * 1024;


const firstLoadFiles = () => firstLoadFilesOf(dist);

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
