// Jobs: what one command line item started. The foreground job is what Ctrl-C interrupts;
// background jobs (`cmd &`) are listed by `jobs` and reported when they finish.

import { signalDescription } from './signals.ts';
import type { TerminalInput } from './stream.ts';

/** Ctrl-C, delivered to built-ins (programs get SIGINT from the kernel instead). */
export class Interrupt {
  fired = false;
  private readonly listeners: (() => void)[] = [];

  fire(): void {
    if (this.fired) return;
    this.fired = true;
    for (const l of this.listeners.splice(0)) l();
  }

  /** Settles when fired. */
  get promise(): Promise<void> {
    return new Promise((resolve) => (this.fired ? resolve() : this.listeners.push(resolve)));
  }
}

export class Job {
  readonly pids: number[] = [];
  readonly interrupt = new Interrupt();
  /** Keyboard input while in the foreground; ended at once for background jobs. */
  input: TerminalInput | undefined;

  constructor(readonly source: string) {}
}

export interface BackgroundJob {
  number: number;
  job: Job;
  done: boolean;
  status: number;
  promise: Promise<number>;
}

export class JobTable {
  private readonly jobs: BackgroundJob[] = [];
  private finished: BackgroundJob[] = [];

  add(job: Job, done: Promise<number>): BackgroundJob {
    const number = (this.jobs[this.jobs.length - 1]?.number ?? 0) + 1;
    const entry: BackgroundJob = { number, job, done: false, status: 0, promise: done };
    this.jobs.push(entry);
    void done.then((status) => {
      entry.done = true;
      entry.status = status;
      this.finished.push(entry);
    });
    return entry;
  }

  list(): readonly BackgroundJob[] {
    return this.jobs;
  }

  /** "[1]+  Done   sleep 1" lines for jobs that ended since the last prompt; forgets them. */
  takeFinished(): string {
    const lines = this.finished.map((j) => {
      return `[${j.number}]+  ${jobState(j).padEnd(24)}${j.job.source}\n`;
    });
    for (const f of this.finished) this.jobs.splice(this.jobs.indexOf(f), 1);
    this.finished = [];
    return lines.join('');
  }

  /** Settles when every background job has ended (the `wait` built-in). */
  async waitAll(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.promise));
  }
}

/** "Running", "Done", "Exit 3", or the signal's word ("Terminated", "Killed") as bash says. */
export function jobState(j: BackgroundJob): string {
  if (!j.done) return 'Running';
  if (j.status === 0) return 'Done';
  return j.status > 128 ? signalDescription(j.status - 128) : `Exit ${j.status}`;
}
