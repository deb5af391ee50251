// The shell's public face: what the CLI, the worker and tests construct.

export { Session, type SessionOptions } from './session.ts';
export { standardCommands } from './commands.ts';
export type { KernelPort } from '../kernel/kernel-port.ts';
export type { ContainerRuntimePort } from '../kernel/container-port.ts';
export type { HypervisorPort } from '../vmm/vm-port.ts';

import type { ContainerRuntimePort } from '../kernel/container-port.ts';
import type { KernelPort } from '../kernel/kernel-port.ts';
import type { HypervisorPort } from '../vmm/vm-port.ts';
import type { VolumeSpec } from '../kernel/volume.ts';

/** What a host kernel hands the shell: the host shell's process and the container runtime. */
export interface ShellPorts {
  port: KernelPort;
  containers?: ContainerRuntimePort;
  vms?: HypervisorPort;
  /** The host shell's initial environment. */
  env?: Record<string, string>;
  /** `trapdoor shell --volume`: a real directory copied into the host's filesystem. */
  mountVolume?(spec: VolumeSpec): void;
}

export const DEFAULT_SHELL_ENV: Record<string, string> = {
  PATH: '/bin:/usr/bin',
  HOME: '/root',
  USER: 'root',
  TERM: 'xterm-256color',
};
