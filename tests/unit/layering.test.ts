// The layering rule, checked: imports point down only (ui → worker → core, cli → core),
// the UI never drives the engine except through the worker, and no module forms a cycle.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Edge { from: string; to: string; typeOnly: boolean }

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5];
    if (!spec || !spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\?.*$/, ''));
    edges.push({ from: file, to: target, typeOnly: Boolean(m[2]) });
  }
  return edges;
}

/** The layer a file belongs to: its first folder under src/ ("entry" for src/main.ts). */
function layerOf(file: string): string {
  const parts = relative(src, file).split(/[\\/]/);
  return parts.length === 1 ? 'entry' : (parts[0] ?? '');
}

/** Which layers each layer may import. */
const allowed: Record<string, string[]> = {
  core: ['core'],
  worker: ['worker', 'core'],
  cli: ['cli', 'core'],
  ui: ['ui', 'worker', 'core'],
  entry: ['ui'],
};

/** Core folders that run guests: the UI reaches them only through the worker. */
const engine = ['isa', 'machine', 'vmm', 'kernel', 'runner.ts'];

const files = walk(src);
const edges = files.flatMap(importsOf).filter((e) => e.to.startsWith(src));

describe('layering', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('imports point down only', () => {
    const bad = edges
      .filter((e) => !(allowed[layerOf(e.from)] ?? []).includes(layerOf(e.to)))
      .map((e) => `Bad layering: ${relative(root, e.from)} imports ${relative(root, e.to)}`);
    expect(bad).toEqual([]);
  });

  it('the UI drives the engine only through the worker', () => {
    const bad = edges
      .filter((e) => layerOf(e.from) === 'ui' && layerOf(e.to) === 'core' && !e.typeOnly)
      .filter((e) => engine.includes(relative(join(src, 'core'), e.to).split(/[\\/]/)[0] ?? ''))
      .map((e) => `${relative(root, e.from)} runs ${relative(root, e.to)} on the main thread`);
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    const norm = (p: string) => p.replace(/\.(ts|svelte)$/, '');
    const graph = new Map<string, string[]>();
    for (const e of edges) {
      if (e.typeOnly) continue;
      const list = graph.get(norm(e.from)) ?? [];
      list.push(norm(e.to));
      graph.set(norm(e.from), list);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push(path.slice(path.indexOf(node)).concat(node).map((p) => relative(root, p)).join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
