// `trapdoor shell [--script FILE]`: the lab's terminal shell without a browser. It reads
// commands from FILE or standard input and prints what the terminal would show: each line
// after its prompt, then its output.

import { DEFAULT_SHELL_ENV, Session, standardCommands, type ShellPorts } from '../core/shell/index.ts';
import { createKernelHost } from '../core/shell/kernel-host.ts';
import { parseArgs } from './args.ts';
import { readBounded, SCRIPT_FILE_CAP } from './bounded-read.ts';
import { CliError, type CliIo } from './io.ts';
import { hostDirectory } from './host-directory.ts';
import { parseVolumeFlag, type VolumeSpec } from '../core/kernel/volume.ts';

export const SHELL_HELP = `usage: trapdoor shell [--script FILE] [--volume DIR:PATH[:ro]]...

Runs the terminal's shell headless: reads commands from FILE or standard input and
prints what the terminal would show (each command after its prompt, then its output).
The exit status is the last command's, or the one given to 'exit'.

  --volume DIR:PATH[:ro]  copy the real directory DIR into the lab host's filesystem at
                          PATH (repeatable; :ro makes it read-only; changes stay in the lab)
`;

/** Builds the host kernel and hands back the host shell's ports. */
export type ShellHostFactory = () => ShellPorts | Promise<ShellPorts>;

export async function shellCommand(argv: string[], io: CliIo, createHost: ShellHostFactory = kernelHost): Promise<number> {
  const args = parseArgs('shell', argv, { values: ['--script'], lists: ['--volume'] });
  if (args.flags.has('--help')) {
    io.stdout.write(SHELL_HELP);
    return 0;
  }
  if (args.positional.length) throw new CliError(`shell: unexpected argument '${args.positional[0]}' (use --script FILE)`, 2);
  const scriptFile = args.flags.get('--script');
  const volumes = volumeSpecs(args.lists.get('--volume') ?? []);
  const host = async (): Promise<ShellPorts> => {
    const ports = await createHost();
    if (volumes.length > 0) {
      if (!ports.mountVolume) throw new CliError('shell: --volume needs the real host kernel', 2);
      for (const v of volumes) ports.mountVolume(v);
    }
    return ports;
  };
  if (scriptFile === undefined && process.stdin.isTTY && io.stdout === process.stdout) return interactive(await host());
  const script = readScript(scriptFile, io);
  const ports = await host();
  const session = new Session({
    port: ports.port,
    containers: ports.containers,
    vms: ports.vms,
    table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV, ...ports.env },
    mode: 'script',
    output: (text) => io.stdout.write(text),
  });
  return session.runScript(script);
}

/** A real terminal: raw keys in, the session's ANSI out, until the host shell exits. */
function interactive(ports: ShellPorts): Promise<number> {
  const stdin = process.stdin;
  return new Promise((resolve) => {
    const session = new Session({
      port: ports.port, containers: ports.containers, vms: ports.vms, table: standardCommands(),
      env: { ...DEFAULT_SHELL_ENV, ...ports.env }, mode: 'terminal',
      output: (text) => process.stdout.write(text),
      onEnd: (code) => {
        stdin.setRawMode(false);
        stdin.off('data', onData);
        stdin.pause();
        resolve(code);
      },
    });
    const onData = (data: string) => session.input(data);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
    session.start();
  });
}

/** --volume DIR:PATH[:ro]: real directories read through the kernel's HostDirectory port. */
function volumeSpecs(flags: string[]): VolumeSpec[] {
  return flags.map((flag) => {
    let parsed;
    try {
      parsed = parseVolumeFlag(flag);
    } catch (e) {
      throw new CliError(`shell: --volume: ${(e as Error).message}`, 2);
    }
    try {
      return { source: hostDirectory(parsed.host), target: parsed.target, readOnly: parsed.readOnly };
    } catch (e) {
      throw new CliError(`shell: --volume: ${(e as Error).message}`, 1);
    }
  });
}

function readScript(file: string | true | undefined, io: CliIo): string {
  if (typeof file !== 'string') return new TextDecoder().decode(io.readStdin());
  try {
    return new TextDecoder().decode(readBounded(file, SCRIPT_FILE_CAP, file));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`shell: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 1);
  }
}

/** The real host kernel, driven between the shell's awaits with setImmediate. */
function kernelHost(): ShellPorts {
  return createKernelHost(() => new Promise((resolve) => setImmediate(resolve)));
}
