// What a check concluded, before the lesson's pass or fail words are attached.

export interface Verdict {
  status: 'pass' | 'fail' | 'unavailable';
  /** What the engine observed, in words. */
  detail: string;
  /** Replaces the lesson's message (e.g. the reason a check is unavailable). */
  message?: string;
}

export const ok = (pass: boolean, detail: string): Verdict => ({ status: pass ? 'pass' : 'fail', detail });
