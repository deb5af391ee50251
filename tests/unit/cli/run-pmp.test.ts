// trapdoor run --pmp N: the bare machine's hart with N PMP entries (default 0, as QEMU pmp=false).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from './capture-io.ts';

// Writes all ones to pmpaddr0 and exits with the low byte read back; then a U-mode load
// with no PMP entry configured: the access fault handler exits with 3.
const PROBE = `
.globl _start
_start:
  li t0, -1
  csrw pmpaddr0, t0
  csrr a0, pmpaddr0
  andi a0, a0, 0xff
  bnez a0, exit
  la t0, trap
  csrw mtvec, t0
  la t0, user
  csrw mepc, t0
  li t0, 0x1800
  csrc mstatus, t0
  mret
user:
  li a0, 0
  ecall
trap:
  csrr t0, mcause
  li a0, 3
  li t1, 1
  beq t0, t1, exit
  li a0, 0
exit:
  slli a0, a0, 16
  li t1, 0x3333
  or a0, a0, t1
  li t0, 0x100000
  sw a0, 0(t0)
1: j 1b
`;

const dir = mkdtempSync(join(tmpdir(), 'trapdoor-pmp-'));
const probe = join(dir, 'probe.s');
writeFileSync(probe, PROBE);

async function run(argv: string[]) {
  const cap = captureIo();
  const status = await main(argv, cap.io);
  return { status, err: cap.stderr() };
}

describe('trapdoor run --pmp', () => {
  it('has no PMP by default: the CSRs read zero and U-mode runs unchecked', async () => {
    expect((await run(['run', probe])).status).toBe(0);
  });

  it('with entries, pmpaddr0 holds what is written', async () => {
    expect((await run(['run', probe, '--pmp', '16'])).status).toBe(255);
  });

  it('refuses a count outside 0..64 and other modes', async () => {
    expect(await run(['run', probe, '--pmp', '65'])).toMatchObject({ status: 2, err: expect.stringContaining('--pmp must be 0 to 64') });
    expect(await run(['run', probe, '--mode', 'full', '--pmp', '1'])).toMatchObject({ status: 2, err: expect.stringContaining('--pmp is for --mode bare') });
  });
});
