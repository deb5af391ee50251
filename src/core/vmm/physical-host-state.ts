// The saved form of a physical host: its scheduler (per-CPU clocks, round-robin position,
// which VM each CPU last ran), its utilization series and, per VM placed on it, the
// scheduling facts (ready time, asleep, paused, ended). The VMs themselves and their
// accounts belong to the host's owner (the VM manager, a batch) and are saved by it: the
// host names them, and the owner hands them back when the state is restored.

import { checkStateHeader } from '../isa/state-header.ts';
import type { Vm } from './vm.ts';
import type { Placement, VmEnd } from './placement.ts';
import type { VmAccount } from './vm-account.ts';
import { fail, isArray, isBool, isInt, isNumber, isObject, isString, orNull } from './state-check.ts';
import { UtilizationSeries, type UtilizationState } from './utilization.ts';

export const PHYSICAL_HOST_STATE_VERSION = 1;

export interface PlacementState {
  name: string;
  readyAt: number;
  blocked: boolean;
  sleepFor: number;
  paused: boolean;
  end: VmEnd | null;
  requestAt: number | null;
  wait: number | null;
}

export interface PhysicalHostState {
  kind: 'physical-host';
  version: number;
  name: string;
  pcpus: number;
  ramBytes: number;
  slice: number;
  switchCost: number;
  bucketCycles: number;
  failed: boolean;
  switches: number;
  clocks: number[];
  /** Per CPU: index in `placements` of the VM it ran last, or null. */
  last: Array<number | null>;
  next: number;
  utilization: UtilizationState;
  placements: PlacementState[];
}

/** The VM and account a saved placement names, supplied by the host's owner. */
export type GuestLookup = (name: string) => { vm: Vm; account: VmAccount };

export interface DecodedHost {
  failed: boolean;
  switches: number;
  clocks: number[];
  last: Array<Placement | null>;
  next: number;
  utilization: UtilizationState;
  slots: Placement[];
}

export function savePlacement(p: Placement): PlacementState {
  const { name, readyAt, blocked, sleepFor, paused, requestAt, wait } = p;
  return { name, readyAt, blocked, sleepFor, paused, end: p.end && { ...p.end }, requestAt, wait };
}

/** Checks a saved host against the host it is restored into and builds its parts. */
export function decodeHost(value: unknown, into: Omit<PhysicalHostState, 'kind' | 'version' | 'failed' | 'switches' | 'clocks' | 'last' | 'next' | 'utilization' | 'placements'>, guest: GuestLookup): DecodedHost {
  checkStateHeader(value, 'physical-host', PHYSICAL_HOST_STATE_VERSION);
  const s = value as unknown as Record<string, unknown>;
  for (const key of ['name', 'pcpus', 'ramBytes', 'slice', 'switchCost', 'bucketCycles'] as const) {
    if (s[key] !== into[key]) fail(key, `the saved host has ${String(s[key])}, host '${into.name}' has ${String(into[key])}`);
  }
  const slots = isArray(s.placements, 'placements').map((v, i) => decodePlacement(v, `placements[${i}]`, guest));
  if (new Set(slots.map((p) => p.name)).size !== slots.length) fail('placements', 'a VM is placed twice');
  const clocks = isArray(s.clocks, 'clocks').map((c, i) => isNumber(c, `clocks[${i}]`));
  const last = isArray(s.last, 'last').map((l, i) => orNull(l, (x) => slotAt(slots, isInt(x, `last[${i}]`), `last[${i}]`)));
  if (clocks.length !== into.pcpus || last.length !== into.pcpus) fail('clocks', `expected one entry per physical CPU (${into.pcpus})`);
  const next = isInt(s.next, 'next');
  if (next > Math.max(0, slots.length - 1)) fail('next', `round-robin position ${next} is past the ${slots.length} VMs`);
  const utilization = s.utilization as UtilizationState;
  new UtilizationSeries(into.bucketCycles, into.pcpus).setState(utilization); // checks it
  return { failed: isBool(s.failed, 'failed'), switches: isInt(s.switches, 'switches'), clocks, last, next, utilization, slots };
}

function slotAt(slots: Placement[], i: number, path: string): Placement {
  const slot = slots[i];
  if (!slot) fail(path, `no placement number ${i}`);
  return slot;
}

function decodePlacement(value: unknown, path: string, guest: GuestLookup): Placement {
  const s = isObject(value, path);
  const name = isString(s.name, `${path}.name`);
  const { vm, account } = guest(name);
  return {
    name, vm, account,
    readyAt: isNumber(s.readyAt, `${path}.readyAt`), blocked: isBool(s.blocked, `${path}.blocked`),
    sleepFor: isNumber(s.sleepFor, `${path}.sleepFor`), paused: isBool(s.paused, `${path}.paused`),
    end: orNull(s.end, (e) => decodeEnd(e, `${path}.end`)),
    requestAt: orNull(s.requestAt, (x) => isNumber(x, `${path}.requestAt`)),
    wait: orNull(s.wait, (x) => isNumber(x, `${path}.wait`)),
  };
}

function decodeEnd(value: unknown, path: string): VmEnd {
  const e = isObject(value, path);
  switch (e.kind) {
    case 'exit': return { kind: 'exit', exitCode: isInt(e.exitCode, `${path}.exitCode`, -(2 ** 31)) };
    case 'fault': return { kind: 'fault', message: isString(e.message, `${path}.message`) };
    case 'wfi-idle': return { kind: 'wfi-idle' };
    case 'budget': return { kind: 'budget' };
    case 'stopped': return { kind: 'stopped' };
    default: return fail(`${path}.kind`, `unknown end '${String(e.kind)}'`);
  }
}
