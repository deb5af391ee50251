// The front matter exactly as written, once the schema has accepted its shape.

import type { Check, MetricRef } from './check.ts';
import type { LessonLevel, LessonMode } from './lesson.ts';

export interface RawLesson {
  id: string;
  title: string;
  summary: string;
  level: LessonLevel;
  minutes: number;
  prerequisites?: string[];
  machine: {
    mode: LessonMode;
    memory?: string | number;
    cpus?: number;
    costModel?: Record<string, number>;
    vms?: { name: string; file: string; mode?: 'full' | 'pv' | 'hw'; memory?: string | number }[];
    maxInstructions?: number;
  };
  files: { name: string; starter: string; solution?: string; readonly?: boolean }[];
  runs?: Record<string, { file?: string; mode?: LessonMode; host?: boolean; cpus?: number; snapshotAt?: number }>;
  steps: {
    id: string;
    title: string;
    text: string;
    checks: Check[];
    hints?: string[];
    starterFails?: boolean;
  }[];
  figure?: { label: string; value: MetricRef; per?: MetricRef; unit?: string };
}

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** "16 MiB" -> 16777216; a plain number is bytes already. */
export function parseSize(size: string | number): number {
  if (typeof size === 'number') return size;
  const m = /^([0-9]+) ?(KiB|MiB|GiB)$/.exec(size);
  return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : Number.NaN;
}
