// Command history: what up/down recall in the line editor and `history` prints.

export interface HistoryState {
  version: 1;
  entries: string[];
}

export class History {
  private entries: string[] = [];

  constructor(private readonly limit = 1000) {}

  /** Blank lines and a repeat of the previous line are not recorded, as bash's ignoredups. */
  add(line: string): void {
    if (line.trim() === '' || this.entries[this.entries.length - 1] === line) return;
    this.entries.push(line);
    if (this.entries.length > this.limit) this.entries.shift();
  }

  get length(): number {
    return this.entries.length;
  }

  at(index: number): string | undefined {
    return this.entries[index];
  }

  all(): readonly string[] {
    return this.entries;
  }

  getState(): HistoryState {
    return { version: 1, entries: [...this.entries] };
  }

  setState(state: HistoryState): void {
    if (state.version !== 1) throw new Error(`history state version ${String(state.version)} is not 1`);
    this.entries = [...state.entries];
  }
}
