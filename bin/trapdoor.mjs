#!/usr/bin/env node
// The `trapdoor` command: runs the TypeScript CLI directly through tsx, so `npx trapdoor`
// works right after `npm ci` with no build step.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
registerHooks('./raw-loader.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
