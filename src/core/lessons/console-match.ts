// Text checks shared by console output and shell-command output.

import type { RunResult } from '../run-result.ts';
import type { ConsoleCheck, ShellCheck } from './check.ts';
import { compileSafeRegex, safeTest } from './safe-regex.ts';
import { ok, type Verdict } from './verdict.ts';

export function endWords(r: RunResult): string {
  const why = { exit: 'it exited', budget: 'it ran out of its instruction budget', 'wfi-idle': 'it waited forever in wfi', fault: 'it faulted' }[r.end];
  return r.message ? `${why}: ${r.message}` : why;
}

export function consoleText(check: ConsoleCheck | ShellCheck, r: Pick<RunResult, 'console'> & Partial<RunResult>): Verdict {
  const text = r.console;
  const shown = JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
  const ending = r.end && r.end !== 'exit' ? `; ${endWords(r as RunResult)}` : '';
  if (check.contains !== undefined) return ok(text.includes(check.contains), `output ${shown}${ending}`);
  if (check.kind === 'console' && check.notContains !== undefined) return ok(!text.includes(check.notContains), `output ${shown}${ending}`);
  if (check.equals !== undefined) return ok(text === check.equals, `output ${shown}${ending}`);
  if (check.matches !== undefined) {
    const re = compileSafeRegex(check.matches, check.flags);
    if (!re.ok) return { status: 'fail', detail: `the lesson's regex is rejected: ${re.reason}` };
    return ok(safeTest(re.regex, text), `output ${shown}${ending}`);
  }
  return ok(true, `output ${shown}`);
}

