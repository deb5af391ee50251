// Snapshots: a whole VM (vCPU, virtual CSRs, devices, exit record, RAM pages it touched)
// as one versioned, checksummed binary. Restoring into a fresh VM continues identically.
//
// Layout (little-endian):
//   0  "TDVM"  magic
//   4  u32     format version (SNAPSHOT_VERSION)
//   8  u32     payload length
//   12 u32     CRC-32 of the payload
//   16 payload: u32 JSON length, JSON (ASCII) of the state without RAM pages,
//               u32 page count, then per page: u32 page index + 4096 bytes
// A corrupt, truncated or other-version snapshot throws SnapshotError before anything
// is changed.

import { PAGE_SIZE } from '../isa/memory.ts';
import type { ProgramImage } from '../asm/image.ts';
import { checkStateHeader, StateVersionError } from '../isa/state-header.ts';
import { Vm, VM_STATE_VERSION, type VmOptions, type VmState } from './vm.ts';
import { vmStateProblem } from './vm-state-schema.ts';
import { plainDataProblem } from '../isa/state-data.ts';

export const SNAPSHOT_VERSION = 1;
const MAGIC = 0x4d564454; // "TDVM"
const HEADER = 16;

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

export function saveSnapshot(vm: Vm): Uint8Array {
  const state = vm.getState();
  const pages = state.ram.pages;
  const json = asciiJson({ ...state, ram: { ...state.ram, pages: [] } });
  const payload = new Uint8Array(4 + json.length + 4 + pages.length * (4 + PAGE_SIZE));
  const dv = new DataView(payload.buffer);
  dv.setUint32(0, json.length, true);
  for (let i = 0; i < json.length; i++) payload[4 + i] = json.charCodeAt(i);
  let at = 4 + json.length;
  dv.setUint32(at, pages.length, true);
  at += 4;
  for (const [index, bytes] of pages) {
    dv.setUint32(at, index, true);
    payload.set(bytes, at + 4);
    at += 4 + PAGE_SIZE;
  }
  const out = new Uint8Array(HEADER + payload.length);
  const h = new DataView(out.buffer);
  h.setUint32(0, MAGIC, true);
  h.setUint32(4, SNAPSHOT_VERSION, true);
  h.setUint32(8, payload.length, true);
  h.setUint32(12, crc32(payload), true);
  out.set(payload, HEADER);
  return out;
}

/** Decodes and checks a snapshot; throws SnapshotError with the reason. */
export function readSnapshot(bytes: Uint8Array): VmState {
  if (bytes.length < HEADER) throw new SnapshotError(`snapshot truncated: ${bytes.length} bytes, the header alone is ${HEADER}`);
  const h = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (h.getUint32(0, true) !== MAGIC) throw new SnapshotError('not a Trapdoor VM snapshot (bad magic)');
  const version = h.getUint32(4, true);
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`snapshot format version ${version}, this build reads version ${SNAPSHOT_VERSION}`);
  }
  const length = h.getUint32(8, true);
  if (bytes.length !== HEADER + length) throw new SnapshotError(`snapshot truncated: payload ${bytes.length - HEADER} of ${length} bytes`);
  const payload = bytes.subarray(HEADER);
  if (crc32(payload) !== h.getUint32(12, true)) throw new SnapshotError('snapshot corrupt: checksum mismatch');
  try {
    return decodePayload(payload);
  } catch (e) {
    if (e instanceof StateVersionError) throw new SnapshotError(`the file is a Trapdoor snapshot but ${e.message}`);
    throw new SnapshotError(`snapshot corrupt: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Restores a snapshot into `vm` (same mode and RAM size); `vm` is unchanged on error. */
export function restoreSnapshot(vm: Vm, bytes: Uint8Array): void {
  const state = readSnapshot(bytes);
  if (state.mode !== vm.mode) throw new SnapshotError(`snapshot is of a '${state.mode}' VM, this VM is '${vm.mode}'`);
  if (state.ramSize !== vm.ram.size) throw new SnapshotError(`snapshot has ${state.ramSize} bytes of RAM, this VM has ${vm.ram.size}`);
  const before = vm.getState();
  try {
    vm.setState(state);
  } catch (e) {
    vm.setState(before);
    throw new SnapshotError(`snapshot refused: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A new VM continuing from a snapshot (test/dev cloning); decoded once, as nothing needs rolling back. */
export function cloneFromSnapshot(bytes: Uint8Array, options: Omit<VmOptions, 'mode' | 'ramSize'> = {}, image?: ProgramImage): Vm {
  const state = readSnapshot(bytes);
  const vm = new Vm({ ...options, mode: state.mode, ramSize: state.ramSize });
  try {
    vm.setState(state);
  } catch (e) {
    throw new SnapshotError(`snapshot refused: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (image) vm.setImage(image);
  return vm;
}

function decodePayload(payload: Uint8Array): VmState {
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  // Every length is checked against the bytes actually there before anything is allocated:
  // a valid checksum says the file is intact, not that its lengths are honest.
  if (payload.length < 8) throw new Error(`payload of ${payload.length} bytes is too short`);
  const jsonLength = dv.getUint32(0, true);
  if (jsonLength > payload.length - 8) throw new Error(`state length ${jsonLength} exceeds the ${payload.length - 8} bytes there`);
  let json = '';
  for (let i = 0; i < jsonLength; i++) json += String.fromCharCode(payload[4 + i]);
  const state = JSON.parse(json) as VmState;
  checkStateHeader(state, 'vm', VM_STATE_VERSION);
  const problem = plainDataProblem(state) ?? vmStateProblem(state);
  if (problem !== null) throw new Error(problem);
  if (state.ram.size !== state.ramSize) throw new Error(`ram.size ${state.ram.size} is not ramSize ${state.ramSize}`);
  let at = 4 + jsonLength;
  const count = dv.getUint32(at, true);
  at += 4;
  if (count !== (payload.length - at) / (4 + PAGE_SIZE)) {
    throw new Error(`${count} pages declared, but ${payload.length - at} bytes of page data follow`);
  }
  const pages: Array<[number, Uint8Array]> = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const index = dv.getUint32(at, true);
    if (index >= state.ramSize / PAGE_SIZE || seen.has(index)) throw new Error(`page ${index} is outside the VM's RAM or saved twice`);
    seen.add(index);
    pages.push([index, payload.slice(at + 4, at + 4 + PAGE_SIZE)]);
    at += 4 + PAGE_SIZE;
  }
  state.ram.pages = pages;
  return state;
}

/** JSON with every non-ASCII character escaped, so one byte per character. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zip and PNG use. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
