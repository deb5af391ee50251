// Which contenders Compare runs, as data. A mode is one entry of COMPARE_MODES (a new
// mode such as hw is one more line); a lesson's contenders are its main file in its mode
// plus each named run (an unmodified kernel under full beside its port under pv, the
// same task as a container), and in the sandbox the file in the editor every VM way.
import type { CompareRun, RunMode } from '../../worker/engine-api.ts';

export interface CompareMode {
  mode: RunMode;
  /** How the table and chart name it. */
  label: string;
  /** Who the transition cycles go to: the hypervisor, the host kernel, or nobody. */
  overhead: 'vmm' | 'kernel' | null;
  /** The sandbox compares the editor's file in these modes. */
  sandbox: boolean;
}

export const COMPARE_MODES: CompareMode[] = [
  { mode: 'bare', label: 'bare machine', overhead: null, sandbox: true },
  { mode: 'full', label: 'full virtualization', overhead: 'vmm', sandbox: true },
  { mode: 'pv', label: 'paravirtualized', overhead: 'vmm', sandbox: true },
  { mode: 'hw', label: 'hardware-assisted', overhead: 'vmm', sandbox: true },
  { mode: 'linux', label: 'container (process)', overhead: 'kernel', sandbox: false },
];

export function compareMode(mode: RunMode): CompareMode {
  return COMPARE_MODES.find((m) => m.mode === mode) ?? { mode, label: mode, overhead: 'vmm', sandbox: false };
}

export interface LessonRuns {
  machine: { mode: string };
  files: { name: string }[];
  runs: Record<string, { file: string; mode: string; host?: boolean }>;
}

/**
 * @param file the editor's file (sandbox) — its name and text
 * @param lesson the open lesson, with `text(name)` giving the learner's copy of its files
 */
export function compareRuns(
  available: RunMode[], file: { name: string; content: string },
  lesson?: { spec: LessonRuns; text: (name: string) => string },
): CompareRun[] {
  const runnable = (mode: string): mode is RunMode => available.includes(mode as RunMode) && COMPARE_MODES.some((m) => m.mode === mode);
  if (!lesson) {
    return COMPARE_MODES.filter((m) => m.sandbox && available.includes(m.mode))
      .map((m) => ({ label: m.mode, mode: m.mode, source: file.content, file: file.name }));
  }
  const { spec, text } = lesson;
  const out: CompareRun[] = [];
  const add = (name: string, mode: string) => {
    if (!runnable(mode) || out.some((r) => r.file === name && r.mode === mode)) return;
    out.push({ label: `${name} · ${mode}`, mode, source: text(name), file: name });
  };
  const main = spec.runs['main'] ?? { file: spec.files[0]?.name ?? '', mode: spec.machine.mode };
  add(main.file, main.mode);
  for (const [name, r] of Object.entries(spec.runs)) {
    if (name === 'main' || r.host) continue;
    add(r.file, r.mode);
  }
  // Order the rows as the modes are listed: the unmodified kernel before its port.
  const order = (m: RunMode) => COMPARE_MODES.findIndex((c) => c.mode === m);
  return out.sort((a, b) => order(a.mode) - order(b.mode));
}
