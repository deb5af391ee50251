// The terminal's shell: the connection to the shell worker (host kernel + Session), the
// containers and VMs it runs, and a batch start of many containers with progress. Only the
// methods here talk to that worker, as Lab's do for the engine.
import * as Comlink from 'comlink';
import type { ContainerRow, ShellApi, StartManyProgress, StartManyRequest, StartManyResult, VmRow } from '../../worker/shell-api.ts';
import type { DataCentreApi } from '../../worker/datacenter-api.ts';
import type { ObserveHost } from '../../worker/lessons-api.ts';

export type { ContainerRow, VmRow };

export class Shell {
  containers: ContainerRow[] = $state.raw([]);
  /** VMs made in the terminal with `vm create`. */
  vms: VmRow[] = $state.raw([]);
  /** A batch start in progress, or null. */
  starting: StartManyProgress | null = $state(null);
  lastBatch: StartManyResult | null = $state(null);

  /** A script being played into the terminal. */
  playing = $state(false);

  private readonly api: Promise<ShellApi>;
  private dc: DataCentreApi | null = null;
  private sink: ((text: string) => void) | null = null;
  private pending: string[] = [];

  constructor() {
    this.api = this.connect();
  }

  private async connect(): Promise<ShellApi> {
    const worker = new Worker(new URL('../../worker/shell.worker.ts', import.meta.url), { type: 'module', name: 'shell' });
    const api = Comlink.wrap<ShellApi>(worker) as unknown as ShellApi;
    await api.start(Comlink.proxy({ output: (text: string) => this.write(text) }));
    return api;
  }

  /** Where the shell's bytes go (the terminal); bytes before attaching are kept. */
  attachOutput(sink: (text: string) => void): void {
    this.sink = sink;
    for (const t of this.pending.splice(0)) sink(t);
  }

  private write(text: string): void {
    if (this.sink) this.sink(text);
    else if (this.pending.length < 10_000) this.pending.push(text);
  }

  /** Key bytes from the terminal, as xterm's onData gives them. */
  input(data: string): void {
    void this.api.then((api) => api.input(data));
  }

  /** Prompt and typed line again, after other text (a guest console) was written. */
  redraw(): void {
    void this.api.then((api) => api.redraw());
  }

  /** The terminal's width changed (xterm's fit): the shell wraps long lines there. */
  resize(columns: number): void {
    void this.api.then((api) => api.resize(columns));
  }

  async refresh(): Promise<void> {
    const api = await this.api;
    const [containers, vms] = await Promise.all([api.containers(), api.vms()]);
    this.containers = containers;
    this.vms = vms;
  }

  /** Types a command line into the shell, as if the learner had (used by "Open"). */
  type(line: string): void {
    this.input(`\x05\x15${line}\r`);
  }

  async startMany(request: StartManyRequest): Promise<void> {
    if (this.starting) return;
    const api = await this.api;
    this.starting = { started: 0, total: request.count };
    // Progress comes over the callback's own port, so a report may arrive after the
    // result: once done, late reports are ignored.
    let done = false;
    try {
      this.lastBatch = await api.startMany(request, Comlink.proxy((p: StartManyProgress) => { if (!done) this.starting = p; }));
    } finally {
      done = true;
      this.starting = null;
      await this.refresh();
    }
  }

  /** Types a script into the terminal, command by command, on a fresh host when asked. */
  async play(script: string, title: string, fresh: boolean): Promise<void> {
    if (this.playing) return;
    this.playing = true;
    try {
      await (await this.api).play(script, title, fresh);
    } finally {
      this.playing = false;
      await this.refresh();
    }
  }

  /** The terminal's host as the lessons worker's checks see it (a callback it can call). */
  observer(): ObserveHost {
    return Comlink.proxy(async (commands: string[]) => (await this.api).observe(commands));
  }

  /**
   * The terminal's data centre, for the Data centre screen and the guests overview: the
   * same one `dc` acts on, over a channel of its own to the shell's worker.
   */
  dataCentre(): DataCentreApi {
    if (!this.dc) {
      const channel = new MessageChannel();
      void this.api.then((api) => api.connectDataCentre(Comlink.transfer(channel.port2, [channel.port2])));
      this.dc = Comlink.wrap<DataCentreApi>(channel.port1) as unknown as DataCentreApi;
    }
    return this.dc;
  }

  async cancel(): Promise<void> {
    await (await this.api).cancel();
  }
}
