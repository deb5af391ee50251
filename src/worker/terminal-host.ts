// The terminal's host kernel, wired as src/core/shell/kernel-host.ts wires it for the CLI
// (kernel, the shell's host process, the container runtime, the hypervisor for `vm`) but
// driven by a PacedDriver: a person is waiting at this terminal, so idle time passes in
// real time. VMs share the kernel's clock and catch up with it after every kernel slice.

import { readElf } from '../core/asm/elf-reader.ts';
import { ContainerRuntime } from '../core/kernel/container-runtime.ts';
import { HostProcessPort } from '../core/kernel/host-port.ts';
import { Kernel } from '../core/kernel/kernel.ts';
import { HypervisorHost } from '../core/shell/hypervisor-host.ts';
import type { ShellPorts } from '../core/shell/index.ts';
import { PacedDriver, type PacedHost } from './paced-driver.ts';

export interface TerminalHost extends ShellPorts {
  kernel: Kernel;
  driver: PacedDriver;
  port: HostProcessPort;
  containers: ContainerRuntime;
  vms: HypervisorHost;
}

export function createTerminalHost(host: PacedHost): TerminalHost {
  const kernel = new Kernel({ parseProgram: (bytes) => readElf(bytes) });
  const vms = new HypervisorHost({ now: () => kernel.now, yieldToHost: () => host.yieldToEvents() });
  const driver = new PacedDriver(kernel, host, undefined, () => vms.sync());
  const shell = kernel.spawnHost({ argv: ['sh'] });
  const kick = () => driver.kick();
  return {
    kernel, driver, vms,
    port: new HostProcessPort(kernel, shell, kick),
    containers: new ContainerRuntime(kernel, shell, kick),
    env: { HOME: '/' },
  };
}
