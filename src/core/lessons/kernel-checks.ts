// Checks on OS-level virtualization: containers, their namespaces and cgroup limits, and
// shell commands, graded on the state the container runtime reports after a run.

import type { Check, ContainersCheck, HostnameCheck, LimitHitCheck, OomKillCheck, ShellCheck } from './check.ts';
import { consoleText } from './console-match.ts';
import type { Verdict } from './verdict.ts';
import { withinBound } from './metrics.ts';
import type { ContainerView, KernelStateView, RunOutcome } from './runner-port.ts';

type Ran = Extract<RunOutcome, { status: 'ran' }>;

const NO_KERNEL: Verdict = {
  status: 'unavailable',
  message: 'needs the container runtime: this run reported no container state',
  detail: '',
};

export function evaluateKernelCheck(check: Check, outcome: Ran): Verdict {
  if (check.kind === 'shell') return shell(check, outcome);
  const kernel = outcome.kernel;
  if (!kernel) return NO_KERNEL;
  switch (check.kind) {
    case 'containers': return count(check, kernel);
    case 'hostname': return hostname(check, kernel);
    case 'limitHit': return limitHit(check, kernel);
    case 'oomKill': return oomKill(check, kernel);
    default: return { status: 'fail', detail: `"${check.kind}" is not a container check` };
  }
}

const verdict = (pass: boolean, detail: string): Verdict => ({ status: pass ? 'pass' : 'fail', detail });

function count(check: ContainersCheck, kernel: KernelStateView): Verdict {
  const state = check.state ?? 'running';
  const n = kernel.containers.filter((c) => state === 'any' || c.state === state).length;
  const b = withinBound(n, check);
  return verdict(b.ok, `${n} container${n === 1 ? '' : 's'} ${state === 'any' ? 'in all' : state}; wanted ${b.wanted}`);
}

function find(kernel: KernelStateView, name: string): ContainerView | undefined {
  return kernel.containers.find((c) => c.name === name);
}

function hostname(check: HostnameCheck, kernel: KernelStateView): Verdict {
  const c = find(kernel, check.container);
  if (!c) return verdict(false, `no container named "${check.container}"`);
  return verdict(c.hostname === check.equals, `"${c.name}" has hostname "${c.hostname}"`);
}

function limitHit(check: LimitHitCheck, kernel: KernelStateView): Verdict {
  const pool = check.container === undefined ? kernel.containers : kernel.containers.filter((c) => c.name === check.container);
  if (check.container !== undefined && pool.length === 0) return verdict(false, `no container named "${check.container}"`);
  const hits = pool.reduce((n, c) => n + c.limitHits[check.resource], 0);
  return verdict(hits > 0, `the ${check.resource} limit was reached ${hits} time${hits === 1 ? '' : 's'}`);
}

function oomKill(check: OomKillCheck, kernel: KernelStateView): Verdict {
  const pool = check.container === undefined ? kernel.containers : kernel.containers.filter((c) => c.name === check.container);
  const kills = pool.reduce((n, c) => n + c.oomKills, 0);
  const bound = check.min === undefined && check.max === undefined && check.equals === undefined ? { min: 1 } : check;
  const b = withinBound(kills, bound);
  return verdict(b.ok, `${kills} OOM kill${kills === 1 ? '' : 's'}; wanted ${b.wanted}`);
}

function shell(check: ShellCheck, outcome: Ran): Verdict {
  const out = outcome.shell?.find((s) => s.command === check.command);
  if (!out) return { ...NO_KERNEL, message: 'needs the container runtime: the command was not run' };
  if (check.status !== undefined && out.status !== check.status) {
    return verdict(false, `\`${check.command}\` exited with status ${out.status}; wanted ${check.status}`);
  }
  const v = consoleText(check, { console: out.output });
  return { ...v, detail: `\`${check.command}\` printed ${v.detail.replace(/^output /, '')}` };
}
