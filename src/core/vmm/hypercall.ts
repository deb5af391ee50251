// Hypercalls: a paravirtualized guest kernel asks the VMM for a service with ecall, using
// the SBI calling convention (a7 = EID, a6 = FID, a0..a5 in; a0 = error, a1 = value out).
// One hypercall is one exit, however much it does: a whole console buffer, a timer, or a
// batch of calls. Every argument is checked; a bad one returns an SBI error, never throws.

import { join64 } from '../isa/clock.ts';
import { PRIV_M, PRIV_U } from '../isa/privilege.ts';
import type { Trap } from '../isa/trap.ts';
import {
  AVAILABLE_EXTENSIONS, BATCH_ENTRY_BYTES, BATCH_MAX_ENTRIES, BaseFid, DBCN_MAX_WRITE, DbcnFid,
  Eid, MMU_UPDATE_MAX_ENTRIES, RESET_REASON_EXIT_STATUS, ResetReason, ResetType, SBI_IMPL_ID, SBI_IMPL_VERSION,
  SBI_SPEC_VERSION, SbiError, TrapdoorFid, extensionName,
} from './sbi.ts';
import { SharedPage } from './shared-page.ts';
import { hex } from './hex.ts';
import type { ExitContext } from './exit-context.ts';
import { mmuUpdate, setAddressSpace, tlbFlush } from './pv-mmu.ts';

export interface SbiCall {
  eid: number;
  fid: number;
  args: number[]; // a0..a5, unsigned
}

/** What a call did: its SBI result, and whether it already moved the pc (resume, reset). */
export interface SbiOutcome {
  error: number;
  value: number;
  /** The call transferred control (RESUME) or ended the VM: don't touch a0/a1/pc. */
  transferred: boolean;
  summary: string;
}

export function handleHypercall(vm: ExitContext, trap: Trap): void {
  const x = vm.vcpu.cpu.x;
  const call: SbiCall = {
    eid: x[17] >>> 0, fid: x[16] >>> 0,
    args: [x[10], x[11], x[12], x[13], x[14], x[15]].map((a) => a >>> 0),
  };
  const out = serve(vm, call, false);
  if (!out.transferred) {
    x[10] = out.error;
    x[11] = out.value;
    vm.vcpu.retire(trap.pc + 4);
  }
  const cause = isMmuCall(call) ? 'mmu-hypercall' : 'hypercall';
  vm.exit(cause, trap.pc, trap.insn, `${extensionName(call.eid)} fid ${call.fid}: ${out.summary}`);
}

function result(error: number, value: number, summary: string): SbiOutcome {
  return { error, value: value | 0, transferred: false, summary };
}

const notSupported = (what: string): SbiOutcome => result(SbiError.NotSupported, 0, `${what}: not supported`);

/** Dispatches one call; `inBatch` forbids nesting batches. */
export function serve(vm: ExitContext, call: SbiCall, inBatch: boolean): SbiOutcome {
  switch (call.eid) {
    case Eid.Base: return base(call);
    case Eid.Dbcn: return debugConsole(vm, call);
    case Eid.Time:
      if (call.fid !== 0) return notSupported('TIME function');
      return setTimer(vm, call.args[0], call.args[1]);
    case Eid.Srst:
      if (call.fid !== 0) return notSupported('SRST function');
      return systemReset(vm, call.args[0], call.args[1]);
    case Eid.LegacySetTimer: return setTimer(vm, call.args[0], call.args[1]);
    case Eid.LegacyPutchar:
      vm.writeConsole(Uint8Array.of(call.args[0] & 0xff));
      return result(SbiError.Success, 0, `putchar 0x${(call.args[0] & 0xff).toString(16)}`);
    case Eid.LegacyShutdown: return systemReset(vm, ResetType.Shutdown, ResetReason.None);
    case Eid.Trapdoor: return trapdoor(vm, call, inBatch);
    default: return notSupported(extensionName(call.eid));
  }
}

/** Chapter 4: the base extension. */
function base(call: SbiCall): SbiOutcome {
  switch (call.fid) {
    case BaseFid.GetSpecVersion: return result(SbiError.Success, SBI_SPEC_VERSION, 'spec version 2.0');
    case BaseFid.GetImplId: return result(SbiError.Success, SBI_IMPL_ID, 'implementation id');
    case BaseFid.GetImplVersion: return result(SbiError.Success, SBI_IMPL_VERSION, 'implementation version');
    case BaseFid.ProbeExtension: {
      const present = AVAILABLE_EXTENSIONS.includes(call.args[0]);
      return result(SbiError.Success, present ? 1 : 0, `probe ${extensionName(call.args[0])}: ${present ? 'present' : 'absent'}`);
    }
    case BaseFid.GetMvendorid: case BaseFid.GetMarchid: case BaseFid.GetMimpid:
      return result(SbiError.Success, 0, 'machine id 0');
    default: return notSupported('BASE function');
  }
}

/** Chapter 12: the debug console. A write takes a whole buffer in one exit. */
function debugConsole(vm: ExitContext, call: SbiCall): SbiOutcome {
  const [a0, a1, a2] = call.args;
  switch (call.fid) {
    case DbcnFid.Write: {
      if (a2 !== 0) return result(SbiError.InvalidParam, 0, 'buffer above 4 GiB');
      const n = Math.min(a0, DBCN_MAX_WRITE);
      const bytes = vm.memory.readBytes(a1, n);
      if (bytes === null) return result(SbiError.InvalidParam, 0, `buffer 0x${hex(a1)}+${a0} is outside guest RAM`);
      vm.writeConsole(bytes);
      return result(SbiError.Success, n, `wrote ${n} bytes`);
    }
    case DbcnFid.WriteByte:
      vm.writeConsole(Uint8Array.of(a0 & 0xff));
      return result(SbiError.Success, 0, 'wrote 1 byte');
    case DbcnFid.Read: return result(SbiError.Success, 0, 'read 0 bytes (no input)');
    default: return notSupported('DBCN function');
  }
}

/** Chapter 6: set_timer(stime_value); on RV32 the value is a1:a0. Clears a pending timer. */
function setTimer(vm: ExitContext, lo: number, hi: number): SbiOutcome {
  const clock = vm.vcpu.cpu.clock;
  clock.mtimecmpLo = lo >>> 0;
  clock.mtimecmpHi = hi >>> 0;
  const value = join64(hi, lo);
  return result(SbiError.Success, 0, `timer at mtime ${value === 2 ** 64 - 1 ? 'never' : value}`);
}

/** Chapter 10: system_reset(type, reason). */
function systemReset(vm: ExitContext, type: number, reason: number): SbiOutcome {
  if (type === ResetType.ColdReboot || type === ResetType.WarmReboot) {
    vm.requestReset();
    return { error: 0, value: 0, transferred: true, summary: 'reboot' };
  }
  if (type !== ResetType.Shutdown) return result(SbiError.InvalidParam, 0, `reset type ${type}`);
  let code: number;
  if (reason === ResetReason.None) code = 0;
  else if (reason === ResetReason.SystemFailure) code = 1;
  else if (reason >= RESET_REASON_EXIT_STATUS) code = reason - RESET_REASON_EXIT_STATUS;
  else return result(SbiError.InvalidParam, 0, `reset reason ${reason}`);
  vm.powerOff(code);
  return { error: 0, value: 0, transferred: true, summary: `shutdown, exit status ${code}` };
}

/** The Trapdoor extension: yield, shared page, resume from a trap, batches. */
function trapdoor(vm: ExitContext, call: SbiCall, inBatch: boolean): SbiOutcome {
  const [a0, a1, a2] = call.args;
  switch (call.fid) {
    case TrapdoorFid.Yield:
      vm.requestYield();
      return result(SbiError.Success, 0, 'yield the rest of the time slice');
    case TrapdoorFid.SetSharedPage:
      if (!vm.registerSharedPage(a0)) return result(SbiError.InvalidAddress, 0, `shared page 0x${hex(a0)} is not a page of guest RAM`);
      return result(SbiError.Success, 0, a0 === 0 ? 'shared page removed' : `shared page at 0x${hex(a0)}`);
    case TrapdoorFid.Resume: return resume(vm, a0, a1, a2);
    case TrapdoorFid.Batch:
      if (inBatch) return result(SbiError.InvalidParam, 0, 'nested batch');
      return batch(vm, a0, a1);
    case TrapdoorFid.MmuUpdate: {
      if (a1 > MMU_UPDATE_MAX_ENTRIES) return result(SbiError.InvalidParam, 0, `${a1} updates > ${MMU_UPDATE_MAX_ENTRIES}`);
      const r = mmuUpdate(vm, a0, a1);
      return result(r.error, r.applied, r.summary);
    }
    case TrapdoorFid.SetAddressSpace: {
      const r = setAddressSpace(vm, a0);
      return result(r.error, 0, r.summary);
    }
    case TrapdoorFid.TlbFlush: return result(SbiError.Success, 0, tlbFlush(vm, a0));
    default: return notSupported('TRAPDOOR function');
  }
}

/** RESUME(frame, mode, ie): return from a trap to the context saved in `frame`. */
function resume(vm: ExitContext, frame: number, mode: number, ie: number): SbiOutcome {
  if (vm.sharedPage === 0) return result(SbiError.Denied, 0, 'resume without a shared page');
  if (mode > 1) return result(SbiError.InvalidParam, 0, `mode ${mode}`);
  if (!vm.loadFrame(frame)) return result(SbiError.InvalidAddress, 0, `frame 0x${hex(frame)} is not in guest RAM`);
  vm.memory.writeWord(vm.sharedPage + SharedPage.FRAME, frame);
  vm.memory.writeWord(vm.sharedPage + SharedPage.IE, ie ? 1 : 0);
  vm.vcpu.vpriv = mode === 1 ? PRIV_M : PRIV_U;
  return { error: 0, value: 0, transferred: true, summary: `resume ${mode === 1 ? 'kernel' : 'user'} at 0x${hex(vm.vcpu.cpu.pc)}` };
}

/** BATCH(entries, count): runs calls in order, stopping at the first error. */
function batch(vm: ExitContext, addr: number, count: number): SbiOutcome {
  if (count > BATCH_MAX_ENTRIES) return result(SbiError.InvalidParam, 0, `batch of ${count} > ${BATCH_MAX_ENTRIES}`);
  const m = vm.memory;
  if (count > 0 && (m.readBytes(addr, count * BATCH_ENTRY_BYTES) === null || (addr & 3) !== 0)) {
    return result(SbiError.InvalidAddress, 0, `batch at 0x${hex(addr)} is not in guest RAM`);
  }
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const e = addr + i * BATCH_ENTRY_BYTES;
    const w = (k: number): number => m.readWord(e + 4 * k) ?? 0;
    const call: SbiCall = { eid: w(0), fid: w(1), args: [w(2), w(3), w(4), w(5), w(6), w(7)] };
    if (i !== count - 1 && transfersControl(call)) {
      return result(SbiError.InvalidParam, i, `entry ${i}: a control transfer must be the last entry`);
    }
    const out = serve(vm, call, true);
    parts.push(`${extensionName(call.eid)}: ${out.summary}`);
    if (out.transferred) {
      return { ...out, summary: `batch of ${count} (${parts.join('; ')})` };
    }
    m.writeWord(e + 8, out.error);
    m.writeWord(e + 12, out.value);
    if (out.error !== SbiError.Success) return result(out.error, i, `batch stopped at entry ${i} (${parts.join('; ')})`);
  }
  return result(SbiError.Success, count, `batch of ${count} (${parts.join('; ')})`);
}

/** The paravirtual MMU's calls (pv-mmu.ts): memory exits of their own in the exit log. */
function isMmuCall(call: SbiCall): boolean {
  return call.eid === Eid.Trapdoor && (call.fid === TrapdoorFid.MmuUpdate
    || call.fid === TrapdoorFid.SetAddressSpace || call.fid === TrapdoorFid.TlbFlush);
}

/** Calls after which the guest does not continue at the next instruction. */
function transfersControl(call: SbiCall): boolean {
  return (call.eid === Eid.Trapdoor && call.fid === TrapdoorFid.Resume)
    || call.eid === Eid.Srst || call.eid === Eid.LegacyShutdown;
}
