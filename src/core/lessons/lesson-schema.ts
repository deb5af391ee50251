// The JSON Schema of a lesson's front matter. It validates lessons when they load and is
// shipped as lessons/lesson.schema.json for editor completion (`trapdoor lessons schema`
// regenerates that file; a unit test keeps the two equal).

import { RESULT_METRICS, SCENARIO_METRICS } from './check.ts';

const text = { type: 'string', minLength: 1 } as const;
const message = { type: 'string', minLength: 1, description: 'What the student is told.' } as const;
const bound = {
  min: { type: 'number', description: 'At least this many.' },
  max: { type: 'number', description: 'At most this many.' },
  equals: { type: 'number', description: 'Exactly this many.' },
} as const;
const metricName = {
  enum: [...RESULT_METRICS, ...SCENARIO_METRICS],
} as const;
const vmRef = { type: 'string', minLength: 1, description: 'On a run of several guests: the guest (machine.vms name) this reads.' } as const;
const base = {
  run: { type: 'string', description: 'The run this check reads (default "main").' },
  vm: vmRef,
  pass: message,
  fail: message,
} as const;
const baseRequired = ['kind', 'pass', 'fail'];
const cause = { type: 'string', minLength: 1, description: 'Exit cause, e.g. "csr-write", "mmio-*" (a prefix) or "@memory" (every memory-virtualization exit).' } as const;

/** One check kind: `kind` plus its own fields; nothing else is allowed. */
function checkKind(kind: string, description: string, fields: object, required: string[] = []) {
  return {
    type: 'object',
    description,
    properties: { kind: { const: kind }, ...base, ...fields },
    required: [...baseRequired, ...required],
    additionalProperties: false,
  };
}

const shellCommandRef = { type: 'string', minLength: 1, description: 'For metric shellNumber: the shell command whose output holds the number (default: the console).' } as const;
const numberPattern = { type: 'string', maxLength: 200, description: 'For metric shellNumber: a regex whose first group captures the number.' } as const;

const metricRef = {
  type: 'object',
  properties: {
    run: text, metric: metricName, cause, vm: vmRef,
    command: shellCommandRef,
    number: numberPattern,
  },
  required: ['run', 'metric'],
  additionalProperties: false,
} as const;

const eventPattern = {
  type: 'object',
  properties: { cause, action: { type: 'string', description: 'Regex on the exit action text.' } },
  required: ['cause'],
  additionalProperties: false,
} as const;

const check = {
  type: 'object',
  properties: { kind: { type: 'string', description: 'What this check grades.' } },
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    checkKind('console', 'The console output contains / equals / matches text.', {
      contains: { type: 'string' }, notContains: { type: 'string' }, equals: { type: 'string' },
      matches: { type: 'string', maxLength: 200 }, flags: { type: 'string', pattern: '^[ims]*$', description: 'regex flags, any of "ims"' },
    }),
    checkKind('exitCode', 'The program exited with this status.', { equals: { type: 'integer' } }, ['equals']),
    checkKind('register', 'A register holds a value at the end.', {
      register: { type: 'string', pattern: '^(x([0-9]|[12][0-9]|3[01])|zero|ra|sp|gp|tp|fp|t[0-6]|s([0-9]|1[01])|a[0-7])$',
        description: 'a register name: x0..x31 or an ABI name (zero, ra, sp, a0...)' },
      equals: { type: 'integer' },
    }, ['register', 'equals']),
    checkKind('memory', 'Memory at an address or symbol holds a value or text.', {
      address: { type: ['integer', 'string'] }, size: { enum: [1, 2, 4] },
      equals: { type: 'integer' }, text: { type: 'string', maxLength: 4096 },
    }, ['address']),
    checkKind('exits', 'Hypervisor exits (all, or of one cause) within bounds.', { cause, ...bound }),
    checkKind('metric', 'A figure of one run within bounds.', { metric: metricName, cause, command: shellCommandRef, number: numberPattern, ...bound }, ['metric']),
    {
      type: 'object',
      description: 'Compare a metric of two runs: left OP right * factor.',
      properties: {
        kind: { const: 'compare' }, pass: message, fail: message,
        left: metricRef, op: { enum: ['<', '<=', '==', '>=', '>'] }, right: metricRef,
        factor: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['kind', 'pass', 'fail', 'left', 'op', 'right'],
      additionalProperties: false,
    },
    checkKind('trace', 'Ordered assertions over the exit log.', {
      sequence: { type: 'array', items: eventPattern, minItems: 1, maxItems: 32 },
      order: { type: 'array', items: eventPattern, minItems: 2, maxItems: 32 },
    }),
    checkKind('containers', 'How many containers exist.', {
      state: { enum: ['running', 'stopped', 'any'] }, ...bound,
    }),
    checkKind('hostname', "A container's hostname (uts namespace).", {
      container: text, equals: text,
    }, ['container', 'equals']),
    checkKind('limitHit', 'A cgroup limit was reached.', {
      resource: { enum: ['pids', 'memory', 'cpu'] }, container: text,
    }, ['resource']),
    checkKind('oomKill', 'Processes were killed for exceeding a memory limit.', { container: text, ...bound }),
    checkKind('shell', 'A shell command prints the expected output.', {
      command: text, contains: { type: 'string' }, equals: { type: 'string' },
      matches: { type: 'string', maxLength: 200 }, flags: { type: 'string', pattern: '^[ims]*$', description: 'regex flags, any of "ims"' },
      status: { type: 'integer' },
    }, ['command']),
  ],
} as const;

const size = {
  type: ['string', 'integer'],
  pattern: '^[0-9]+ ?(KiB|MiB|GiB)$',
  description: 'a number of bytes or a size such as "16 MiB" (KiB, MiB, GiB)',
} as const;
const id = {
  type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64,
  description: 'lowercase letters, digits and dashes, e.g. "the-machine"',
} as const;

export const LESSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://trapdoor.invalid/lesson.schema.json',
  title: 'Trapdoor lesson front matter',
  type: 'object',
  properties: {
    id,
    title: text,
    summary: text,
    level: { enum: ['beginner', 'intermediate', 'advanced'] },
    minutes: { type: 'integer', minimum: 1, maximum: 600 },
    prerequisites: { type: 'array', items: id, uniqueItems: true },
    machine: {
      type: 'object',
      properties: {
        mode: { enum: ['bare', 'full', 'pv', 'hw', 'linux', 'containers'] },
        memory: size,
        cpus: { type: 'integer', minimum: 1, maximum: 4, description: 'Physical CPUs of the host that runs machine.vms.' },
        costModel: {
          type: 'object',
          description: 'Cost-model overrides, cycles by parameter name.',
          additionalProperties: { type: 'number', minimum: 0 },
        },
        vms: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: id, file: text, mode: { enum: ['full', 'pv', 'hw'] }, memory: size },
            required: ['name', 'file'],
            additionalProperties: false,
          },
        },
        maxInstructions: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
      },
      required: ['mode'],
      additionalProperties: false,
    },
    files: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          name: text,
          starter: { ...text, description: 'Path of the starter, relative to the lesson folder.' },
          solution: { ...text, description: 'Path of a solution that passes every step.' },
          readonly: { type: 'boolean' },
        },
        required: ['name', 'starter'],
        additionalProperties: false,
      },
    },
    runs: {
      type: 'object',
      description: 'Named runs checks refer to; "main" defaults to the first file in machine.mode (all machine.vms on one host when there are some).',
      additionalProperties: {
        type: 'object',
        properties: {
          file: text,
          mode: { enum: ['bare', 'full', 'pv', 'hw', 'linux', 'containers'] },
          host: { type: 'boolean', description: 'Run every guest of machine.vms together on one host.' },
          cpus: { type: 'integer', minimum: 1, maximum: 4, description: 'Physical CPUs of a host run.' },
          snapshotAt: { type: 'integer', minimum: 1, description: 'Snapshot after this many instructions; finish in a clone restored from it (full, pv, hw).' },
        },
        additionalProperties: false,
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          id,
          title: text,
          text: { type: 'string', description: 'Markdown.' },
          checks: { type: 'array', minItems: 1, items: check },
          hints: { type: 'array', items: text },
          starterFails: { type: 'boolean', description: 'The starter is meant to fail this step.' },
        },
        required: ['id', 'title', 'text', 'checks'],
        additionalProperties: false,
      },
    },
    figure: {
      type: 'object',
      properties: { label: text, value: metricRef, per: metricRef, unit: { type: 'string' } },
      required: ['label', 'value'],
      additionalProperties: false,
    },
  },
  required: ['id', 'title', 'summary', 'level', 'minutes', 'machine', 'files', 'steps'],
  additionalProperties: false,
} as const;
