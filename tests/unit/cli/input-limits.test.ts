// Issue 16, items 16-19: what enters through the command line is bounded and checked —
// file sizes (a clear error naming the cap), numeric options (no wrap past 2^32), ELF entry
// points (an instruction address), long `.equ` chains (no host stack overflow), and lesson
// files that are links leading outside their lesson folder.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBounded } from '../../../src/cli/bounded-read.ts';
import { main } from '../../../src/cli/main.ts';
import { assemble } from '../../../src/core/asm/assembler.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { lessonTemplate } from '../../../src/core/lessons/index.ts';
import { lessonFileRefusals } from '../../../scripts/lesson-files-guard.ts';
import { DcSession } from '../../../src/core/datacenter/dc-command.ts';
import { runScript, testbed } from '../shell/testbed.ts';
import { captureIo } from './capture-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'trapdoor-limits-'));

async function cli(argv: string[]) {
  const cap = captureIo();
  const status = await main(argv, cap.io);
  return { status, err: cap.stderr(), out: cap.stdout() };
}

/** A two-instruction program with its entry moved; `rvc`: assembled with the C extension. */
function elfWithEntry(entry: number, rvc = false): Uint8Array {
  const elf = assemble(`${rvc ? '.option rvc\n' : ''}_start: nop\n nop\n`).elf!.slice();
  new DataView(elf.buffer).setUint32(24, entry, true);
  return elf;
}

describe('input size caps', () => {
  it('run /dev/zero stops at the program-file cap with a message naming it', async () => {
    const r = await cli(['run', '/dev/zero']);
    expect(r.status).toBe(1);
    expect(r.err).toBe('trapdoor: /dev/zero is larger than the 64 MiB cap for it\n');
  });

  it('reads a file up to its cap and refuses one byte more', () => {
    const file = join(dir, 'ten.bin');
    writeFileSync(file, new Uint8Array(10));
    expect(readBounded(file, 10, 'ten.bin').length).toBe(10);
    expect(() => readBounded(file, 9, 'ten.bin')).toThrow('ten.bin is larger than');
  });

  it('the assembler refuses a source over its cap with one diagnostic, before lexing', () => {
    const r = assemble(' nop\n'.repeat(1_000_000));
    expect(r.diagnostics.map((d) => d.message)).toEqual(['the source is 5000000 characters; the assembler takes at most 4194304']);
  });

  it('20,000 chained .equ (each naming one defined later) assemble without a stack overflow', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `.equ k${i + 1}, k${i} + 1`);
    const r = assemble(`${lines.join('\n')}\n.equ k0, 1\n_start: nop\n.word k20000\n`);
    expect(r.diagnostics).toEqual([]);
    const text = r.image!.segments[0]!;
    expect(new DataView(text.bytes.buffer, text.bytes.byteOffset).getUint32(4, true)).toBe(20_001);
  });
});

describe('numeric options are range-checked', () => {
  const src = join(dir, 'two.s');
  writeFileSync(src, '_start: nop\n nop\n');
  it.each([['0xFFFFFFFF', 'at most 0xfffffffc'], ['0x100000000', 'at most 0xfffffffc'], ['0x80000002', 'multiple of 4'], ['-1', 'non-negative']])(
    '--text-base %s is refused', async (base, why) => {
      const r = await cli(['asm', src, '-o', join(dir, 'x.elf'), '--text-base', base]);
      expect(r.status).toBe(2);
      expect(r.err).toContain(why);
    });

  it('a text base whose program would wrap past 2^32 is an assembler error', async () => {
    const r = await cli(['asm', src, '-o', join(dir, 'x.elf'), '--text-base', '0xFFFFFFFC']);
    expect(r.status).toBe(1);
    expect(r.err).toContain("section '.text' ends at 0x100000004, past the top of the 32-bit address space");
  });

  it.each([['--pcpus', '5', 'at most 4'], ['--slice', '1e12', 'at most'], ['--max-instructions', '1e300', 'non-negative integer']])(
    'run %s %s is refused', async (flag, value, why) => {
      const r = await cli(['run', src, '--mode', 'full', flag, value]);
      expect(r.status).toBe(2);
      expect(r.err).toContain(why);
    });
});

describe('ELF entry points', () => {
  it('an odd entry point is refused with a clear message', () => {
    expect(() => readElf(elfWithEntry(0x80000001))).toThrow('entry point 0x80000001 is odd');
    expect(() => readElf(elfWithEntry(0x80000001, true))).toThrow('is odd');
  });

  it('a 2-aligned entry is refused unless the image uses the C extension', () => {
    expect(() => readElf(elfWithEntry(0x80000002))).toThrow(/not 4-byte aligned.*compressed instructions/);
    expect(readElf(elfWithEntry(0x80000002, true)).entry).toBe(0x80000002);
  });

  it('trapdoor run refuses it in one line', async () => {
    const file = join(dir, 'odd.elf');
    writeFileSync(file, elfWithEntry(0x80000001));
    const r = await cli(['run', file]);
    expect(r.status).toBe(1);
    expect(r.err).toBe(`trapdoor: ${file}: entry point 0x80000001 is odd: an instruction address has bit 0 clear\n`);
  });
});

describe('lesson files that lead outside their folder', () => {
  function lessonsWithLink(): string {
    const root = mkdtempSync(join(dir, 'lessons-'));
    const secret = join(root, '..', `secret-${Date.now()}.txt`);
    writeFileSync(secret, 'the instructor password');
    for (const folder of ['01-good', '02-linked']) {
      mkdirSync(join(root, folder));
      for (const [name, text] of Object.entries(lessonTemplate(folder))) writeFileSync(join(root, folder, name), text);
    }
    symlinkSync(secret, join(root, '02-linked', 'notes.txt'));
    return root;
  }

  it('lessons check refuses the link by name and still checks the other lessons', async () => {
    const root = lessonsWithLink();
    const r = await cli(['lessons', 'check', root]);
    expect(r.status).toBe(1);
    expect(r.out).toContain('ok   01-good');
    expect(r.out).toContain(`FAIL 02-linked`);
    expect(r.out).toContain(`${root}/02-linked/notes.txt:1: a symbolic link to a file outside the lesson folder is not read`);
    expect(r.out).not.toContain('password');
  }, 60_000);

  it("the build's guard names the link, so it is never bundled", () => {
    const root = lessonsWithLink();
    expect(lessonFileRefusals(root)).toEqual([expect.stringMatching(/^02-linked\/notes.txt: a symbolic link to a file outside its lesson folder/)]);
  });
});

describe('data-centre and container options are bounded', () => {
  it.each([
    [['cost', '--years', '1e308'], '--years must be from 0.1 to 100'],
    [['cost', '--admin-hours', '1e9'], '--admin-hours must be from 0 to 8760'],
    [['run', '1e9'], 'run needs a number of milliseconds from 0.01 to 1000'],
    [['consolidate', '--ms', '1e9'], '--ms must be from 0.001 to 1000'],
    [['fail-host', 'host-1', '--detect-ms', '1e9'], '--detect-ms must be from 0 to 1000'],
  ])('dc %j is refused: %s', (argv, message) => {
    const r = new DcSession().run(argv);
    expect(r.status).toBe(2);
    expect(r.text).toContain(message);
    expect(r.text).not.toMatch(/∞|NaN/);
  });

  it('dc cost with every input at its limit prints finite money', () => {
    const r = new DcSession().run(['cost', '--years', '100', '--server-price', '1e7', '--kwh-price', '100', '--before', '50,50', '--after', '100']);
    expect(r.status).toBe(0);
    expect(r.text).not.toMatch(/∞|NaN/);
  });

  it('a container hostname longer than 64 characters is refused (HOST_NAME_MAX)', async () => {
    const bed = testbed();
    const { out } = await runScript(`container run --hostname ${'h'.repeat(300)} alpine hello\ncontainer run --hostname ${'h'.repeat(64)} alpine hello\n`, bed);
    expect(out).toContain('invalid hostname: it must be 1 to 64 characters, got 300');
    expect(out.match(/invalid hostname/g)).toHaveLength(1);
  });
});
