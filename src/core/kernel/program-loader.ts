// Loading a program into an address space (the heart of execve, xv6 exec.c). Pages that
// no writable segment touches are program text: they are built once per program, kept in
// the text cache and mapped into every process running it (counted once). Pages with
// writable data are private copies; pages wholly in .bss are left to demand paging.

import type { ProgramImage } from '../asm/image.ts';
import { SEG_R, SEG_W, SEG_X } from '../asm/image.ts';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from './address-space.ts';
import { Frame, PAGE_SHIFT, PAGE_SIZE } from './frame.ts';

/** Shared text frames per program image (an image is immutable once loaded). */
export class TextCache {
  private readonly byImage = new WeakMap<ProgramImage, Map<number, Frame>>();
  private readonly plans = new WeakMap<ProgramImage, [number, PagePlan][]>();
  /** Distinct shared frames ever built, for the memory report. */
  sharedPages = 0;

  /** The image's shared frames if any were built (does not create an entry). */
  peek(image: ProgramImage): Map<number, Frame> | undefined {
    return this.byImage.get(image);
  }

  setFrames(image: ProgramImage, frames: Map<number, Frame>): void {
    this.byImage.set(image, frames);
  }

  frames(image: ProgramImage): Map<number, Frame> {
    let m = this.byImage.get(image);
    if (!m) {
      m = new Map();
      this.byImage.set(image, m);
    }
    return m;
  }

  /** Which pages the image covers, computed once per image. */
  plan(image: ProgramImage): [number, PagePlan][] {
    let p = this.plans.get(image);
    if (!p) this.plans.set(image, (p = [...planPages(image)]));
    return p;
  }
}

export function protOf(flags: number): number {
  return (flags & SEG_R ? PROT_READ : 0) | (flags & SEG_W ? PROT_WRITE : 0) | (flags & SEG_X ? PROT_EXEC : 0);
}

interface PagePlan {
  prot: number;
  /** Some segment has file bytes on this page (else it is pure .bss). */
  hasBytes: boolean;
}

/** Which pages the segments cover, with the union of their permissions. */
function planPages(image: ProgramImage): Map<number, PagePlan> {
  const plan = new Map<number, PagePlan>();
  for (const seg of image.segments) {
    const end = seg.vaddr + Math.max(seg.memSize, seg.bytes.length);
    const fileEnd = seg.vaddr + seg.bytes.length;
    for (let vpn = seg.vaddr >>> PAGE_SHIFT; vpn << PAGE_SHIFT < end; vpn++) {
      const p = plan.get(vpn) ?? { prot: 0, hasBytes: false };
      p.prot |= protOf(seg.flags);
      if (vpn * PAGE_SIZE < fileEnd) p.hasBytes = true;
      plan.set(vpn, p);
    }
  }
  return plan;
}

function fillFrame(frame: Frame, vpn: number, image: ProgramImage): void {
  const pageStart = vpn * PAGE_SIZE;
  for (const seg of image.segments) {
    const lo = Math.max(pageStart, seg.vaddr);
    const hi = Math.min(pageStart + PAGE_SIZE, seg.vaddr + seg.bytes.length);
    if (lo < hi) frame.bytes.set(seg.bytes.subarray(lo - seg.vaddr, hi - seg.vaddr), lo - pageStart);
  }
}

export interface LoadedProgram {
  /** First address after the highest segment, page-aligned: the initial program break. */
  brk: number;
}

/** Maps the image into an empty space; returns false when the cgroup cannot pay for it. */
export function loadProgram(space: AddressSpace, image: ProgramImage, cache: TextCache): LoadedProgram | null {
  const text = cache.frames(image);
  let top = 0;
  for (const [vpn, p] of cache.plan(image)) {
    const start = vpn * PAGE_SIZE;
    top = Math.max(top, start + PAGE_SIZE);
    space.addRegion({ start, end: start + PAGE_SIZE, prot: p.prot, kind: p.prot & PROT_WRITE ? 'data' : 'text' });
    if (!(p.prot & PROT_WRITE)) {
      let frame = text.get(vpn);
      if (!frame) {
        frame = new Frame(true);
        fillFrame(frame, vpn, image);
        frame.refs = 1; // the cache's own reference keeps it for the next exec
        text.set(vpn, frame);
        cache.sharedPages++;
      }
      space.mapFrame(vpn, frame, p.prot);
    } else if (p.hasBytes) {
      if (!space.charge.charge(1)) return null;
      const frame = new Frame(false);
      fillFrame(frame, vpn, image);
      space.mapFrame(vpn, frame, p.prot);
    }
  }
  return { brk: top };
}
