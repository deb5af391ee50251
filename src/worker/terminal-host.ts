// The terminal's host kernel, wired by src/core/shell/kernel-host.ts as for the CLI
// (kernel, the shell's host process, the container runtime, the hypervisor for `vm`) but
// driven by a PacedDriver: a person is waiting at this terminal, so idle time passes in
// real time. VMs share the kernel's clock and catch up with it after every kernel slice.

import { wireKernelHost, type KernelHost } from '../core/shell/kernel-host.ts';
import { PacedDriver, type PacedHost } from './paced-driver.ts';

export type TerminalHost = KernelHost<PacedDriver>;

export function createTerminalHost(host: PacedHost): TerminalHost {
  return wireKernelHost(() => host.yieldToEvents(), (kernel, afterSlice) =>
    new PacedDriver(kernel, host, undefined, afterSlice));
}
