// Ordered assertions over a run's exit log: "these exits happened in this order".

import type { ExitEvent } from '../run-result.ts';
import type { EventPattern } from './check.ts';
import { causeMatches } from './metrics.ts';
import { compileSafeRegex, safeTest } from './safe-regex.ts';

export interface TraceVerdict {
  ok: boolean;
  detail: string;
}

function matches(p: EventPattern, e: ExitEvent): boolean {
  if (!causeMatches(p.cause, e.cause)) return false;
  if (p.action === undefined) return true;
  const r = compileSafeRegex(p.action);
  return r.ok && safeTest(r.regex, e.action);
}

const describe = (p: EventPattern) => (p.action === undefined ? `"${p.cause}"` : `"${p.cause}" /${p.action}/`);

/** Each pattern matches an event after the previous pattern's event. */
export function assertSequence(log: readonly ExitEvent[], patterns: readonly EventPattern[]): TraceVerdict {
  let from = 0;
  for (const [i, p] of patterns.entries()) {
    const at = log.findIndex((e, j) => j >= from && matches(p, e));
    if (at < 0) {
      const after = i === 0 ? '' : ` after ${describe(patterns[i - 1] as EventPattern)} (exit #${log[from - 1]?.seq})`;
      return { ok: false, detail: `no exit ${describe(p)}${after}` };
    }
    from = at + 1;
  }
  return { ok: true, detail: `found ${patterns.map(describe).join(' then ')}` };
}

/** The first occurrence of each pattern comes in the listed order. */
export function assertFirstOccurrenceOrder(log: readonly ExitEvent[], patterns: readonly EventPattern[]): TraceVerdict {
  const firsts = patterns.map((p) => log.find((e) => matches(p, e)));
  const missing = firsts.findIndex((e) => e === undefined);
  if (missing >= 0) return { ok: false, detail: `no exit ${describe(patterns[missing] as EventPattern)} at all` };
  for (let i = 1; i < firsts.length; i++) {
    const prev = firsts[i - 1] as ExitEvent;
    const cur = firsts[i] as ExitEvent;
    if (cur.seq <= prev.seq) {
      return {
        ok: false,
        detail: `the first ${describe(patterns[i] as EventPattern)} (exit #${cur.seq}) came before the first ${describe(patterns[i - 1] as EventPattern)} (exit #${prev.seq})`,
      };
    }
  }
  return { ok: true, detail: `first occurrences in order: ${firsts.map((e) => `#${(e as ExitEvent).seq} ${(e as ExitEvent).cause}`).join(', ')}` };
}

/** The log is bounded: when it dropped early exits, "first occurrence" cannot be judged. */
export function logIsTruncated(log: readonly ExitEvent[], total: number): boolean {
  return log.length < total && (log[0]?.seq ?? 0) > 0;
}
