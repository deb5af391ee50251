#!/usr/bin/env node
// Runs a TypeScript entry file (bench, scripts) through tsx: `node bin/run-ts.mjs FILE ARGS…`.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
registerHooks('./raw-loader.mjs', import.meta.url);
const [file, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], file, ...rest];
await import(pathToFileURL(resolve(file)).href);
