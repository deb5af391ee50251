// The data centre's worker: its simulation (DataCentreService) runs apart from the engine
// and the shell, and starts only when the page first opens the data-centre view.
import * as Comlink from 'comlink';
import { DataCentreService } from './datacenter-api.ts';

Comlink.expose(new DataCentreService());
