// The shipped guest kernels (src/core/vmm/images): the same source as the QEMU-checked
// fixtures, assembled by the lab's own assembler, printing what QEMU printed in the mode
// each was written for; the paravirtual port of rr-kernel takes at least 10x fewer exits.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGuestImage, findGuestImage, GUEST_IMAGES, ImageError } from '../../../src/core/vmm/images/index.ts';
import { runUnderVmm } from '../../../src/core/vmm/run-under-vmm.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
/** Image name -> its fixture folder (kernels that have one). */
const fixtureOf = (name: string) => (name.endsWith('-pv') ? `pv/${name.slice(0, -3)}` : `bare/${name}`);
const withFixture = GUEST_IMAGES.filter((i) => i.name !== 'echo-console');

describe('shipped guest images', () => {
  it('are the fixture sources, unchanged', () => {
    for (const image of withFixture) {
      expect(image.source, image.name).toBe(readFileSync(join(FIXTURES, fixtureOf(image.name), 'kernel.s'), 'utf8'));
    }
  });

  it.each(withFixture.map((i) => i.name))('%s prints what QEMU printed, in its own mode', (name) => {
    const dir = join(FIXTURES, fixtureOf(name));
    const r = runUnderVmm(buildGuestImage(name), { mode: findGuestImage(name)!.mode, maxInstructions: 20_000_000 });
    expect(r.console).toBe(readFileSync(join(dir, 'expected.stdout'), 'latin1'));
    expect(r.exitCode).toBe(Number(readFileSync(join(dir, 'expected.exit'), 'utf8')));
  });

  it('rr-kernel-pv takes at least 10x fewer exits than rr-kernel for the same output', () => {
    const full = runUnderVmm(buildGuestImage('rr-kernel'), { mode: 'full' });
    const pv = runUnderVmm(buildGuestImage('rr-kernel-pv'), { mode: 'pv' });
    expect(pv.console).toBe(full.console);
    expect(full.exits.total).toBeGreaterThanOrEqual(10 * pv.exits.total);
  });

  it('echo-console sends input back in capitals and powers off at ~', () => {
    const r = runUnderVmm(buildGuestImage('echo-console'), { mode: 'full', stdin: new TextEncoder().encode('Hi there, 42!\n~'), maxInstructions: 5_000_000 });
    expect(r.console).toBe('echo-console: type a line and it comes back in capitals; ~ powers off\nHI THERE, 42!\n\necho-console: bye\n');
    expect(r.exitCode).toBe(0);
  });

  it('echo-console sleeps while nothing comes: almost no instructions over a virtual second', () => {
    const r = runUnderVmm(buildGuestImage('echo-console'), { mode: 'full', maxInstructions: 20_000 });
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
