// The saved form of a VM manager (one host's hypervisor): the host's scheduler
// (physical-host-state.ts) and every VM on it — a vmm/snapshot of it, its account, its
// tagged snapshots, and the program it boots: a shipped guest kernel by name, or (since
// version 2) any program image carried along, as a data centre's workloads are.
//
// Version 1 named only shipped images; it reads as version 2 unchanged.

import type { ProgramImage } from '../asm/image.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { loadImage, saveImage, type ImageState } from './image-state.ts';
import { buildGuestImage, findGuestImage } from './images/index.ts';
import type { PhysicalHostState } from './physical-host-state.ts';
import { readSnapshot } from './snapshot.ts';
import { fail, isArray, isBool, isBytes, isNumber, isObject, isString } from './state-check.ts';
import { loadAccount, type VmAccount, type VmAccountState } from './vm-account.ts';
import type { VmMode, VmStatus } from './vm-port.ts';

export const HYPERVISOR_STATE_VERSION = 2;

/** A saved `vm` backend: the host's scheduler and every VM (as a vmm snapshot) with its tags. */
export interface VmManagerState {
  kind: 'hypervisor-host';
  version: number;
  /** Host time when saved (the owner's clock plus the lead a console gave the VMs). */
  now: number;
  host: PhysicalHostState;
  machines: MachineState[];
}

export interface MachineState {
  name: string;
  /** The shipped image it boots, or what it is listed as running (a workload's profile). */
  image: string;
  /** Absent: `image` names a shipped guest kernel. Otherwise the program itself (null: none known). */
  program?: ImageState | null;
  mode: VmMode;
  state: VmStatus;
  boot: boolean;
  account: VmAccountState;
  snapshots: Array<[string, Uint8Array]>;
  window: { at: number; cpu: number };
  vm: Uint8Array;
}

/** A saved machine, checked field by field; the manager builds its VM from `vm`. */
export interface DecodedMachine {
  name: string;
  image: string;
  program: ProgramImage | undefined;
  shipped: boolean;
  mode: VmMode;
  state: VmStatus;
  boot: boolean;
  account: VmAccount;
  snapshots: Map<string, Uint8Array>;
  window: { at: number; cpu: number };
  vm: Uint8Array;
}

/** VM names a saved state may hold: the shell's rule without its length limit (a data centre's). */
const SAVED_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The program a saved machine carries, when it is not a shipped image. */
export function saveProgram(program: ProgramImage | undefined): ImageState | null {
  return program ? saveImage(program) : null;
}

/** Checks a saved manager (version 1 or 2) and decodes its machines; the host is left to PhysicalHost. */
export function decodeMachines(value: unknown, bucketCycles: number): DecodedMachine[] {
  const v = value as { kind?: unknown; version?: unknown } | null;
  checkStateHeader(v?.kind === 'hypervisor-host' && v.version === 1 ? { ...v, version: HYPERVISOR_STATE_VERSION } : value, 'hypervisor-host', HYPERVISOR_STATE_VERSION);
  const s = value as unknown as Record<string, unknown>;
  isNumber(s.now, 'now');
  const machines = isArray(s.machines, 'machines').map((m, i) => decodeMachine(m, `machines[${i}]`, bucketCycles));
  const names = new Set<string>();
  for (const [i, m] of machines.entries()) {
    if (names.has(m.name)) fail(`machines[${i}].name`, `two VMs named ${m.name}`);
    names.add(m.name);
  }
  checkPlaced(machines, isArray(isObject(s.host, 'host').placements, 'host.placements'));
  return machines;
}

/** A running VM is placed; a placed VM is running or has ended (a 'keep' host holds ended VMs). */
function checkPlaced(machines: DecodedMachine[], placements: unknown[]): void {
  const placed = new Map(placements.map((p) => [(p as { name?: unknown } | null)?.name, (p as { end?: unknown } | null)?.end]));
  for (const m of machines) {
    const on = placed.has(m.name);
    if (m.state === 'running' && !on) fail(m.name, 'saved as running but not placed on the host');
    if (m.state !== 'running' && on && placed.get(m.name) == null) fail(m.name, `saved as ${m.state} but placed on the host, not ended`);
  }
}

function decodeMachine(value: unknown, path: string, bucketCycles: number): DecodedMachine {
  const s = isObject(value, path);
  const name = isString(s.name, `${path}.name`);
  if (!SAVED_NAME.test(name)) fail(`${path}.name`, `bad VM name '${name}'`);
  const image = isString(s.image, `${path}.image`);
  const shipped = s.program === undefined;
  const spec = shipped ? findGuestImage(image) : undefined;
  if (shipped && !spec) fail(`${path}.image`, `no such image in this build: ${image}`);
  const program = spec ? buildGuestImage(spec.name) : s.program === null ? undefined : loadImage(s.program, `${path}.program`);
  const mode = s.mode === 'full' || s.mode === 'pv' || s.mode === 'hw' ? s.mode : fail(`${path}.mode`, `unknown mode '${String(s.mode)}'`);
  const state = s.state === 'created' || s.state === 'running' || s.state === 'stopped' ? s.state : fail(`${path}.state`, `unknown state '${String(s.state)}'`);
  const snapshots = new Map<string, Uint8Array>();
  for (const [i, t] of isArray(s.snapshots, `${path}.snapshots`).entries()) {
    const [tag, snap] = isArray(t, `${path}.snapshots[${i}]`);
    snapshots.set(isString(tag, `${path}.snapshots[${i}][0]`), readable(isBytes(snap, `${path}.snapshots[${i}][1]`)));
  }
  const w = isObject(s.window, `${path}.window`);
  return {
    name, image: spec?.name ?? image, program, shipped, mode, state, boot: isBool(s.boot, `${path}.boot`),
    account: loadAccount(s.account, bucketCycles, `${path}.account`), snapshots,
    window: { at: isNumber(w.at, `${path}.window.at`), cpu: isNumber(w.cpu, `${path}.window.cpu`) },
    vm: isBytes(s.vm, `${path}.vm`),
  };
}

/** A kept snapshot is checked when the state is restored, not when `vm restore` needs it. */
function readable(bytes: Uint8Array): Uint8Array {
  readSnapshot(bytes);
  return bytes.slice();
}
