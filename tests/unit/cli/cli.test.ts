// The command-line contract of DESIGN.md, checked in-process through injected streams.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { readElf } from '../../../src/core/asm/elf-reader.ts';
import { captureIo } from './capture-io.ts';

const dir = mkdtempSync(join(tmpdir(), 'trapdoor-cli-'));
const file = (name: string, text: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const LINUX_HELLO = join(__dirname, '../../fixtures/linux/hello/prog.elf');

const BARE = `
.globl _start
_start:
  li t0, 0x10000000
  la t1, msg
1: lbu t2, 0(t1)
  beqz t2, 2f
  sb t2, 0(t0)
  addi t1, t1, 1
  j 1b
2: li t0, 0x100000
  li t1, (5 << 16) | 0x3333
  sw t1, 0(t0)
3: j 3b
.data
msg: .string "bare metal\\nsays hi\\n"
`;

async function run(argv: string[], stdin?: string) {
  const cap = captureIo(stdin === undefined ? undefined : Buffer.from(stdin));
  const status = await main(argv, cap.io);
  return { status, out: cap.stdout(), err: cap.stderr(), cap };
}

describe('trapdoor asm', () => {
  it('writes an ELF that the reader loads, with nothing on stdout', async () => {
    const src = file('ok.s', BARE);
    const out = join(dir, 'ok.elf');
    const r = await run(['asm', src, '-o', out]);
    expect(r).toMatchObject({ status: 0, out: '', err: '' });
    expect(readElf(new Uint8Array(readFileSync(out))).entry).toBe(0x80000000);
  });

  it('reports every error as FILE:LINE:COL: error: MESSAGE and exits 1', async () => {
    const src = file('bad.s', 'nop\nfrobnicate a0\naddi a0, a0, 99999\nj nowhere\n');
    const r = await run(['asm', src, '-o', join(dir, 'bad.elf')]);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^.*bad\.s:\d+:\d+: error: .+$/);
    expect(lines.map((l) => l.split(':')[1])).toEqual(expect.arrayContaining(['2', '3', '4']));
  });

  it('--march with C (or -march=) compresses as GNU as does; without it nothing is compressed', async () => {
    const src = file('c.s', '_start: li a0, 5\nret\n');
    const text = (elf: string) => readElf(new Uint8Array(readFileSync(join(dir, elf)))).segments[0]!.bytes;
    expect((await run(['asm', src, '-o', join(dir, 'c1.elf'), '--march', 'rv32imac'])).status).toBe(0);
    expect([...text('c1.elf')]).toEqual([0x15, 0x45, 0x82, 0x80]);
    expect((await run(['asm', src, '-o', join(dir, 'c2.elf'), '-march=rv32imac_zicsr'])).status).toBe(0);
    expect(text('c2.elf').length).toBe(4);
    expect((await run(['asm', src, '-o', join(dir, 'c3.elf'), '--march', 'rv32ima'])).status).toBe(0);
    expect(text('c3.elf').length).toBe(8);
    const bad = await run(['asm', src, '--march', 'x86']);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/--march expects an RV32 ISA string/);
  });
});

describe('trapdoor run', () => {
  it('bare: streams UART bytes to stdout and exits with the power-off code', async () => {
    const r = await run(['run', file('bare.s', BARE)]);
    expect(r.out).toBe('bare metal\nsays hi\n');
    expect(r.status).toBe(5);
    expect(r.err).toBe('');
    expect(r.cap.stdoutWrites.map((w) => Buffer.from(w).toString())).toEqual(['bare metal\n', 'says hi\n']); // line by line, as produced
  });

  it('full: the same bare program under the hypervisor prints the same and counts exits', async () => {
    const src = file('bare2.s', BARE);
    const bare = await run(['run', src, '--json']);
    const full = await run(['run', src, '--mode', 'full', '--json']);
    const [b, f] = [JSON.parse(bare.out), JSON.parse(full.out)];
    expect(f.console).toBe(b.console);
    expect(full.status).toBe(5);
    expect(f.exits.total).toBeGreaterThan(0);
    expect(b.exits.total).toBe(0);
  });

  it('linux: runs a GNU-linked ELF as a process', async () => {
    const r = await run(['run', LINUX_HELLO, '--mode', 'linux']);
    expect(r).toMatchObject({ status: 0, out: 'Hello, world from RV32 Linux!\n', err: '' });
  });

  it('--json prints exactly one JSON object with the contract fields', async () => {
    const r = await run(['run', LINUX_HELLO, '--mode=linux', '--json']);
    expect(r.status).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    expect(j.exitCode).toBe(0);
    expect(j.console).toBe('Hello, world from RV32 Linux!\n');
    expect(j.instructions).toBeGreaterThan(0);
    expect(j.cycles).toBeGreaterThanOrEqual(j.instructions);
    expect(j.exits.total).toBe(2);
    expect(j.exits.byCause).toEqual({ 'syscall:write': 1, 'syscall:exit': 1 });
    expect(j.cost.guestCycles + j.cost.overheadCycles).toBe(j.cycles);
  });

  it('--max-instructions stops a spinning program with status 124 and a line on stderr', async () => {
    const r = await run(['run', file('spin.s', '.globl _start\n_start: j _start\n'), '--max-instructions', '1000']);
    expect(r.status).toBe(124);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^trapdoor: stopped after 1000 instructions/);
  });

  it('a Linux program killed by SIGSEGV exits 139', async () => {
    const r = await run(['run', join(__dirname, '../../fixtures/linux/segfault/prog.elf'), '--mode', 'linux']);
    expect(r.status).toBe(139);
    expect(r.out).toBe('about to dereference NULL\n');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/Segmentation fault/);
  });

  it('reports system calls the kernel does not implement on stderr, and the program goes on', async () => {
    const src = file('nosys.s', '.globl _start\n_start:\n  li a7, 999\n  ecall\n  addi a0, a0, 38\n  li a7, 93\n  ecall\n');
    const r = await run(['run', src, '--mode', 'linux']);
    expect(r.status).toBe(0); // -ENOSYS + 38
    expect(r.err).toBe('trapdoor: kernel: nosys.s[1]: unknown system call 999 -> ENOSYS\n');
  });

  it('passes standard input to the Linux program', async () => {
    const r = await run(['run', join(__dirname, '../../fixtures/linux/upper/prog.elf'), '--mode', 'linux'], 'abc\n');
    expect(r).toMatchObject({ status: 0, out: 'ABC\n' });
  });
});

describe('errors are one line and a non-zero status', () => {
  const cases: [string, string[], RegExp, number][] = [
    ['missing file', ['run', join(dir, 'nope.elf')], /nope\.elf: no such file$/, 1],
    ['truncated ELF', ['run', '@trunc'], /truncated ELF file/, 1],
    ['64-bit ELF', ['run', '@elf64'], /64-bit ELF/, 1],
    ['non-RISC-V ELF', ['run', '@x86'], /not a RISC-V ELF/, 1],
    ['unknown mode', ['run', LINUX_HELLO, '--mode', 'turbo'], /unknown mode 'turbo'/, 2],
    ['unknown flag', ['run', LINUX_HELLO, '--fast'], /unknown option --fast/, 2],
    ['missing flag value', ['run', LINUX_HELLO, '--mode'], /--mode needs a value/, 2],
    ['bad number', ['run', LINUX_HELLO, '--max-instructions', 'lots'], /non-negative integer/, 2],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/, 2],
    ['Linux ELF in bare mode', ['run', LINUX_HELLO], /outside RAM.*--mode linux/, 1],
  ];
  const header = (cls: number, machine: number): Uint8Array => {
    const b = new Uint8Array(64);
    b.set([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1]);
    b[16] = 2;
    b[18] = machine;
    return b;
  };
  const fixtures: Record<string, string> = {
    '@trunc': file('trunc.elf', readFileSync(LINUX_HELLO).subarray(0, 40)),
    '@elf64': file('elf64.elf', header(2, 243)),
    '@x86': file('x86.elf', header(1, 3)),
  };
  for (const [name, argv, pattern, status] of cases) {
    it(name, async () => {
      const r = await run(argv.map((a) => fixtures[a] ?? a));
      expect(r.status).toBe(status);
      expect(r.out).toBe('');
      const lines = r.err.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});

describe('help and reserved verbs', () => {
  for (const verb of ['asm', 'disasm', 'run', 'shell']) {
    it(`${verb} --help prints usage on stdout`, async () => {
      const r = await run([verb, '--help']);
      expect(r.status).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: trapdoor ${verb}`));
    });
  }
  it('--help lists every command', async () => {
    const r = await run(['--help']);
    for (const verb of ['asm', 'disasm', 'run', 'shell', 'lessons']) expect(r.out).toContain(`  ${verb} `);
  });
});

describe('trapdoor disasm', () => {
  // Every fixture ELF (GNU-built) with the objdump -d output committed beside it
  // (riscv64-unknown-elf-objdump 2.40: `objdump -d prog.elf > expected.objdump`).
  const root = join(__dirname, '../../fixtures');
  const elfs = ['linux', 'bare', 'pv'].flatMap((kind) => readdirSync(join(root, kind))
    .filter((name) => existsSync(join(root, kind, name, 'prog.elf')))
    .map((name) => join(kind, name)));

  it('covers every fixture ELF', () => {
    expect(elfs.length).toBeGreaterThanOrEqual(20);
    for (const dir of elfs) expect(existsSync(join(root, dir, 'expected.objdump')), dir).toBe(true);
  });

  it('prints compressed code and narrow addresses as objdump does (its output for this ELF)', async () => {
    const src = file('small.s', '.option rvc\n_start: li a0, 5\n  beqz a0, _start\n  lw a1, 4(sp)\n  ret\n');
    const elf = join(dir, 'small.elf');
    expect((await run(['asm', src, '--text-base', '0', '-o', elf])).status).toBe(0);
    const r = await run(['disasm', elf]);
    expect(r.out.split('\n').slice(6)).toEqual([
      '00000000 <_start>:', '   0:\t4515                \tli\ta0,5', '   2:\tdd7d                \tbeqz\ta0,0 <_start>',
      '   4:\t4592                \tlw\ta1,4(sp)', '   6:\t8082                \tret', '',
    ]);
  });

  it.each(elfs)('%s: byte for byte what GNU objdump -d prints', async (dir) => {
    const elf = join(root, dir, 'prog.elf');
    const expected = readFileSync(join(root, dir, 'expected.objdump'), 'latin1').replace('prog.elf:', `${elf}:`);
    const r = await run(['disasm', elf]);
    expect(r.status).toBe(0);
    expect(r.out).toBe(expected);
  });
});
