// A VM's account (CPU time, slices, response samples, CPU series) moves with the VM between
// hosts (a VM manager hands it over with the VM, the next adopts it), so the VM manager
// saves it beside the VM.

import { isArray, isInt, isNumber, isObject } from './state-check.ts';
import { UtilizationSeries, type UtilizationState } from './utilization.ts';

/** One request of a periodic service: when it was due, how long until it ran, until done. */
export interface ResponseSample {
  /** Host time at which the guest's timer was due. */
  at: number;
  /** Cycles it waited for a physical CPU. */
  wait: number;
  /** Cycles from due to served (waiting plus its own work, plus any preemption). */
  response: number;
}

/** What a VM accumulates wherever it runs (it moves between hosts with the VM). */
export interface VmAccount {
  cpuTime: number;
  slices: number;
  responses: ResponseSample[];
  cpu: UtilizationSeries;
}

export interface VmAccountState {
  cpuTime: number;
  slices: number;
  responses: ResponseSample[];
  cpu: UtilizationState;
}

/** A VM's account before it has run anywhere; its CPU series in buckets of `bucketCycles`. */
export function newAccount(bucketCycles: number): VmAccount {
  return { cpuTime: 0, slices: 0, responses: [], cpu: new UtilizationSeries(bucketCycles, 1) };
}

export function saveAccount(a: VmAccount): VmAccountState {
  return { cpuTime: a.cpuTime, slices: a.slices, responses: a.responses.map((r) => ({ ...r })), cpu: a.cpu.getState() };
}

/** A new account from a saved one; throws StateError (or RangeError) on a damaged state. */
export function loadAccount(value: unknown, bucketCycles: number, path: string): VmAccount {
  const s = isObject(value, path);
  const responses = isArray(s.responses, `${path}.responses`).map((v, i) => {
    const r = isObject(v, `${path}.responses[${i}]`);
    return { at: isNumber(r.at, `${path}.responses[${i}].at`), wait: isNumber(r.wait, `${path}.responses[${i}].wait`), response: isNumber(r.response, `${path}.responses[${i}].response`) };
  });
  const cpu = new UtilizationSeries(bucketCycles, 1);
  cpu.setState(s.cpu as UtilizationState);
  return { cpuTime: isNumber(s.cpuTime, `${path}.cpuTime`), slices: isInt(s.slices, `${path}.slices`), responses, cpu };
}
