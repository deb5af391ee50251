// Backup and recovery: a VM's snapshot (vmm/snapshot.ts — versioned, checksummed) exported
// as a file and restored on another host, or in another browser. A file that is not a VM
// snapshot, is damaged, is from another format version, or does not fit the chosen host
// is refused with a message that says which — and nothing is changed.

import { checkStateHeader } from '../isa/state-header.ts';
import { VM_STATE_VERSION, type VmState } from '../vmm/vm.ts';
import { readSnapshot, SnapshotError } from '../vmm/snapshot.ts';
import type { DataCentre, DcVm } from './datacenter.ts';

export class BackupError extends Error {
  override name = 'BackupError';
}

/** The VM's latest scheduled snapshot, or a fresh one: the bytes of a backup file. */
export function exportBackup(dc: DataCentre, name: string, fresh = false): Uint8Array {
  const r = dc.vm(name);
  const latest = r.snapshots[r.snapshots.length - 1];
  return (fresh || !latest ? dc.snapshot(name) : latest).bytes;
}

/** Checks a backup file without restoring it; throws BackupError saying what is wrong. */
export function inspectBackup(bytes: Uint8Array): VmState {
  let state: VmState;
  try {
    state = readSnapshot(bytes);
  } catch (e) {
    throw new BackupError(`backup refused: ${e instanceof SnapshotError ? e.message : String(e)}`);
  }
  try {
    checkStateHeader(state, 'vm', VM_STATE_VERSION);
  } catch (e) {
    throw new BackupError(`backup refused: the file is a Trapdoor snapshot but ${e instanceof Error ? e.message : String(e)}`);
  }
  if (state.mode !== 'full' && state.mode !== 'pv' && state.mode !== 'hw') throw new BackupError(`backup refused: unknown VM mode '${String(state.mode)}'`);
  if (!Number.isSafeInteger(state.ramSize) || state.ramSize <= 0 || state.ramSize % 4096 !== 0) {
    throw new BackupError(`backup refused: RAM size ${String(state.ramSize)} is not a whole number of pages`);
  }
  return state;
}

/** Restores a backup file as a new VM `name` on `host` (or the first host with room). */
export function restoreBackup(dc: DataCentre, bytes: Uint8Array, name: string, host?: string): DcVm {
  const state = inspectBackup(bytes);
  if (dc.hasVm(name)) throw new BackupError(`backup refused: a VM named '${name}' already exists`);
  try {
    const record = dc.adoptVm(name, 'restored', bytes, null, host);
    dc.log(`${name} restored from a ${bytes.length}-byte backup (${state.ram.pages.length} pages)`);
    return record;
  } catch (e) {
    if (dc.hasVm(name)) dc.removeVm(name);
    throw new BackupError(`backup refused: ${e instanceof Error ? e.message : String(e)}`);
  }
}
