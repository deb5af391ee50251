#!/usr/bin/env node
// Type-checks each layer with its own tsconfig, so the compiler enforces the layering:
// core sees no DOM and no Node, the worker sees WebWorker, the CLI sees Node, the UI sees DOM.
import { spawnSync } from 'node:child_process';

const steps = [
  ['core', 'tsc', ['-p', 'src/core/tsconfig.json']],
  ['worker', 'tsc', ['-p', 'src/worker/tsconfig.json']],
  ['cli', 'tsc', ['-p', 'src/cli/tsconfig.json']],
  ['tests', 'tsc', ['-p', 'tsconfig.json']],
  ['ui', 'svelte-check', ['--tsconfig', 'src/ui/tsconfig.json', '--fail-on-warnings', '--output', 'human']],
];
let failed = 0;
for (const [name, bin, args] of steps) {
  const started = Date.now();
  const r = spawnSync(`node_modules/.bin/${bin}`, args, { stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`typecheck ${name}: ${ok ? 'ok' : 'FAILED'} (${Date.now() - started} ms)`);
  if (!ok) failed++;
}
process.exit(failed ? 1 : 0);
