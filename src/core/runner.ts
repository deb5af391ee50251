// The one place that picks a Session for a mode, and runProgram: one program run to its
// end in any mode, as a RunResult. The CLI (`trapdoor run`), the lesson checker, the
// worker's engine and Compare use it. Console bytes stream through onConsole.
//
//   bare   the machine alone: M-mode at the image's entry, exit via power-off or tohost
//   linux  a static RV32 Linux program as a process of the host kernel (src/core/kernel)
//   full   unmodified guest kernel under the trap-and-emulate hypervisor   (src/core/vmm)
//   pv     paravirtualized guest kernel using hypercalls                   (src/core/vmm)

import type { ProgramImage } from './asm/image.ts';
import { withCpuKind, type CpuKind } from './isa/cpu-kind.ts';
import { ProcessSession } from './kernel/process-session.ts';
import { MachineSession } from './machine/machine-session.ts';
import type { RunMode, RunResult } from './run-result.ts';
import { runToEnd, type Session } from './session.ts';
import type { CostModel } from './vmm/cost-model.ts';
import { VmSession } from './vmm/vm-session.ts';
import type { VolumeSpec } from './kernel/volume.ts';

export interface SessionOptions {
  mode: RunMode;
  /** Bytes of guest RAM (bare, full, pv, hw). */
  ramSize?: number;
  /** bare, full, pv, hw: the disk image behind the virtio block device (copied on write). */
  disk?: Uint8Array;
  /** bare: PMP entries of the hart (default 0: everything allowed, as QEMU pmp=false). */
  pmpEntries?: number;
  /** Console input: the UART's receive queue, or the process's standard input. */
  stdin?: Uint8Array;
  /**
   * bare: console input typed a line at a time, each once the guest waits for it
   * (machine/typist.ts); the other modes take it all at the start, like stdin.
   */
  input?: Uint8Array;
  onConsole?: (bytes: Uint8Array) => void;
  /** Most console bytes a bare or linux result keeps (a VM keeps 1 MiB). */
  consoleLimit?: number;
  /** full, pv, hw: the cost model's changes from the defaults, and exits kept in the log. */
  costModel?: Partial<CostModel>;
  exitLogSize?: number;
  /** linux: argv (argv[0] defaults to "prog") and environment. */
  argv?: string[];
  envp?: string[];
  /** linux: the process's standard error (fd 2) as produced; default: onConsole. */
  onError?: (bytes: Uint8Array) => void;
  /** linux: host directories made visible in the kernel's filesystem (--volume). */
  volumes?: VolumeSpec[];
  /** The translator or the interpreter (default: defaultCpuKind(), the translator). */
  cpu?: CpuKind;
}

export interface RunRequest extends SessionOptions {
  image: ProgramImage;
  /** Stop after this many instructions; default: no limit. */
  maxInstructions?: number;
}

/** A fresh session running `image` in `options.mode`; throws LoadError if it does not fit. */
export function createSession(image: ProgramImage, given: SessionOptions): Session {
  const options = given.mode === 'bare' || !given.input ? given : { ...given, stdin: given.input };
  return withCpuKind(options.cpu, (): Session => {
    switch (options.mode) {
      case 'bare': return new MachineSession(image, options);
      case 'linux': return new ProcessSession(image, options);
      case 'full': case 'pv': case 'hw': return new VmSession(image, { ...options, mode: options.mode });
    }
  });
}

export function runProgram(req: RunRequest): RunResult {
  const session = createSession(req.image, req);
  const budget = req.mode === 'full' || req.mode === 'pv' || req.mode === 'hw'
    ? 'instruction limit reached'
    : `stopped after ${req.maxInstructions} instructions (--max-instructions)`;
  return runToEnd(session, req.maxInstructions ?? Infinity, budget);
}
