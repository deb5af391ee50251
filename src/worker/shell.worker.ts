// The terminal's worker: the host kernel and its shell (ShellService), apart from the
// engine's worker so a guest running flat out there never delays a keystroke here.
import * as Comlink from 'comlink';
import { ShellService } from './shell-service.ts';
import { yieldToEvents } from './yield-to-events.ts';

Comlink.expose(new ShellService({
  yieldToEvents,
  now: () => performance.now(),
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}, (obj, port) => Comlink.expose(obj, port)));
