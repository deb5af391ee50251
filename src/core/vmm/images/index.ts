// The guest kernels a VM can boot (`vm images`): lesson material, each shipped as its
// assembly source (the .s files here, imported as text) and assembled with the lab's own
// assembler the first time a VM boots it. The bare-hardware kernels run unmodified under
// full virtualization; the "-pv" ones are their paravirtual ports (hypercalls and a shared
// page, docs/hypercalls.md). What they share they `.include`: the QEMU virt memory map
// (qemu-virt.inc), the SBI interface (sbi.inc), the console and power-off routines
// (console-bare.inc, console-pv.inc, uart-putc.inc), the CLINT timer (clint-timer.inc), and
// each pair the parts its port leaves unchanged (rr-kernel-*.inc, timer-wfi-*.inc,
// hello-uart.inc), so `diff rr-kernel.s rr-kernel-pv.s` shows the port and nothing else.

import { assemble } from '../../asm/assembler.ts';
import type { ProgramImage } from '../../asm/image.ts';
import type { VmMode } from '../../run-result.ts';
import clintTimerInc from './clint-timer.inc?raw';
import consoleBareInc from './console-bare.inc?raw';
import consolePvInc from './console-pv.inc?raw';
import echoConsoleS from './echo-console.s?raw';
import helloUartPvS from './hello-uart-pv.s?raw';
import helloUartInc from './hello-uart.inc?raw';
import helloUartS from './hello-uart.s?raw';
import qemuVirtInc from './qemu-virt.inc?raw';
import rrKernelBootInc from './rr-kernel-boot.inc?raw';
import rrKernelDoneInc from './rr-kernel-done.inc?raw';
import rrKernelExitInc from './rr-kernel-exit.inc?raw';
import rrKernelKillInc from './rr-kernel-kill.inc?raw';
import rrKernelPvS from './rr-kernel-pv.s?raw';
import rrKernelScheduleInc from './rr-kernel-schedule.inc?raw';
import rrKernelStacksInc from './rr-kernel-stacks.inc?raw';
import rrKernelSyscallInc from './rr-kernel-syscall.inc?raw';
import rrKernelTasksInc from './rr-kernel-tasks.inc?raw';
import rrKernelUserInc from './rr-kernel-user.inc?raw';
import rrKernelS from './rr-kernel.s?raw';
import sbiInc from './sbi.inc?raw';
import timerWfiMessagesInc from './timer-wfi-messages.inc?raw';
import timerWfiPvS from './timer-wfi-pv.s?raw';
import timerWfiStatusInc from './timer-wfi-status.inc?raw';
import timerWfiTickInc from './timer-wfi-tick.inc?raw';
import timerWfiS from './timer-wfi.s?raw';
import trapFailInc from './trap-fail.inc?raw';
import uartPutcInc from './uart-putc.inc?raw';

export interface GuestImage {
  name: string;
  /** The mode the kernel was written for: 'full' (bare hardware) or 'pv' (ported). */
  mode: VmMode;
  summary: string;
  /** Its main file's source (`.include`s the files of IMAGE_FILES). */
  source: string;
}

/** Every file of the shipped kernels by name: what `.include "name"` reads. */
export const IMAGE_FILES: Readonly<Record<string, string>> = {
  'clint-timer.inc': clintTimerInc,
  'console-bare.inc': consoleBareInc,
  'console-pv.inc': consolePvInc,
  'echo-console.s': echoConsoleS,
  'hello-uart-pv.s': helloUartPvS,
  'hello-uart.inc': helloUartInc,
  'hello-uart.s': helloUartS,
  'qemu-virt.inc': qemuVirtInc,
  'rr-kernel-boot.inc': rrKernelBootInc,
  'rr-kernel-done.inc': rrKernelDoneInc,
  'rr-kernel-exit.inc': rrKernelExitInc,
  'rr-kernel-kill.inc': rrKernelKillInc,
  'rr-kernel-pv.s': rrKernelPvS,
  'rr-kernel-schedule.inc': rrKernelScheduleInc,
  'rr-kernel-stacks.inc': rrKernelStacksInc,
  'rr-kernel-syscall.inc': rrKernelSyscallInc,
  'rr-kernel-tasks.inc': rrKernelTasksInc,
  'rr-kernel-user.inc': rrKernelUserInc,
  'rr-kernel.s': rrKernelS,
  'sbi.inc': sbiInc,
  'timer-wfi-messages.inc': timerWfiMessagesInc,
  'timer-wfi-pv.s': timerWfiPvS,
  'timer-wfi-status.inc': timerWfiStatusInc,
  'timer-wfi-tick.inc': timerWfiTickInc,
  'timer-wfi.s': timerWfiS,
  'trap-fail.inc': trapFailInc,
  'uart-putc.inc': uartPutcInc,
};

export const GUEST_IMAGES: readonly GuestImage[] = [
  { name: 'rr-kernel', mode: 'full', source: rrKernelS, summary: 'two U-mode tasks, round robin on the timer, system calls' },
  { name: 'rr-kernel-pv', mode: 'pv', source: rrKernelPvS, summary: 'rr-kernel ported to hypercalls and a shared page' },
  { name: 'hello-uart', mode: 'full', source: helloUartS, summary: 'prints through the UART and powers off' },
  { name: 'hello-uart-pv', mode: 'pv', source: helloUartPvS, summary: 'hello-uart with one console hypercall per string' },
  { name: 'timer-wfi', mode: 'full', source: timerWfiS, summary: 'five timer ticks, sleeping in wfi between them' },
  { name: 'timer-wfi-pv', mode: 'pv', source: timerWfiPvS, summary: 'timer-wfi with set_timer and the shared page' },
  { name: 'echo-console', mode: 'full', source: echoConsoleS, summary: 'echoes console input in capitals; ~ powers off' },
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
  const r = assemble(spec.source, { file: `${name}.s`, files: IMAGE_FILES });
  const error = r.diagnostics.find((d) => d.severity === 'error');
  if (!r.image || error) throw new ImageError(`image ${name} does not assemble: ${error?.message ?? 'no output'}`);
  built.set(name, r.image);
  return r.image;
}
