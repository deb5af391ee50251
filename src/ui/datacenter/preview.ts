// Mounts the data-centre view alone, on a worker of its own: `vite` then open
// /src/ui/datacenter/preview.html (used for screenshots; not part of the built site).
import * as Comlink from 'comlink';
import { mount } from 'svelte';
import '../theme.css';
import type { DataCentreApi } from '../../worker/datacenter-api.ts';
import DataCentre from './DataCentre.svelte';

const worker = new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<DataCentreApi>(worker) as unknown as DataCentreApi;
mount(DataCentre, { target: document.getElementById('app')!, props: { api, wrapProgress: (f) => Comlink.proxy(f) } });
