// The Web Worker entry: one Engine exposed through comlink. Nothing else lives here, so
// the worker and the in-process engine that tests drive are the same code.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';
import { coreDeps } from './core-deps.ts';

// A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp
// on nested timers, so queued pause messages get in between slices cheaply.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

Comlink.expose(new Engine(coreDeps({ yieldToEvents, now: () => performance.now() })));
