// The data-centre page's interface to the engine: a DataCentreService runs the simulation
// (core/datacenter) in the worker; the page holds a Remote<DataCentreApi>. Every method
// returns a Promise and plain data, so the same object serves tests in-process and the
// page through comlink. Progress of a migration arrives through a callback (pass it
// through Comlink.proxy from the page).

import type { AdminListing, BulkAction, BulkResult } from '../core/datacenter/administration.ts';
import { bulk, listing } from '../core/datacenter/administration.ts';
import { BackupError, exportBackup, restoreBackup } from '../core/datacenter/backup.ts';
import { cloneTemplate, type CloneReport } from '../core/datacenter/clone.ts';
import { consolidate, type ConsolidationOptions, type ConsolidationReport } from '../core/datacenter/consolidation.ts';
import type { DataCentre, DcEvent } from '../core/datacenter/datacenter.ts';
import { demoDataCentre } from '../core/datacenter/demo.ts';
import { failHost, repairHost, type FailoverReport } from '../core/datacenter/failover.ts';
import { migrate, type MigrationProgress, type MigrationReport } from '../core/datacenter/live-migration.ts';
import { TCO_DEFAULTS, TCO_SOURCES, tcoInputs, totalCostOfOwnership, type TcoInputs, type TcoReport } from '../core/datacenter/tco.ts';
import type { UtilizationSample } from '../core/vmm/utilization.ts';

export type { AdminListing, BulkAction, BulkResult, CloneReport, ConsolidationReport, FailoverReport, MigrationProgress, MigrationReport, TcoInputs, TcoReport };

/** Everything the data-centre view draws after a step. */
export interface DcView {
  now: number;
  listing: AdminListing;
  /** Utilization per host over time (10 ms buckets). */
  series: Array<{ host: string; samples: UtilizationSample[] }>;
  events: DcEvent[];
}

export interface CostDefaults {
  defaults: TcoInputs;
  sources: Record<keyof TcoInputs, string>;
}

export interface DataCentreApi {
  reset(): Promise<DcView>;
  view(): Promise<DcView>;
  /** Advances the one virtual clock by `ms` milliseconds of virtual time. */
  advance(ms: number): Promise<DcView>;
  migrate(vm: string, host: string, linkMbps: number, onProgress?: (p: MigrationProgress) => void): Promise<MigrationReport>;
  failHost(host: string): Promise<FailoverReport>;
  /** A failed host back in service. */
  repairHost(host: string): Promise<void>;
  bulk(action: BulkAction, pattern: string): Promise<BulkResult>;
  clone(template: string, count: number): Promise<CloneReport>;
  exportBackup(vm: string): Promise<Uint8Array>;
  /** Ok, or the refusal message for a wrong or damaged file. */
  restoreBackup(bytes: Uint8Array, name: string, host?: string): Promise<{ ok: boolean; message: string }>;
  consolidate(options: ConsolidationOptions): Promise<ConsolidationReport>;
  costDefaults(): Promise<CostDefaults>;
  cost(inputs: Partial<TcoInputs>, before: number[], after: number[]): Promise<TcoReport>;
}

/** Where the data centre lives: the terminal's `dc` holds the same one (a DcSession). */
export interface DataCentreHolder {
  dc: DataCentre;
}

export class DataCentreService implements DataCentreApi {
  constructor(private readonly holder: DataCentreHolder = { dc: demoDataCentre() }) {}

  private get dc(): DataCentre {
    return this.holder.dc;
  }

  async reset(): Promise<DcView> {
    this.holder.dc = demoDataCentre();
    return this.snapshotView();
  }

  async view(): Promise<DcView> {
    return this.snapshotView();
  }

  async advance(ms: number): Promise<DcView> {
    if (!(ms > 0 && ms <= 10_000)) throw new RangeError(`advance takes 0 to 10,000 ms of virtual time, got ${ms}`);
    this.dc.runFor(Math.round(ms * 100_000));
    return this.snapshotView();
  }

  async migrate(vm: string, host: string, linkMbps: number, onProgress?: (p: MigrationProgress) => void): Promise<MigrationReport> {
    return migrate(this.dc, vm, host, { linkBitsPerSecond: linkMbps * 1e6, onProgress });
  }

  async failHost(host: string): Promise<FailoverReport> {
    return failHost(this.dc, host);
  }

  async repairHost(host: string): Promise<void> {
    repairHost(this.dc, host);
  }

  async bulk(action: BulkAction, pattern: string): Promise<BulkResult> {
    return bulk(this.dc, action, pattern);
  }

  async clone(template: string, count: number): Promise<CloneReport> {
    return cloneTemplate(this.dc, template, count);
  }

  async exportBackup(vm: string): Promise<Uint8Array> {
    return exportBackup(this.dc, vm);
  }

  async restoreBackup(bytes: Uint8Array, name: string, host?: string): Promise<{ ok: boolean; message: string }> {
    try {
      const r = restoreBackup(this.dc, bytes, name, host);
      return { ok: true, message: `${name} restored on ${r.host}` };
    } catch (e) {
      if (e instanceof BackupError || e instanceof RangeError) return { ok: false, message: e.message };
      throw e;
    }
  }

  async consolidate(options: ConsolidationOptions): Promise<ConsolidationReport> {
    return consolidate(options);
  }

  async costDefaults(): Promise<CostDefaults> {
    return { defaults: { ...TCO_DEFAULTS }, sources: { ...TCO_SOURCES } };
  }

  async cost(inputs: Partial<TcoInputs>, before: number[], after: number[]): Promise<TcoReport> {
    return totalCostOfOwnership(tcoInputs(inputs), before, after);
  }

  private snapshotView(): DcView {
    const dc = this.dc;
    return {
      now: dc.now,
      listing: listing(dc),
      series: dc.hosts().map((h) => ({ host: h.name, samples: h.utilization.samples(dc.now) })),
      events: dc.events.slice(-30),
    };
  }
}
