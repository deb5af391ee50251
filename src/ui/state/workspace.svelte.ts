// The learner's files: open tabs, the active file, and their persistence. Every edit is
// saved to localStorage (debounced). A saved record that cannot be read is never thrown
// away: it is copied to a backup key and the learner gets a notice saying where it is.
import sample from '../samples/hello.s?raw';
import {
  WorkspaceFormatError, makeWorkspace, parseWorkspace, sharedCodeFromHash,
  type WorkspaceData, type WorkspaceFile,
} from './workspace-format.ts';

export const STORAGE_KEY = 'trapdoor.workspace.v1';
export const BACKUP_PREFIX = 'trapdoor.workspace.unreadable.';
const SAVE_DELAY_MS = 300;

export class Workspace {
  files: WorkspaceFile[] = $state([]);
  active: string = $state('');
  /** A message the page shows until dismissed (recovery, import results). */
  notice: string | null = $state(null);

  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly storage: Storage | null = safeStorage()) {
    const data = this.restore();
    this.files = data.files;
    this.active = data.active;
    if (typeof location !== 'undefined' && this.openShared(location.hash)) {
      // Consumed: a reload must not open the same code again as another file.
      history.replaceState(history.state, '', location.pathname + location.search);
    }
  }

  get current(): WorkspaceFile {
    return this.files.find((f) => f.name === this.active) ?? this.files[0]!;
  }

  private restore(): WorkspaceData {
    const fresh = makeWorkspace([{ name: 'hello.s', content: sample }], 'hello.s');
    const raw = this.readRaw();
    if (raw === null) return fresh;
    try {
      return parseWorkspace(raw);
    } catch (e) {
      const why = e instanceof WorkspaceFormatError ? e.message : String(e);
      const backup = `${BACKUP_PREFIX}${Date.now()}`;
      const kept = this.writeRaw(backup, raw);
      this.notice = kept
        ? `Your saved work could not be read (${why}). It was kept unchanged under the key "${backup}" in this browser's storage; a fresh workspace was opened.`
        : `Your saved work could not be read (${why}) and could not be backed up; it is still under "${STORAGE_KEY}" and will not be overwritten until you edit.`;
      return fresh;
    }
  }

  private readRaw(): string | null {
    try {
      return this.storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }

  private writeRaw(key: string, value: string): boolean {
    try {
      this.storage?.setItem(key, value);
      return this.storage !== null;
    } catch {
      return false;
    }
  }

  /**
   * A `#code=` link opens as its own file, next to the learner's files, never over them.
   * Returns true when the hash was a share link (so the caller can consume it).
   */
  openShared(hash: string): boolean {
    const code = sharedCodeFromHash(hash);
    if (code === null) return /[#&]code=/.test(hash);
    const existing = this.files.find((f) => f.content === code);
    if (existing) {
      this.active = existing.name;
      return true;
    }
    const name = this.freeName('shared.s');
    this.files.push({ name, content: code });
    this.active = name;
    this.notice = `Opened the code from the link as ${name}.`;
    this.scheduleSave();
    return true;
  }

  freeName(wanted: string): string {
    if (!this.files.some((f) => f.name === wanted)) return wanted;
    const ext = /\.[a-z]+$/.exec(wanted)?.[0] ?? '';
    const stem = wanted.slice(0, wanted.length - ext.length);
    for (let i = 2; ; i++) {
      const name = `${stem}-${i}${ext}`;
      if (!this.files.some((f) => f.name === name)) return name;
    }
  }

  edit(content: string): void {
    const file = this.current;
    if (file.content === content) return;
    file.content = content;
    this.scheduleSave();
  }

  select(name: string): void {
    if (this.files.some((f) => f.name === name)) this.active = name;
    this.scheduleSave();
  }

  addFile(): void {
    const name = this.freeName('untitled.s');
    this.files.push({ name, content: '        .text\n        .globl _start\n_start:\n        \n' });
    this.active = name;
    this.scheduleSave();
  }

  closeFile(name: string): void {
    if (this.files.length <= 1) return;
    const i = this.files.findIndex((f) => f.name === name);
    if (i < 0) return;
    this.files.splice(i, 1);
    if (this.active === name) {
      // The neighbour in the same scope (the lesson's files, or the sandbox's).
      const scope = scopeOf(name);
      const same = this.files.filter((f) => scopeOf(f.name) === scope);
      this.active = (same.at(-1) ?? this.files[Math.max(0, i - 1)]!).name;
    }
    this.scheduleSave();
  }

  /** The files shown beside the active one: its lesson's, or the sandbox's. */
  get scoped(): WorkspaceFile[] {
    const scope = scopeOf(this.active);
    return this.files.filter((f) => scopeOf(f.name) === scope);
  }

  /** Shows a sandbox file (the learner left the lessons), making one if there is none. */
  openSandbox(): void {
    if (scopeOf(this.active) === null) return;
    const file = this.files.find((f) => scopeOf(f.name) === null);
    if (file) this.select(file.name);
    else {
      this.files.push({ name: 'hello.s', content: sample });
      this.select('hello.s');
    }
  }

  data(): WorkspaceData {
    return makeWorkspace(this.files.map((f) => ({ ...f })), this.active);
  }

  scheduleSave(): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  save(): void {
    this.saveTimer = null;
    if (!this.writeRaw(STORAGE_KEY, JSON.stringify(this.data()))) {
      this.notice = 'Your browser refused to save (storage full or disabled). Export the workspace to keep your work.';
    }
  }

  exportText(): string {
    return JSON.stringify(this.data(), null, 2);
  }

  /**
   * Imported files join the workspace; a clash of names gets a new name, nothing is
   * replaced. The editor switches to the file that was active in the export. Returns
   * false when nothing could be imported.
   */
  importText(text: string): boolean {
    try {
      const data = parseWorkspace(text);
      let show = '';
      for (const f of data.files) {
        const name = f.content === this.files.find((x) => x.name === f.name)?.content ? f.name : this.freeName(f.name);
        if (!this.files.some((x) => x.name === name)) this.files.push({ name, content: f.content });
        if (f.name === data.active || !show) show = name;
      }
      this.active = show;
      this.notice = `Imported ${data.files.length} file(s); showing ${show}.`;
      this.scheduleSave();
      return true;
    } catch (e) {
      const why = e instanceof WorkspaceFormatError ? e.message : String(e);
      this.notice = `That file could not be imported: ${why}. Nothing was changed.`;
      return false;
    }
  }
}

/** The lesson a workspace file belongs to ("<lesson id>/<file>"), or null for the sandbox. */
export function scopeOf(name: string): string | null {
  const slash = name.indexOf('/');
  return slash < 0 ? null : name.slice(0, slash);
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
