// The layering rule, checked: imports point down only (ui → worker → core, cli → core),
// inside core the floors are ordered and point down only, the UI never drives the engine
// except through the worker, and no module forms a cycle. Type imports count: a type is a
// dependency on the concept, even if the compiler erases it.
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

/**
 * The floors of src/core, lowest first: a file may import its own floor and the floors
 * below it, never one above. The contracts every floor shares (a diagnostic, a run's
 * result, a Session and its Stop) are the ground floor; runner.ts, which picks a Session
 * for a mode, stands on the machine, the hypervisor and the kernel.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['diagnostic.ts', 'run-result.ts', 'session.ts'],
  ['isa'],
  ['asm'],
  ['machine'],
  ['vmm'],
  ['kernel'],
  ['runner.ts', 'shipped-guests.ts'],
  ['datacenter'],
  ['shell'],
  ['lessons'],
];

/** The floor of a core file (its folder, or its own name at the top of core), or -1. */
function floorOf(file: string): number {
  const first = relative(join(src, 'core'), file).split(/[\\/]/)[0] ?? '';
  return FLOORS.findIndex((names) => names.includes(first) || names.includes(`${first}.ts`));
}

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

  it('every core file stands on a known floor', () => {
    const lost = files
      .filter((f) => layerOf(f) === 'core' && !f.endsWith('tsconfig.json') && floorOf(f) < 0)
      .map((f) => relative(root, f));
    expect(lost).toEqual([]);
  });

  it('core floors point down only, type imports included', () => {
    const bad = edges
      .filter((e) => layerOf(e.from) === 'core' && layerOf(e.to) === 'core')
      .filter((e) => floorOf(e.to) > floorOf(e.from))
      .map((e) => `Bad floor: ${relative(root, e.from)} (${FLOORS[floorOf(e.from)]?.join(' ')}) imports ${relative(root, e.to)} (${FLOORS[floorOf(e.to)]?.join(' ')})`);
    expect(bad).toEqual([]);
  });

  it('the UI drives the engine only through the worker', () => {
    const bad = edges
      .filter((e) => layerOf(e.from) === 'ui' && layerOf(e.to) === 'core' && !e.typeOnly)
      .filter((e) => engine.includes(relative(join(src, 'core'), e.to).split(/[\\/]/)[0] ?? ''))
      .map((e) => `${relative(root, e.from)} runs ${relative(root, e.to)} on the main thread`);
    expect(bad).toEqual([]);
  });

  it('has no import cycles, type imports included', () => {
    const norm = (p: string) => p.replace(/\.(ts|svelte)$/, '');
    const graph = new Map<string, string[]>();
    for (const e of edges) {
      const list = graph.get(norm(e.from)) ?? [];
      list.push(norm(e.to));
      graph.set(norm(e.from), list);
    }
    const cycles = stronglyConnected(graph)
      .filter((c) => c.length > 1)
      .map((c) => c.map((p) => relative(src, p)).sort());
    expect(cycles).toEqual([]);
  });
});

/** Tarjan's strongly connected components: every set of modules that import each other. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}
