// The bare-metal guest corpus (tests/fixtures/bare) and its paravirtual ports
// (tests/fixtures/pv), loaded for the hypervisor tests.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import type { ProgramImage } from '../../../src/core/asm/image.ts';
import { Machine } from '../../../src/core/machine/machine.ts';

export interface Guest {
  name: string;
  dir: string;
  image: ProgramImage;
  expectedStdout: string;
  expectedExit: number;
  /** The disk behind the virtio block device, for programs that have one (disk.img). */
  disk?: Uint8Array;
}

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/**
 * Programs that are hypervisors themselves (they use the H extension): a VM's virtual
 * hart has no H — the VMM offers no nested virtualization — so they run bare only.
 */
export const HYPERVISOR_GUESTS: ReadonlySet<string> = new Set(['h-extension']);

/** The programs of a corpus a VM can run, each with its disk (disk.img) when it has one. */
export function guests(kind: 'bare' | 'pv'): Guest[] {
  const root = join(FIXTURES, kind);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'prog.elf')) && !HYPERVISOR_GUESTS.has(d.name))
    .map((d) => load(join(root, d.name), d.name));
}

export function guest(kind: 'bare' | 'pv', name: string): Guest {
  return load(join(FIXTURES, kind, name), name);
}

function load(dir: string, name: string): Guest {
  return {
    name,
    dir,
    image: readElf(new Uint8Array(readFileSync(join(dir, 'prog.elf')))),
    expectedStdout: readFileSync(join(dir, 'expected.stdout'), 'latin1'),
    expectedExit: Number(readFileSync(join(dir, 'expected.exit'), 'utf8').trim()),
    disk: existsSync(join(dir, 'disk.img')) ? new Uint8Array(readFileSync(join(dir, 'disk.img'))) : undefined,
  };
}

/** Runs an image on the bare machine: console text and exit code. */
export function runBare(image: ProgramImage, budget = 50_000_000, disk?: Uint8Array): { console: string; exitCode: number | null } {
  let text = '';
  const m = new Machine({ disk, console: { write: (b) => { text += String.fromCharCode(...b); } } });
  m.load(image);
  for (let left = budget; left > 0; left -= 1_000_000) {
    const stop = m.run(1_000_000);
    if (stop.kind === 'exit') return { console: text, exitCode: stop.exitCode };
    if (stop.kind === 'fault' || stop.kind === 'wfi-idle') break;
  }
  return { console: text, exitCode: null };
}
