// Live migration by iterative pre-copy (Clark et al., "Live Migration of Virtual Machines",
// NSDI 2005): while the VM keeps running on the source, send all its memory; then, round
// after round, send again the pages it dirtied during the previous round (the RAM's
// dirty-page bitmap, machine/ram.ts). When few enough pages are left — or the rounds stop
// shrinking, because the guest dirties memory faster than the link can carry it — pause
// the VM, send the last dirty pages and the vCPU and device state (stop-and-copy: the
// only downtime), and resume it on the destination. The guest cannot tell: its console
// carries on and prints exactly what it would have printed had it never moved.
//
// Transfer times come from a link model: bytes / bandwidth, on the one virtual clock.

import { CORE_HZ } from '../isa/clock.ts';
import { PAGE_SHIFT, PAGE_SIZE } from '../isa/memory.ts';
import type { DataCentre } from './datacenter.ts';

export interface MigrationOptions {
  /** Link bandwidth, bits per second (default 1 Gbit/s). */
  linkBitsPerSecond?: number;
  /** Stop pre-copy once a round leaves at most this many dirty pages (default 16). */
  stopPages?: number;
  /** Give up iterating after this many pre-copy rounds (default 30, as Xen's default). */
  maxRounds?: number;
  /** Told after each round and at the switch-over. */
  onProgress?: (p: MigrationProgress) => void;
}

export interface MigrationProgress {
  phase: 'pre-copy' | 'stop-and-copy' | 'done';
  round: number;
  pagesSent: number;
  dirtyPages: number;
  /** Rough share done, 0..100: bytes sent over bytes sent plus bytes still dirty. */
  percent: number;
  at: number;
}

export interface MigrationRound {
  round: number;
  /** Pages sent in this round. */
  pages: number;
  /** Cycles the round's transfer took on the link. */
  cycles: number;
  /** Pages the guest dirtied while this round was being sent. */
  dirtied: number;
}

export type StopReason = 'converged' | 'max-rounds' | 'no-convergence';

export interface MigrationReport {
  vm: string;
  from: string;
  to: string;
  rounds: MigrationRound[];
  stopReason: StopReason;
  /** Pages sent during stop-and-copy. */
  finalPages: number;
  /** Bytes of vCPU, device and exit-log state sent with them. */
  stateBytes: number;
  pagesSent: number;
  bytesSent: number;
  /** The VM was paused for this long (virtual cycles; 100 per microsecond). */
  downtimeCycles: number;
  downtimeMs: number;
  /** From start to resume on the destination. */
  totalCycles: number;
  startedAt: number;
  resumedAt: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Per-page wire cost: the page plus its guest-physical address and a header. */
const PAGE_WIRE_BYTES = PAGE_SIZE + 8;

export function migrate(dc: DataCentre, name: string, to: string, options: MigrationOptions = {}): MigrationReport {
  const record = dc.vm(name);
  const from = record.host;
  const dest = dc.host(to);
  const slot = dc.placement(name);
  if (from === null || !slot) throw new MigrationError(`'${name}' is not running on any host`);
  if (from === to) throw new MigrationError(`'${name}' already runs on ${to}`);
  if (slot.end !== null) throw new MigrationError(`'${name}' has stopped; there is nothing to migrate`);
  if (dest.failed) throw new MigrationError(`destination ${to} is down`);
  if (record.vm.ram.size > dest.freeRam()) {
    throw new MigrationError(`${to} has no room for '${name}' (${record.vm.ram.size} bytes of RAM)`);
  }
  const link = linkModel(options.linkBitsPerSecond ?? 1e9);
  dc.beginMigration(name);
  try {
    return preCopy(dc, name, to, link, options);
  } finally {
    dc.endMigration();
  }
}

/** The migration proper, while the data centre knows one is in progress (no saving). */
function preCopy(dc: DataCentre, name: string, to: string, link: (bytes: number) => number, options: MigrationOptions): MigrationReport {
  const record = dc.vm(name);
  const from = record.host!;
  const dest = dc.host(to);
  const slot = dc.placement(name)!;
  const stopPages = options.stopPages ?? 16;
  const maxRounds = Math.max(1, options.maxRounds ?? 30);
  const progress = options.onProgress ?? (() => {});
  const ram = record.vm.ram;
  const received = new Map<number, Uint8Array>();
  const startedAt = dc.now;
  const rounds: MigrationRound[] = [];
  dc.log(`migration of ${name}: ${from} -> ${to} started`);

  let toSend = ram.touchedPages(); // round 1: everything the guest has ever written
  ram.clearDirty();
  let stopReason: StopReason = 'max-rounds';
  let growing = 0;
  for (let round = 1; ; round++) {
    copyPages(ram.bytes, toSend, received);
    const cycles = link(toSend.length * PAGE_WIRE_BYTES);
    dc.runUntil(dc.now + cycles); // the VM keeps running (and dirtying) meanwhile
    const dirty = ram.dirtyPages();
    ram.clearDirty();
    rounds.push({ round, pages: toSend.length, cycles, dirtied: dirty.length });
    progress(progressOf('pre-copy', rounds, dirty.length, dc.now));
    growing = dirty.length >= toSend.length ? growing + 1 : 0;
    toSend = dirty;
    if (dirty.length <= stopPages) { stopReason = 'converged'; break; }
    if (round >= 2 && growing >= 2) { stopReason = 'no-convergence'; break; }
    if (round >= maxRounds) break;
  }

  // Stop-and-copy: the VM is paused from here until it resumes on the destination.
  dc.host(from).pause(name);
  const stoppedAt = Math.max(dc.now, slot.blocked ? dc.now : slot.readyAt);
  const last = ram.dirtyPages();
  ram.clearDirty();
  const finalPages = [...new Set([...toSend, ...last])].sort((a, b) => a - b);
  copyPages(ram.bytes, finalPages, received);
  const state = record.vm.getState();
  const stateBytes = JSON.stringify({ ...state, ram: { ...state.ram, pages: [] } }).length;
  progress({ phase: 'stop-and-copy', round: rounds.length + 1, pagesSent: sent(rounds) + finalPages.length, dirtyPages: 0, percent: 99, at: stoppedAt });
  const downtimeCycles = link(finalPages.length * PAGE_WIRE_BYTES + stateBytes);
  checkCopy(ram.bytes, state.ram.pages.map(([p]) => p), received, name);

  // The source's hypervisor hands the VM over; the destination's builds it from what
  // crossed the link — not from the source object — and resumes it where it stood.
  const resumedAt = stoppedAt + downtimeCycles;
  const left = dc.host(from).handOver(name);
  dc.arrive(record, dest, {
    origin: { kind: 'state', state: { ...state, ram: { ...state.ram, pages: [...received.entries()].sort((a, b) => a[0] - b[0]) } }, program: record.image },
    account: left.account, readyAt: Math.max(resumedAt, slot.readyAt),
    resume: { blocked: slot.blocked, sleepFor: slot.sleepFor, requestAt: slot.requestAt },
  });
  dc.log(`migration of ${name}: resumed on ${to} after ${rounds.length} rounds, downtime ${(downtimeCycles / 100).toFixed(0)} µs`);
  const pagesSent = sent(rounds) + finalPages.length;
  progress({ phase: 'done', round: rounds.length + 1, pagesSent, dirtyPages: 0, percent: 100, at: resumedAt });
  return {
    vm: name, from, to, rounds, stopReason, finalPages: finalPages.length, stateBytes, pagesSent,
    bytesSent: pagesSent * PAGE_WIRE_BYTES + stateBytes, downtimeCycles, downtimeMs: (downtimeCycles * 1000) / CORE_HZ,
    totalCycles: resumedAt - startedAt, startedAt, resumedAt,
  };
}

/** Cycles of the virtual clock to carry `bytes` over a link of `bits` per second. */
export function linkModel(bitsPerSecond: number): (bytes: number) => number {
  if (!(bitsPerSecond > 0) || !Number.isFinite(bitsPerSecond)) throw new MigrationError(`link bandwidth must be a positive number of bits per second, got ${bitsPerSecond}`);
  return (bytes) => Math.max(1, Math.ceil((bytes * 8 * CORE_HZ) / bitsPerSecond));
}

function copyPages(bytes: Uint8Array, pages: number[], into: Map<number, Uint8Array>): void {
  for (const p of pages) into.set(p, bytes.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT));
}

/** Every page the guest ever wrote must have arrived with its final contents. */
function checkCopy(bytes: Uint8Array, touched: number[], received: Map<number, Uint8Array>, name: string): void {
  for (const p of touched) {
    const copy = received.get(p);
    const base = p << PAGE_SHIFT;
    if (!copy || copy.some((b, i) => b !== bytes[base + i])) {
      throw new MigrationError(`internal error: page ${p} of '${name}' did not arrive intact`);
    }
  }
}

function sent(rounds: MigrationRound[]): number {
  return rounds.reduce((n, r) => n + r.pages, 0);
}

function progressOf(phase: MigrationProgress['phase'], rounds: MigrationRound[], dirty: number, at: number): MigrationProgress {
  const done = sent(rounds);
  return { phase, round: rounds.length, pagesSent: done, dirtyPages: dirty, percent: Math.min(98, (100 * done) / (done + dirty)), at };
}
