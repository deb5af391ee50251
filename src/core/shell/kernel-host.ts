// The one place that wires the shell to the real host kernel: a kernel that runs RV32
// ELF programs, the shell as a host-side process (pid 1 of the initial namespaces), the
// container runtime beside it, the hypervisor for `vm` (its VMs on the kernel's clock),
// and a driver that runs the scheduler between the shell's awaits. The CLI and the worker
// both start the lab's terminal from here.

import { readElf } from '../asm/elf-reader.ts';
import { ContainerRuntime } from '../kernel/container-runtime.ts';
import { KernelDriver } from '../kernel/driver.ts';
import { HostProcessPort } from '../kernel/host-process-port.ts';
import { Kernel } from '../kernel/kernel.ts';
import { mountVolume } from '../kernel/volume.ts';
import { VmManager } from '../vmm/vm-manager.ts';
import type { ShellPorts } from './index.ts';

export interface KernelHost<D extends Kickable = KernelDriver> extends ShellPorts {
  kernel: Kernel;
  driver: D;
  port: HostProcessPort;
  containers: ContainerRuntime;
  vms: VmManager;
}

/** What the host-side ports need of a driver: a nudge when something may have become runnable. */
export interface Kickable {
  kick(): void;
}

/**
 * @param yieldToHost gives the host a turn between kernel slices (setImmediate in Node, a
 *   MessageChannel or setTimeout in the worker) so input such as Ctrl-C gets through.
 */
export function createKernelHost(yieldToHost: () => Promise<void>): KernelHost {
  return wireKernelHost(yieldToHost, (kernel, afterSlice) =>
    new KernelDriver(kernel, () => { afterSlice(); return yieldToHost(); }));
}

/**
 * The wiring itself, with the driver chosen by the caller (the page paces idle time to the
 * wall clock). `afterSlice` must run after every kernel slice: the VMs catch up to the
 * kernel's clock there, so both share one time.
 */
export function wireKernelHost<D extends Kickable>(
  yieldToHost: () => Promise<void>,
  makeDriver: (kernel: Kernel, afterSlice: () => void) => D,
): KernelHost<D> {
  const kernel = new Kernel({ parseProgram: (bytes) => readElf(bytes) });
  const vms = new VmManager({ now: () => kernel.now, yieldToHost });
  const driver = makeDriver(kernel, () => vms.sync());
  const shell = kernel.spawnHost({ argv: ['sh'] });
  const kick = () => driver.kick();
  return {
    kernel, driver, vms,
    port: new HostProcessPort(kernel, shell, kick),
    containers: new ContainerRuntime(kernel, shell, kick),
    env: { HOME: '/' },
    mountVolume: (spec) => mountVolume(kernel, spec),
  };
}
