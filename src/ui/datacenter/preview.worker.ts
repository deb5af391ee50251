// A worker serving only the data-centre API, for the standalone preview page
// (preview.html). The lab exposes DataCentreService from its own worker instead.
import * as Comlink from 'comlink';
import { DataCentreService } from '../../worker/datacenter-api.ts';

Comlink.expose(new DataCentreService());
