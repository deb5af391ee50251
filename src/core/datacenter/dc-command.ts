// `dc`: the data centre's verbs, shared by the shell's `dc` command and `trapdoor dc`. Each
// verb returns its text for a terminal and its figures as JSON (`--json`); file access is
// injected, so the same code runs in the browser (the worker's files) and in Node.

import { bulk, listing, type BulkAction, type ContainerSource } from './administration.ts';
import { exportBackup, restoreBackup } from './backup.ts';
import { cloneTemplate } from './clone.ts';
import { consolidate } from './consolidation.ts';
import { DataCentre, mib, ms } from './datacenter.ts';
import { demoDataCentre } from './demo.ts';
import { failHost, repairHost } from './failover.ts';
import { migrate } from './live-migration.ts';
import { tcoInputs, totalCostOfOwnership, TCO_SOURCES, type TcoInputs } from './tco.ts';
import { workloadSpec, type WorkloadProfile } from './workload.ts';

export interface DcIo {
  readFile?(path: string): Uint8Array;
  writeFile?(path: string, bytes: Uint8Array): void;
  containers?: ContainerSource;
}

export interface DcResult {
  status: number;
  text: string;
  json: unknown;
}

export const DC_USAGE = `usage: dc VERB [ARGS] [--json]
  list                          every host, VM and container: state, CPU, memory, exits
  run MS                        advance the data centre's clock
  create NAME PROFILE [--host H]   a VM running idle | bursty | cpu-bound | memory-heavy
  migrate VM HOST [--link-mbps N] [--max-rounds N]   live migration by pre-copy
  fail-host HOST [--detect-ms N]   fail a host; its VMs restart elsewhere from snapshots
  repair-host HOST              bring a failed host back into service (empty)
  pause|resume|stop|snapshot PATTERN   bulk action on VMs matching a glob (web-*)
  clone TEMPLATE N [--prefix P] test/dev copies of a VM
  export VM FILE                save a VM's latest backup snapshot to a file
  restore FILE NAME [--host H]  restore a backup file as a new VM
  consolidate [--policy first-fit|first-fit-decreasing] [--target 0.75] [--ms 300]
  cost [--server-price N] [--idle-watts N] [--peak-watts N] [--pue N] [--kwh-price N]
       [--admin-hours N] [--admin-rate N] [--licence N] [--years N] [--before U,U..] [--after U,U..]
  reset                         back to the demo data centre`;

class DcUsageError extends Error {}

interface Parsed {
  args: string[];
  opts: Map<string, string>;
  json: boolean;
}

function parse(argv: string[]): Parsed {
  const args: string[] = [];
  const opts = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') { json = true; continue; }
    if (!a.startsWith('--')) { args.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new DcUsageError(`option --${name} needs a value`);
    opts.set(name, value);
  }
  return { args, opts, json };
}

/** The longest stretch of virtual time one verb simulates: each ms is 100,000 cycles on
 *  every busy host, real work for the machine running the lab. */
export const MAX_RUN_MS = 1000;

/** Every numeric option's range: a typo like 1e308 is refused, not printed as $∞. */
const RANGES: Record<string, [min: number, max: number]> = {
  ms: [0.001, MAX_RUN_MS], 'detect-ms': [0, MAX_RUN_MS], target: [0.01, 1],
  'server-price': [0, 1e7], 'idle-watts': [0, 1e5], 'peak-watts': [0, 1e5], pue: [-Infinity, 10], // below 1: tco.ts says why 'kwh-price': [0, 100],
  'admin-hours': [0, 8760], 'admin-rate': [0, 1e4], licence: [0, 1e7], years: [0.1, 100],
};

function number(p: Parsed, name: string, fallback?: number): number | undefined {
  const v = p.opts.get(name);
  if (v === undefined) return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || v.trim() === '') throw new DcUsageError(`--${name} needs a number, got '${v}'`);
  const [min, max] = RANGES[name] ?? [-Infinity, Infinity];
  if (n < min || n > max) throw new DcUsageError(`--${name} must be ${min === -Infinity ? `at most ${max}` : `from ${min} to ${max}`}, got '${v}'`);
  return n;
}

function need(p: Parsed, count: number, usage: string): string[] {
  if (p.args.length < count) throw new DcUsageError(`usage: dc ${usage}`);
  return p.args;
}

function known(p: Parsed, names: string[]): void {
  for (const k of p.opts.keys()) if (!names.includes(k)) throw new DcUsageError(`unknown option --${k} (see dc help)`);
}

type Verb = (s: DcSession, p: Parsed) => { text: string; json: unknown };

/** A data centre and the verbs that act on it; the shell keeps one per session. */
export class DcSession {
  dc: DataCentre;

  constructor(readonly io: DcIo = {}, dc?: DataCentre) {
    this.dc = dc ?? demoDataCentre();
  }

  run(argv: string[]): DcResult {
    const [verb, ...rest] = argv;
    if (verb === undefined || verb === 'help' || verb === '--help') return { status: verb === undefined ? 2 : 0, text: `${DC_USAGE}\n`, json: null };
    const entry = VERBS[verb];
    if (!entry) return { status: 2, text: `dc: '${verb}' is not a dc verb\n${DC_USAGE}\n`, json: { error: `unknown verb ${verb}` } };
    let p: Parsed;
    try {
      p = parse(rest);
      const out = entry(this, p);
      return { status: 0, text: p.json ? `${JSON.stringify(out.json, null, 2)}\n` : out.text, json: out.json };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { status: e instanceof DcUsageError ? 2 : 1, text: `dc ${verb}: ${message}\n`, json: { error: message } };
    }
  }
}

const VERBS: Record<string, Verb> = {
  list: (s, p) => { known(p, []); return listVerb(s); },
  ls: (s, p) => { known(p, []); return listVerb(s); },
  run: (s, p) => {
    const [t] = need(p, 1, 'run MS');
    const cycles = Math.round(Number(t) * 100_000);
    if (!(cycles > 0) || Number(t) > MAX_RUN_MS) throw new DcUsageError(`run needs a number of milliseconds from 0.01 to ${MAX_RUN_MS}, got '${t}'`);
    s.dc.runFor(cycles);
    return { text: `now ${ms(s.dc.now).toFixed(1)} ms\n`, json: { now: s.dc.now, nowMs: ms(s.dc.now) } };
  },
  create: (s, p) => {
    known(p, ['host']);
    const [name, profile] = need(p, 2, 'create NAME PROFILE [--host H]');
    if (!['idle', 'bursty', 'cpu-bound', 'memory-heavy'].includes(profile)) throw new DcUsageError(`unknown profile '${profile}' (idle, bursty, cpu-bound, memory-heavy)`);
    const r = s.dc.createVm({ name, workload: workloadSpec(profile as WorkloadProfile), host: p.opts.get('host') });
    return { text: `${name} (${profile}) started on ${r.host}\n`, json: { name, profile, host: r.host } };
  },
  migrate: (s, p) => {
    known(p, ['link-mbps', 'max-rounds', 'stop-pages']);
    const [vm, host] = need(p, 2, 'migrate VM HOST');
    const r = migrate(s.dc, vm, host, {
      linkBitsPerSecond: (number(p, 'link-mbps', 1000) ?? 1000) * 1e6, maxRounds: number(p, 'max-rounds'), stopPages: number(p, 'stop-pages'),
    });
    const rounds = r.rounds.map((x) => `  round ${x.round}: ${x.pages} pages in ${ms(x.cycles).toFixed(2)} ms, ${x.dirtied} dirtied meanwhile\n`).join('');
    return {
      text: `${vm}: ${r.from} -> ${r.to} (${r.stopReason})\n${rounds}  stop-and-copy: ${r.finalPages} pages + ${r.stateBytes} bytes of state\n`
        + `  downtime ${(r.downtimeMs * 1000).toFixed(0)} µs, total ${ms(r.totalCycles).toFixed(2)} ms, ${r.pagesSent} pages sent\n`,
      json: r,
    };
  },
  'fail-host': (s, p) => {
    known(p, ['detect-ms']);
    const [host] = need(p, 1, 'fail-host HOST');
    const r = failHost(s.dc, host, { detectCycles: Math.round((number(p, 'detect-ms', 10) ?? 10) * 100_000) });
    const lines = r.vms.map((v) => v.to === null
      ? `  ${v.vm}: DOWN (no room on any surviving host)\n`
      : `  ${v.vm}: restarted on ${v.to} from ${v.snapshotAt === null ? 'its image' : `the snapshot of ${ms(v.snapshotAt).toFixed(1)} ms`}; downtime ${v.downtimeMs.toFixed(2)} ms, lost ${v.lostInstructions} instructions (${ms(v.lostCycles).toFixed(1)} ms of work)\n`);
    return { text: `${host} failed at ${ms(r.failedAt).toFixed(1)} ms\n${lines.join('')}`, json: r };
  },
  'repair-host': (s, p) => {
    known(p, []);
    const [host] = need(p, 1, 'repair-host HOST');
    repairHost(s.dc, host);
    return { text: `${host} repaired: back in service, empty\n`, json: { host, state: 'up' } };
  },
  pause: bulkVerb('pause'), resume: bulkVerb('resume'), stop: bulkVerb('stop'), snapshot: bulkVerb('snapshot'),
  clone: (s, p) => {
    known(p, ['prefix']);
    const [template, n] = need(p, 2, 'clone TEMPLATE N [--prefix P]');
    const r = cloneTemplate(s.dc, template, Number(n), p.opts.get('prefix'));
    return { text: `${r.clones.length} clones of ${template} (${r.snapshotBytes} bytes each): ${r.clones.map((c) => `${c.name}@${c.host}`).join(' ')}\n`, json: r };
  },
  export: (s, p) => {
    known(p, []);
    const [vm, file] = need(p, 2, 'export VM FILE');
    if (!s.io.writeFile) throw new Error('no file system to write to here');
    const bytes = exportBackup(s.dc, vm);
    s.io.writeFile(file, bytes);
    return { text: `${vm}: ${bytes.length} bytes written to ${file}\n`, json: { vm, file, bytes: bytes.length } };
  },
  restore: (s, p) => {
    known(p, ['host']);
    const [file, name] = need(p, 2, 'restore FILE NAME [--host H]');
    if (!s.io.readFile) throw new Error('no file system to read from here');
    const r = restoreBackup(s.dc, s.io.readFile(file), name, p.opts.get('host'));
    return { text: `${name} restored from ${file} on ${r.host}\n`, json: { name, host: r.host, file } };
  },
  consolidate: (_s, p) => {
    known(p, ['policy', 'target', 'ms']);
    const policy = p.opts.get('policy') ?? 'first-fit-decreasing';
    if (policy !== 'first-fit' && policy !== 'first-fit-decreasing') throw new DcUsageError(`unknown policy '${policy}' (first-fit, first-fit-decreasing)`);
    const r = consolidate({ policy, targetUtilization: number(p, 'target', 0.75), duration: Math.round((number(p, 'ms', 300) ?? 300) * 100_000) });
    return { text: consolidationText(r), json: r };
  },
  cost: (_s, p) => {
    const names: Record<string, keyof TcoInputs> = {
      'server-price': 'serverPrice', 'idle-watts': 'idleWatts', 'peak-watts': 'peakWatts', pue: 'pue', 'kwh-price': 'pricePerKwh',
      'admin-hours': 'adminHoursPerServerYear', 'admin-rate': 'adminHourlyRate', licence: 'licencePerHostYear', years: 'years',
    };
    known(p, [...Object.keys(names), 'before', 'after', 'ms']);
    const partial: Partial<TcoInputs> = {};
    for (const [flag, key] of Object.entries(names)) { const v = number(p, flag); if (v !== undefined) partial[key] = v; }
    const inputs = tcoInputs(partial);
    let before = list(p, 'before');
    let after = list(p, 'after');
    if (!before || !after) {
      const r = consolidate({ fill: false, duration: Math.round((number(p, 'ms', 100) ?? 100) * 100_000) });
      before ??= r.before.hosts.map((h) => h.utilization);
      after ??= r.after.hosts.map((h) => h.utilization);
    }
    const t = totalCostOfOwnership(inputs, before, after);
    return { text: costText(t), json: { ...t, sources: TCO_SOURCES } };
  },
  reset: (s, p) => { known(p, []); s.dc = demoDataCentre(); return { text: 'demo data centre restored\n', json: { ok: true } }; },
};

function bulkVerb(action: BulkAction): Verb {
  return (s, p) => {
    known(p, []);
    const [pattern] = need(p, 1, `${action} PATTERN`);
    const r = bulk(s.dc, action, pattern);
    if (r.done.length === 0 && r.skipped.length === 0) throw new Error(`no VM matches '${pattern}'`);
    const skipped = r.skipped.map((x) => `  ${x.name}: ${x.reason}\n`).join('');
    return { text: `${action}: ${r.done.join(' ') || '(none)'}\n${skipped}`, json: r };
  };
}

function list(p: Parsed, name: string): number[] | undefined {
  const v = p.opts.get(name);
  if (v === undefined) return undefined;
  const values = v.split(',').map(Number);
  if (values.some((x) => !Number.isFinite(x) || x < 0 || x > 100)) throw new DcUsageError(`--${name} needs utilizations in % separated by commas, got '${v}'`);
  return values;
}

function listVerb(s: DcSession): { text: string; json: unknown } {
  const l = listing(s.dc, s.io.containers);
  const hosts = table(['HOST', 'STATE', 'CPUS', 'VMS', 'RAM', 'CPU%'], l.hosts.map((h) => [
    h.name, h.state, String(h.pcpus), String(h.vms), `${mib(h.ramReserved)}/${mib(h.ramBytes)}`, h.cpuPercent.toFixed(1)]));
  const vms = table(['VM', 'HOST', 'PROFILE', 'STATE', 'CPU%', 'RAM USED', 'EXITS', 'SNAPS'], l.vms.map((v) => [
    v.name, v.host ?? '-', v.profile, v.status, v.cpuPercent.toFixed(1), `${mib(v.ramTouched)}/${mib(v.ramBytes)}`, String(v.exits), String(v.snapshots)]));
  const containers = l.containers.length === 0 ? '' : `\n${table(['CONTAINER', 'IMAGE', 'STATE', 'CPU%', 'MEMORY'], l.containers.map((c) => [
    c.name, c.image, c.status, c.cpuPercent.toFixed(1), mib(c.memoryBytes)]))}`;
  return { text: `time ${ms(l.at).toFixed(1)} ms\n${hosts}\n${vms}${containers}`, json: l };
}

function consolidationText(r: ReturnType<typeof consolidate>): string {
  const lines = [`servers needed: ${r.before.servers} before, ${r.after.servers} after (${r.policy}, target ${r.targetUtilization * 100}% CPU)`,
    `average utilization: ${r.before.utilization}% before, ${r.after.utilization}% after`];
  for (const h of r.after.hosts) lines.push(`  ${h.name}: ${h.utilization}%  ${h.services.join(', ')}`);
  lines.push('service latency (mean / p95 µs), alone -> consolidated:');
  for (const b of r.before.services) {
    const a = r.after.services.find((x) => x.name === b.name)!;
    if (b.latency && a.latency) lines.push(`  ${b.name.padEnd(8)} ${b.latency.meanUs} / ${b.latency.p95Us}  ->  ${a.latency.meanUs} / ${a.latency.p95Us}`);
  }
  if (r.fill.length > 0) {
    lines.push(`filling one host: latency of ${r.fill[0].added} as services join`);
    for (const f of r.fill) lines.push(`  ${String(f.services).padStart(2)} VMs (+${f.added}): host ${f.hostUtilization}%, mean ${f.latency?.meanUs ?? '-'} µs, p95 ${f.latency?.p95Us ?? '-'} µs`);
  }
  return `${lines.join('\n')}\n`;
}

function costText(t: ReturnType<typeof totalCostOfOwnership>): string {
  const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;
  const rows = [
    ['servers', String(t.before.servers), String(t.after.servers)],
    ['utilization %', t.before.utilization.map((u) => u.toFixed(0)).join(','), t.after.utilization.map((u) => u.toFixed(0)).join(',')],
    ['capital', usd(t.before.capital), usd(t.after.capital)],
    [`energy (${t.years} y)`, usd(t.before.energyCost), usd(t.after.energyCost)],
    [`administration (${t.years} y)`, usd(t.before.adminCost), usd(t.after.adminCost)],
    ['licences', usd(t.before.licenceCost), usd(t.after.licenceCost)],
    ['total', usd(t.before.total), usd(t.after.total)],
  ];
  return `${table(['', 'BEFORE', 'AFTER'], rows)}saving ${usd(t.savings)} (${t.savingsPercent.toFixed(1)}%)\n`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`;
  return line(head) + rows.map(line).join('');
}
