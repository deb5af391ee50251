// Starts the engine worker and wraps it with comlink, so the page holds an EngineApi
// whose calls are messages. When the page is cross-origin isolated it also shares a stop
// flag with the worker, so Pause is seen inside a time slice, not only between slices.
import * as Comlink from 'comlink';
import type { EngineApi, EngineListener } from '../worker/engine-api.ts';

export interface EngineClient {
  api: EngineApi;
  /** Set the shared stop flag (if any) and send the pause message. */
  pause(): Promise<void>;
  setListener(listener: EngineListener): Promise<void>;
  /** Wraps a callback so the worker can call it (a comlink proxy). */
  callback<A extends unknown[]>(f: (...args: A) => void): (...args: A) => void;
  sharedStopFlag: boolean;
}

export async function startEngine(): Promise<EngineClient> {
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const api = Comlink.wrap<EngineApi>(worker) as unknown as EngineApi;
  let flag: Int32Array | null = null;
  if (globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
    const buffer = new SharedArrayBuffer(4);
    flag = new Int32Array(buffer);
    await api.attachStopFlag(buffer);
  }
  return {
    api,
    sharedStopFlag: flag !== null,
    async pause() {
      if (flag) Atomics.store(flag, 0, 1);
      await api.pause();
    },
    setListener: (listener) => api.setListener(Comlink.proxy(listener)),
    callback: (f) => Comlink.proxy(f),
  };
}
