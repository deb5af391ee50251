// The Web Worker entry: one Engine exposed through comlink. Nothing else lives here, so
// the worker and the in-process engine that tests drive are the same code.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';
import { coreDeps } from './core-deps.ts';
import { yieldToEvents } from './yield-to-events.ts';

Comlink.expose(new Engine(coreDeps({ yieldToEvents, now: () => performance.now() })));
