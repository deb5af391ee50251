// Containers mode: the learner's shell script runs line by line in a terminal session on
// a fresh host kernel (createKernelHost), then the commands the shell checks name; the
// checks grade the transcript, each command's output and the container runtime's state.
// The kernel runs at most maxInstructions, so a script that waits forever still ends.

import type { Cgroup } from '../kernel/cgroup.ts';
import type { RunResult } from '../run-result.ts';
import type { ContainerInfo } from '../kernel/container-port.ts';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../shell/index.ts';
import { createKernelHost, type KernelHost, type Kickable } from '../shell/kernel-host.ts';
import { limitEvents } from './cgroup-events.ts';
import { unreadable } from './guest-memory-read.ts';
import type { ContainerView, KernelStateView, RunOutcome, RunRequest, ShellOutput } from './runner-port.ts';

type Results = ShellOutput[];

export async function runContainerScript(request: RunRequest): Promise<RunOutcome> {
  let host: KernelHost | undefined;
  let finished = false;
  let outOfBudget: () => void = () => {};
  const budget = new Promise<'budget'>((resolve) => { outOfBudget = () => resolve('budget'); });
  // Between kernel slices: go on while there is budget; afterwards the kernel stays frozen.
  host = createKernelHost(() => {
    const spent = (host?.kernel.instructions ?? 0) >= request.maxInstructions;
    if (spent) outOfBudget();
    return finished || spent ? new Promise<void>(() => {}) : Promise.resolve();
  });
  let transcript = '';
  const session = new Session({
    port: host.port, containers: host.containers, vms: host.vms, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV, ...host.env }, mode: 'script', output: (text) => { transcript += text; },
  });
  const lines = scriptLines(request.files[request.entry] ?? '');
  const progress = () => (host?.kernel.instructions ?? 0) + transcript.length;
  const stopped = Promise.race([budget, stuck(host, progress, () => finished)]);
  const script = await Promise.race([session.runCommands(lines), stopped]);
  const scriptTranscript = transcript;
  const shell = script === 'budget' ? [] : await Promise.race([session.runCommands(request.shellCommands), stopped]);
  finished = true;
  const ranOut = script === 'budget' || shell === 'budget';
  const status = script === 'budget' ? null : (script.at(-1)?.status ?? 0);
  return {
    status: 'ran',
    result: transcriptResult(host, scriptTranscript, status, ranOut),
    memory: request.memoryReads.map(() => unreadable('containers mode has no guest RAM to read')),
    kernel: kernelView(host),
    shell: shell === 'budget' ? [] : (shell as Results),
    figures: containerFigures(host),
  };
}

/**
 * The same outcome for a host a person used (the page's terminal): its transcript so far,
 * the outputs of the checks' commands run on it now, and its containers. Checks then
 * grade what the learner actually did, not a replay.
 */
export function observedOutcome(host: KernelHost<Kickable>, transcript: string, shell: ShellOutput[]): RunOutcome {
  return {
    status: 'ran',
    result: transcriptResult(host, transcript, shell.at(-1)?.status ?? 0, false),
    memory: [],
    kernel: kernelView(host),
    shell,
    figures: containerFigures(host),
  };
}

/** Microtask turns with no progress after which a waiting session counts as stuck. */
const QUIET_TURNS = 50_000;

/**
 * Resolves when the kernel has nothing left to run and the session still waits (a
 * command blocked on something that can never happen). Core has no wall clock, so
 * "stuck" means many host-side turns in a row with no instruction run and no output;
 * the spells it waits double, so a busy session pays almost nothing for the watch.
 */
async function stuck(host: KernelHost, progress: () => number, finished: () => boolean): Promise<'budget'> {
  let quiet = 0;
  let spell = 64;
  while (!finished()) {
    await host.driver.idle();
    const before = progress();
    for (let i = 0; i < spell && !finished(); i++) await Promise.resolve();
    if (progress() === before) {
      quiet += spell;
      spell *= 2;
    } else {
      quiet = 0;
      spell = 64;
    }
    if (quiet >= QUIET_TURNS) return 'budget';
  }
  return new Promise<'budget'>(() => {});
}

/** Commands as typed: one a line, blank lines and comments left out. */
export function scriptLines(script: string): string[] {
  return script.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function transcriptResult(host: KernelHost<Kickable>, transcript: string, status: number | null, ranOut: boolean): RunResult {
  const k = host.kernel;
  const result: RunResult = {
    mode: 'linux', end: ranOut ? 'budget' : 'exit', exitCode: status, console: transcript,
    instructions: k.instructions, cycles: k.cpu.clock.cycles,
    exits: { total: k.eventTotal, byCause: { ...k.eventCounts } },
    cost: {
      guestCycles: k.instructions, overheadCycles: Object.values(k.overheadByCause).reduce((a, b) => a + b, 0),
      idleCycles: k.cpu.clock.idleCycles, overheadPercent: 0, byCause: { ...k.overheadByCause },
    },
    registers: new Array<number>(32).fill(0), pc: 0, exitLog: [...k.events],
    // memory.peak of the root cgroup: every process the script started, containers included.
    memory: { guestBytes: k.rootCgroup.memoryPeak, vmmTableBytes: 0 },
  };
  const busy = result.cost.guestCycles + result.cost.overheadCycles;
  result.cost.overheadPercent = busy === 0 ? 0 : (result.cost.overheadCycles / busy) * 100;
  if (ranOut) result.message = 'the script was stopped: it used the whole instruction budget (machine.maxInstructions), or waited for something that never came';
  return result;
}

function kernelView(host: KernelHost<Kickable>): KernelStateView {
  const rt = host.containers;
  return { containers: rt.list(true).map((c) => containerView(c, rt.cgroupParent.children.get(c.id))) };
}

function containerView(c: ContainerInfo, g: Cgroup | undefined): ContainerView {
  const { oomKills, ...limitHits } = limitEvents(g);
  return {
    name: c.name, hostname: c.hostname, state: c.status === 'running' ? 'running' : 'stopped', limitHits, oomKills,
  };
}

function containerFigures(host: KernelHost<Kickable>): Record<string, number> {
  const mem = host.port.memoryInfo();
  return {
    containers: host.containers.list(false).length,
    hostMemoryKiB: mem.usedBytes / 1024,
    hostMemoryMiB: mem.usedBytes / (1024 * 1024),
    sharedMemoryKiB: mem.sharedBytes / 1024,
  };
}
