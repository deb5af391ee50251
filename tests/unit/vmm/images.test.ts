// The shipped guest kernels (src/core/vmm/images): the one copy of their source. The
// QEMU-checked fixtures beside them (tests/fixtures/{bare,pv}/<name>/prog.elf) are GNU builds
// of that source (each build.sh assembles the .s with its .include files); assembled by the lab's
// own assembler it is the same program and prints what QEMU printed, in the mode each was
// written for; the paravirtual port of rr-kernel takes at least 10x fewer exits.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { buildGuestImage, findGuestImage, GUEST_IMAGES, IMAGE_FILES, ImageError } from '../../../src/core/vmm/images/index.ts';
import { runProgram } from '../../../src/core/runner.ts';
import { asm } from './asm.ts';
import { programDifferences } from './same-program.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
/** Image name -> its fixture folder (kernels that have one). */
const fixtureOf = (name: string) => (name.endsWith('-pv') ? `pv/${name.slice(0, -3)}` : `bare/${name}`);
const withFixture = GUEST_IMAGES.filter((i) => i.name !== 'echo-console');
const gnuBuild = (name: string) => readElf(new Uint8Array(readFileSync(join(FIXTURES, fixtureOf(name), 'prog.elf'))));

describe('shipped guest images', () => {
  it.each(withFixture.map((i) => i.name))('%s is the program its fixture prog.elf is (GNU as + ld of the same source)', (name) => {
    expect(programDifferences(buildGuestImage(name), gnuBuild(name))).toEqual([]);
  });

  it('tells a changed instruction, string, address or label position from the fixture build', () => {
    const source = findGuestImage('rr-kernel')!.source;
    const gnu = gnuBuild('rr-kernel');
    expect(programDifferences(asm(source, IMAGE_FILES), gnu)).toEqual([]);
    // [file, what, into]: each edit, in the main file or in one it includes, must show.
    const edits: Array<[string, string | RegExp, string]> = [
      ['rr-kernel.s', '.equ SLICE, 20000', '.equ SLICE, 20001'],
      ['rr-kernel-user.inc', /"([^"\\])/, '"#'],
      ['rr-kernel.s', '\n_start:\n', '\n_start:\n        nop\n'],
      ['rr-kernel-boot.inc', 'la a0, msg_boot', 'la a0, msg_fault'],
    ];
    for (const [file, what, into] of edits) {
      const files = { ...IMAGE_FILES, [file]: IMAGE_FILES[file]!.replace(what, into) };
      expect(files[file]).not.toBe(IMAGE_FILES[file]);
      expect(programDifferences(asm(files['rr-kernel.s']!, files), gnu).length).toBeGreaterThan(0);
    }
  });

  it.each(withFixture.map((i) => i.name))('%s prints what QEMU printed, in its own mode', (name) => {
    const dir = join(FIXTURES, fixtureOf(name));
    const r = runProgram({ image: buildGuestImage(name), mode: findGuestImage(name)!.mode, maxInstructions: 20_000_000 });
    expect(r.console).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
    expect(r.exitCode).toBe(Number(readFileSync(join(dir, 'expected.exit'), 'utf8')));
  });

  it('rr-kernel-pv takes at least 10x fewer exits than rr-kernel for the same output', () => {
    const full = runProgram({ image: buildGuestImage('rr-kernel'), mode: 'full' });
    const pv = runProgram({ image: buildGuestImage('rr-kernel-pv'), mode: 'pv' });
    expect(pv.console).toBe(full.console);
    expect(full.exits.total).toBeGreaterThanOrEqual(10 * pv.exits.total);
  });

  it('echo-console sends input back in capitals and powers off at ~', () => {
    const r = runProgram({ image: buildGuestImage('echo-console'), mode: 'full', stdin: new TextEncoder().encode('Hi there, 42!\n~'), maxInstructions: 5_000_000 });
    expect(r.console).toBe('echo-console: type a line and it comes back in capitals; ~ powers off\nHI THERE, 42!\n\necho-console: bye\n');
    expect(r.exitCode).toBe(0);
  });

  it('echo-console sleeps while nothing comes: almost no instructions over a virtual second', () => {
    const r = runProgram({ image: buildGuestImage('echo-console'), mode: 'full', maxInstructions: 20_000 });
    // 20,000 instructions last many 10 ms polls: most of the time is asleep in wfi.
    expect(r.cost.idleCycles).toBeGreaterThan(5 * (r.cost.guestCycles + r.cost.overheadCycles));
  });

  it('refuses an unknown image by name', () => {
    expect(() => buildGuestImage('nope')).toThrow(ImageError);
    expect(() => buildGuestImage('nope')).toThrow(/no such image: nope/);
  });

  it('are assembled once', () => {
    expect(buildGuestImage('hello-uart')).toBe(buildGuestImage('hello-uart'));
  });
});
