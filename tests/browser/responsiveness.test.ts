// Page responsiveness while a guest prints flat out (issue 5): no main-thread task over
// 50 ms, measured with a PerformanceObserver('longtask'), and the console keeps flowing.
// The figures are printed for docs/benchmarks.md ("Page responsiveness").
//
// A long task's wall time includes time the OS did not run the page at all; on a busy
// shared machine that alone exceeds 50 ms. So the page's own work is measured too, from
// a Chromium trace: the main thread's CPU time per task (tdur). That figure must stay
// under 50 ms always; the wall-clock figure must too unless the machine is overloaded.
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { openLab, setSource } from './lab-page.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Prints lines of text to the UART as fast as the machine runs, forever. */
const FLOOD = `        .text
_start:
        li t0, 0x10000000
again:  la t2, line
next:   lbu t1, 0(t2)
        beqz t1, again
        sb t1, 0(t0)
        addi t2, t2, 1
        j next
        .section .rodata
line:   .string "flat out: the quick brown fox jumps over the lazy dog 0123456789\\n"
`;

interface Window { longTasks: number[]; frames: number[] }

async function observe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Window;
    w.longTasks = [];
    w.frames = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.longTasks.push(e.duration); }).observe({ type: 'longtask' });
    const tick = (t: number) => { w.frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
}

async function measure(page: Page, ms: number): Promise<{ longTasks: number[]; frames: number; worstGap: number }> {
  return page.evaluate(async (ms) => {
    const w = window as unknown as Window;
    w.longTasks.length = 0;
    const f0 = w.frames.length;
    await new Promise((r) => setTimeout(r, ms));
    const f = w.frames.slice(f0);
    const gaps = f.slice(1).map((t, i) => t - f[i]!);
    return { longTasks: [...w.longTasks], frames: f.length, worstGap: Math.max(0, ...gaps) };
  }, ms);
}

/** The main renderer thread's tasks in a trace: wall and CPU milliseconds each. */
function mainThreadTasks(trace: Buffer): { wall: number; cpu: number }[] {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  return events
    .filter((e) => e.name === 'RunTask' && e.tid === main?.tid && e.pid === main?.pid && e.dur !== undefined)
    .map((e) => ({ wall: e.dur! / 1000, cpu: (e.tdur ?? e.dur!) / 1000 }));
}

interface TraceEvent { name: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }

describe('page responsiveness', () => {
  it('keeps every main-thread task under 50 ms while a guest prints flat out', async () => {
    const { page } = await openLab(browser, inject('baseUrl'));
    await setSource(page, FLOOD);
    await observe(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.xterm-rows')?.textContent?.includes('flat out'));
    // Let the first chunks (and the lazy chunk loads) settle, then measure.
    await page.waitForTimeout(500);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] });
    const m = await measure(page, 4000);
    const tasks = mainThreadTasks(await browser.stopTracing());
    const maxLong = Math.max(0, ...m.longTasks);
    const maxCpu = Math.max(0, ...tasks.map((t) => t.cpu));
    const load = loadavg()[0]! / cpus().length;
    console.log(`page responsiveness: ${m.longTasks.length} long tasks, max ${maxLong.toFixed(0)} ms wall; `
      + `longest main-thread task ${maxCpu.toFixed(1)} ms CPU (${tasks.length} tasks); ${m.frames} frames in 4 s, `
      + `worst frame gap ${m.worstGap.toFixed(0)} ms; load ${load.toFixed(1)} per core`);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    expect(maxCpu).toBeLessThanOrEqual(50);
    if (load < 1) expect(maxLong).toBeLessThanOrEqual(50);
    expect(m.frames).toBeGreaterThan(4 * 20);
    await page.context().close();
  });
});
