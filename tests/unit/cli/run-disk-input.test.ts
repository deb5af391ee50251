// trapdoor run --disk IMG --input FILE, and shipped guests by name: the virtio-blk fixture
// guest prints what QEMU printed with its disk; typed input reaches a guest line by line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from './capture-io.ts';

const fixture = join(__dirname, '../../fixtures/bare/virtio-blk');
const dir = mkdtempSync(join(tmpdir(), 'trapdoor-disk-'));

async function run(argv: string[], stdin?: string) {
  const cap = captureIo(stdin === undefined ? undefined : Buffer.from(stdin));
  const status = await main(argv, cap.io);
  return { status, out: cap.stdout(), err: cap.stderr() };
}

describe('trapdoor run --disk', () => {
  it('puts the image behind the virtio block device: the fixture guest prints what QEMU printed', async () => {
    const image = readFileSync(join(fixture, 'disk.img'));
    const r = await run(['run', join(fixture, 'kernel.s'), '--disk', join(fixture, 'disk.img')]);
    expect(r).toMatchObject({ status: 0, err: '' });
    expect(r.out).toBe(readFileSync(join(fixture, 'expected.stdout'), 'latin1'));
    expect(readFileSync(join(fixture, 'disk.img')).equals(image)).toBe(true); // the guest's write stayed in the run
  });

  it('refuses an image that is not whole sectors, and --disk for a Linux program', async () => {
    writeFileSync(join(dir, 'odd.img'), 'abc');
    const odd = await run(['run', join(fixture, 'kernel.s'), '--disk', join(dir, 'odd.img')]);
    expect(odd.status).toBe(1);
    expect(odd.err).toMatch(/a whole number of 512-byte sectors, this is 3 bytes/);
    const linux = await run(['run', join(fixture, 'kernel.s'), '--mode', 'linux', '--disk', join(fixture, 'disk.img')]);
    expect(linux.status).toBe(2);
  });
});

describe('trapdoor run --input, and shipped guests by name', () => {
  it('types the file into the guest a line at a time', async () => {
    writeFileSync(join(dir, 'keys.txt'), 'hello\nworld\n~\n');
    const r = await run(['run', 'echo-console', '--input', join(dir, 'keys.txt')]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('HELLO\nWORLD\n');
  });

  it('takes standard input the same way when there is no --input', async () => {
    const r = await run(['run', 'echo-console'], 'abc\n~\n');
    expect(r.out).toContain('ABC\n');
    expect(r.status).toBe(0);
  });

  it('runs a shipped guest by name; a name that is neither a file nor a guest is a missing file', async () => {
    expect((await run(['run', 'hello-uart'])).out).toContain('Hello from bare metal!');
    const none = await run(['run', join(dir, 'no-such-guest')]);
    expect(none.status).toBe(1);
    expect(none.err).toMatch(/no such file/);
  });
});
