// The data centre's worker, started the first time a view asks for it (the data-centre
// screen or the guests overview), and shared by both.
import * as Comlink from 'comlink';
import type { DataCentreApi, MigrationProgress } from '../../worker/datacenter-api.ts';

let api: DataCentreApi | null = null;

export function dataCentre(): DataCentreApi {
  if (!api) {
    const worker = new Worker(new URL('../../worker/datacenter.worker.ts', import.meta.url), { type: 'module', name: 'datacentre' });
    api = Comlink.wrap<DataCentreApi>(worker) as unknown as DataCentreApi;
  }
  return api;
}

/** Progress callbacks cross to the worker as comlink proxies. */
export function wrapProgress(f: (p: MigrationProgress) => void): (p: MigrationProgress) => void {
  return Comlink.proxy(f);
}

export function dataCentreStarted(): boolean {
  return api !== null;
}
