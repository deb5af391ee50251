// What a saved VM may contain, as a JSON schema checked (ajv) before any of it reaches a
// setState: every number finite and in its range, every field of its type, no field the
// parts do not save — so a hand-edited or hostile snapshot with a valid checksum (a clock of
// 1e308, a register that is a string, a `__proto__` key that Object.assign would turn into
// a prototype) is refused with the path of the bad field and changes nothing.
//
// The CSR file and the clock save objects whose fields grow with the ISA; their schemas are
// derived from a fresh part's getState(), so a field added there is checked here too (as a
// 32-bit value, signed or not, a wide counter when listed in WIDE, a decimal string...).

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { Clock } from '../isa/clock.ts';
import { Cpu } from '../isa/cpu.ts';
import { CsrFile } from '../isa/csr.ts';
import { PAGE_SIZE } from '../isa/memory.ts';
import { UNSAFE_KEYS } from '../isa/state-data.ts';
import { Ram } from '../machine/ram.ts';
import { RamOnlyMemory } from '../machine/ram-only-memory.ts';
import { Vm } from './vm.ts';

/** Counters and offsets that are 64-bit values held as doubles (may be negative offsets). */
const WIDE = new Set(['instret', 'mcycleOffset', 'minstretOffset', 'cycles', 'idleCycles', 'chargedCycles', 'mtimeOffset', 'stolenCycles']);
const SAFE = 2 ** 53;
/** The largest RAM a VM can address above 0x80000000. */
export const MAX_VM_RAM = 0x8000_0000;
/** Saved exit events, UART bytes: no part keeps more than this many. */
const MAX_ITEMS = 1 << 16;
/** CSR arrays (PMP entries and their registers). */
const MAX_LIST = 64;

const u32 = { type: 'integer', minimum: 0, maximum: 0xffff_ffff } as const;
const xlen = { type: 'integer', minimum: -(2 ** 31), maximum: 0xffff_ffff } as const;
/** Counters held as doubles: finite, within 2^53, not necessarily whole (time slices split cycles). */
const wide = { type: 'number', minimum: -SAFE, maximum: SAFE } as const;
const count = { type: 'integer', minimum: 0, maximum: SAFE } as const;
const amount = { type: 'number', minimum: 0, maximum: SAFE } as const;
const byte = { type: 'integer', minimum: 0, maximum: 255 } as const;
const bool = { type: 'boolean' } as const;
const safeKey = { not: { enum: [...UNSAFE_KEYS] } } as const;

function header(kind: string) {
  return { kind: { const: kind }, version: { type: 'integer' } };
}

/** Fields added after states were first saved: absent in older ones. */
const OPTIONAL = new Set(['stolenCycles', 'virt', 'guestTlb', 'hypervisor', 'h']);

function object(properties: Record<string, unknown>) {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !OPTIONAL.has(k)), additionalProperties: false };
}

/** The schema of a saved part, from the field names and value types of a fresh one:
 *  numbers are 32-bit values (or WIDE counters), strings are 64-bit decimal counters,
 *  lists hold at most MAX_LIST such values, objects recurse. */
function shapeSchema(sample: unknown, key = '', number: object = xlen, maxList = MAX_LIST): unknown {
  if (key === 'entries') return { type: 'integer', minimum: 0, maximum: MAX_LIST }; // PMP entries: sizes a table
  if (key === 'kind' && typeof sample === 'string') return { const: sample };
  if (typeof sample === 'number') return WIDE.has(key) ? wide : number;
  if (typeof sample === 'string') return /^-?[0-9]+$/.test(sample) ? { type: 'string', pattern: '^-?[0-9]{1,20}$' } : { type: 'string', maxLength: 1 << 20 };
  if (typeof sample === 'boolean') return bool;
  if (Array.isArray(sample)) {
    // An empty list in the sample says nothing about its items: plain data (checked before).
    return { type: 'array', ...(sample.length > 0 ? { items: shapeSchema(sample[0], '', number, maxList) } : {}), maxItems: maxList };
  }
  if (typeof sample === 'object' && sample !== null) {
    return object(Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, shapeSchema(v, k, number, maxList)])));
  }
  return {}; // null in a fresh part (an absent disk): any plain data
}

function record(values: unknown) {
  return { type: 'object', propertyNames: safeKey, additionalProperties: values, maxProperties: 4096 };
}

function tlbSchema() {
  return object({
    entries: { type: 'array', items: { type: 'array', items: [u32, wide, xlen], minItems: 3, maxItems: 3 }, maxItems: 256 },
    megapages: bool,
  });
}

/** A hart's saved state (isa/cpu.ts): the VM's vCPU and each kernel process save one.
 *  Fields not spelled here (the TLB, parts added with the ISA) take the shape of a fresh
 *  hart's, so a field added to the CPU's state is checked without touching this file. */
function cpuStateSchema() {
  const clock = new Clock();
  const fresh = new Cpu(new RamOnlyMemory(new Ram(0x8000_0000, PAGE_SIZE))).getState() as unknown as Record<string, unknown>;
  const spelled: Record<string, unknown> = {
    ...header('cpu'), x: { type: 'array', items: xlen, minItems: 32, maxItems: 32 }, pc: xlen,
    priv: { enum: [0, 1, 3] }, waiting: bool, reservation: xlen,
    csr: shapeSchema(new CsrFile(clock).getState()), clock: shapeSchema(clock.getState()),
    tlb: tlbSchema(),
    // The H extension (cpu state version 4): V, and the two-stage translations cached.
    virt: bool, guestTlb: tlbSchema(),
  };
  const properties = Object.fromEntries(Object.keys(fresh).map((k) => [k, spelled[k] ?? shapeSchema(fresh[k], k)]));
  return object({ ...spelled, ...properties });
}

/** Parts a VM saves that this file does not spell out (devices added later: the PLIC,
 *  virtio queues, a disk) are checked by the shape of a fresh VM's: same fields, same types,
 *  numbers finite within 2^53, lists of at most MAX_ITEMS. */
function vmStateSchema() {
  const clock = new Clock();
  const csr = shapeSchema(new CsrFile(clock).getState());
  const fresh = new Vm({ mode: 'full', ramSize: 16 * PAGE_SIZE }).getState() as unknown as Record<string, unknown>;
  const exitEvent = object({
    seq: count, cause: { type: 'string', maxLength: 200 }, cycle: amount, pc: u32, insn: u32,
    action: { type: 'string', maxLength: 4096 }, cost: amount,
  });
  const spelled: Record<string, unknown> = {
    ...header('vm'),
    mode: { enum: ['full', 'pv', 'hw'] },
    ramSize: { type: 'integer', minimum: PAGE_SIZE, maximum: MAX_VM_RAM, multipleOf: PAGE_SIZE },
    vcpu: object({
      cpu: cpuStateSchema(),
      vcsr: csr, vpriv: { enum: [0, 1, 3] }, waiting: bool,
    }),
    ram: object({ ...header('ram'), size: count, pages: { type: 'array', maxItems: 0 } }),
    uart: object({
      ...header('uart'), rx: { type: 'array', items: byte, maxItems: MAX_ITEMS },
      ier: byte, lcr: byte, mcr: byte, scr: byte, dll: byte, dlm: byte, thrInterrupt: bool,
    }),
    exits: object({
      ...header('exit-log'), total: count, byCause: record(count), costByCause: record(amount),
      events: { type: 'array', items: exitEvent, maxItems: MAX_ITEMS },
    }),
    console: { type: 'string' }, consoleDropped: count,
    halted: { anyOf: [{ type: 'null' }, xlen] }, failure: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 4096 }] },
    sharedPage: xlen,
  };
  const properties = Object.fromEntries(Object.keys(fresh).map((k) => [k, spelled[k] ?? shapeSchema(fresh[k], k, wide, MAX_ITEMS)]));
  return object({ ...spelled, ...properties });
}

let compiled: ValidateFunction | undefined;
let compiledCpu: ValidateFunction | undefined;

/** Null when `state` is a valid saved hart; otherwise the first problem. */
export function cpuStateProblem(state: unknown): string | null {
  compiledCpu ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(cpuStateSchema());
  return compiledCpu(state) ? null : describe(compiledCpu.errors?.[0]);
}

/** Null when `state` (the JSON part of a snapshot, pages not yet attached) is a valid VM
 *  state; otherwise the first problem, as "field.path: what is wrong". */
export function vmStateProblem(state: unknown): string | null {
  // Compiled once, on first use: the schema is ours, never a file's.
  compiled ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(vmStateSchema());
  if (compiled(state)) return null;
  return describe(compiled.errors?.[0]);
}

export function describe(e: ErrorObject | undefined): string {
  if (!e) return 'invalid';
  const where = e.instancePath.split('/').slice(1).join('.') || 'state';
  if (e.propertyName !== undefined) return `${where}: the key '${e.propertyName}' is not allowed`;
  const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty: string }).additionalProperty)}'` : '';
  return `${where}: ${e.message ?? e.keyword}${extra}`;
}
