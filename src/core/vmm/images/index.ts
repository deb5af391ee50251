// The guest kernels a VM can boot (`vm images`): lesson material, each shipped as its
// assembly source and assembled with the lab's own assembler the first time a VM boots it.
// The bare-hardware kernels run unmodified under full virtualization; the "-pv" ones are
// their paravirtual ports (hypercalls and a shared page, docs/hypercalls.md).

import { assemble } from '../../asm/assembler.ts';
import type { ProgramImage } from '../../asm/image.ts';
import type { VmMode } from '../vm.ts';
import { source as echoConsole } from './echo-console.ts';
import { source as helloUartPv } from './hello-uart-pv.ts';
import { source as helloUart } from './hello-uart.ts';
import { source as rrKernelPv } from './rr-kernel-pv.ts';
import { source as rrKernel } from './rr-kernel.ts';
import { source as timerWfiPv } from './timer-wfi-pv.ts';
import { source as timerWfi } from './timer-wfi.ts';

export interface GuestImage {
  name: string;
  /** The mode the kernel was written for: 'full' (bare hardware) or 'pv' (ported). */
  mode: VmMode;
  summary: string;
  source: string;
}

export const GUEST_IMAGES: readonly GuestImage[] = [
  { name: 'rr-kernel', mode: 'full', source: rrKernel, summary: 'two U-mode tasks, round robin on the timer, system calls' },
  { name: 'rr-kernel-pv', mode: 'pv', source: rrKernelPv, summary: 'rr-kernel ported to hypercalls and a shared page' },
  { name: 'hello-uart', mode: 'full', source: helloUart, summary: 'prints through the UART and powers off' },
  { name: 'hello-uart-pv', mode: 'pv', source: helloUartPv, summary: 'hello-uart with one console hypercall per string' },
  { name: 'timer-wfi', mode: 'full', source: timerWfi, summary: 'five timer ticks, sleeping in wfi between them' },
  { name: 'timer-wfi-pv', mode: 'pv', source: timerWfiPv, summary: 'timer-wfi with set_timer and the shared page' },
  { name: 'echo-console', mode: 'full', source: echoConsole, summary: 'echoes console input in capitals; ~ powers off' },
];

export class ImageError extends Error {
  override name = 'ImageError';
}

export function findGuestImage(name: string): GuestImage | undefined {
  return GUEST_IMAGES.find((i) => i.name === name);
}

const built = new Map<string, ProgramImage>();

/** The loadable image of a shipped kernel (assembled once, then shared: loading copies it). */
export function buildGuestImage(name: string): ProgramImage {
  const cached = built.get(name);
  if (cached) return cached;
  const spec = findGuestImage(name);
  if (!spec) throw new ImageError(`no such image: ${name} (vm images lists them)`);
  const r = assemble(spec.source, { file: `${name}.s` });
  const error = r.diagnostics.find((d) => d.severity === 'error');
  if (!r.image || error) throw new ImageError(`image ${name} does not assemble: ${error?.message ?? 'no output'}`);
  built.set(name, r.image);
  return r.image;
}
