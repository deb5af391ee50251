// The terminal's host kernel, wired as src/core/shell/kernel-host.ts wires it for the CLI
// (kernel, the shell's host process, the container runtime) but driven by a PacedDriver:
// a person is waiting at this terminal, so idle time passes in real time.

import { readElf } from '../core/asm/elf-reader.ts';
import { ContainerRuntime } from '../core/kernel/container-runtime.ts';
import { HostProcessPort } from '../core/kernel/host-port.ts';
import { Kernel } from '../core/kernel/kernel.ts';
import type { ShellPorts } from '../core/shell/index.ts';
import { PacedDriver, type PacedHost } from './paced-driver.ts';

export interface TerminalHost extends ShellPorts {
  kernel: Kernel;
  driver: PacedDriver;
  port: HostProcessPort;
  containers: ContainerRuntime;
}

export function createTerminalHost(host: PacedHost): TerminalHost {
  const kernel = new Kernel({ parseProgram: (bytes) => readElf(bytes) });
  const driver = new PacedDriver(kernel, host);
  const shell = kernel.spawnHost({ argv: ['sh'] });
  const kick = () => driver.kick();
  return {
    kernel, driver,
    port: new HostProcessPort(kernel, shell, kick),
    containers: new ContainerRuntime(kernel, shell, kick),
    env: { HOME: '/' },
  };
}
