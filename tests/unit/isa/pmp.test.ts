// Physical memory protection against the privileged spec 3.7: OFF/TOR/NA4/NAPOT matching,
// priority, partial matches, R/W/X, locking (which also binds M-mode), and the zero-entry
// default (everything allowed, as QEMU with pmp=false).
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../../src/core/isa/cpu.ts';
import { CSR } from '../../../src/core/isa/csr.ts';
import { PMP_R, PMP_W, PMP_X, Pmp } from '../../../src/core/isa/pmp.ts';
import { PRIV_M, PRIV_S, PRIV_U } from '../../../src/core/isa/privilege.ts';
import { Exception } from '../../../src/core/isa/trap.ts';
import { Ram } from '../../../src/core/machine/ram.ts';
import { RamOnlyMemory } from '../../../src/core/machine/ram-only-memory.ts';
import { csrrs, csrrw, lw, sw } from './encode.ts';
import { BASE, cpuWith } from './harness.ts';

const TOR = 1 << 3;
const NA4 = 2 << 3;
const NAPOT = 3 << 3;
const L = 1 << 7;
const napot = (base: number, size: number) => ((base >>> 2) | ((size >>> 3) - 1)) >>> 0;

function pmp(entries = 16): Pmp {
  return new Pmp(entries);
}

describe('PMP matching (3.7.1)', () => {
  it('with no entry matching, S and U fail and M succeeds', () => {
    const p = pmp();
    expect(p.allows(BASE, 4, PMP_R, PRIV_U)).toBe(false);
    expect(p.allows(BASE, 4, PMP_R, PRIV_S)).toBe(false);
    expect(p.allows(BASE, 4, PMP_R, PRIV_M)).toBe(true);
  });

  it('TOR matches [pmpaddr[i-1], pmpaddr[i]) and entry 0 starts at 0', () => {
    const p = pmp();
    p.writeAddr(0, 0x1000 >>> 2);
    p.writeAddr(1, 0x3000 >>> 2);
    p.writeCfg(0, ((TOR | PMP_R) << 8) | 0); // entry 0 OFF (its address is the bottom), entry 1 TOR
    expect(p.allows(0x1000, 4, PMP_R, PRIV_U)).toBe(true);
    expect(p.allows(0x2ffc, 4, PMP_R, PRIV_U)).toBe(true);
    expect(p.allows(0x3000, 4, PMP_R, PRIV_U)).toBe(false);
    expect(p.allows(0x0ffc, 4, PMP_R, PRIV_U)).toBe(false);
    p.writeCfg(0, TOR | PMP_R | PMP_W);
    expect(p.allows(0x0, 4, PMP_W, PRIV_U)).toBe(true);
  });

  it('NA4 matches four bytes; NAPOT a naturally aligned power of two', () => {
    const p = pmp();
    p.writeAddr(0, 0x2000 >>> 2);
    p.writeAddr(1, napot(0x8000, 0x1000));
    p.writeCfg(0, ((NAPOT | PMP_R) << 8) | NA4 | PMP_R);
    expect(p.allows(0x2000, 4, PMP_R, PRIV_S)).toBe(true);
    expect(p.allows(0x2004, 4, PMP_R, PRIV_S)).toBe(false);
    expect(p.allows(0x8000, 4, PMP_R, PRIV_S)).toBe(true);
    expect(p.allows(0x8ffc, 4, PMP_R, PRIV_S)).toBe(true);
    expect(p.allows(0x9000, 4, PMP_R, PRIV_S)).toBe(false);
  });

  it('the lowest-numbered matching entry decides, and must match every byte', () => {
    const p = pmp();
    p.writeAddr(0, napot(0x1000, 8));
    p.writeAddr(1, napot(0x0, 0x10000));
    p.writeCfg(0, ((NAPOT | PMP_R | PMP_W) << 8) | NAPOT);
    expect(p.allows(0x1000, 4, PMP_R, PRIV_U)).toBe(false); // entry 0: no permissions
    expect(p.allows(0x2000, 4, PMP_W, PRIV_U)).toBe(true); // entry 1
    expect(p.allows(0x1006, 4, PMP_R, PRIV_U)).toBe(false); // straddles entry 0's end
  });

  it('R, W and X are checked per access', () => {
    const p = pmp();
    p.writeAddr(0, napot(0, 0x10000));
    p.writeCfg(0, NAPOT | PMP_X);
    expect(p.allows(0x100, 4, PMP_X, PRIV_U)).toBe(true);
    expect(p.allows(0x100, 4, PMP_R, PRIV_U)).toBe(false);
    expect(p.allows(0x100, 4, PMP_W, PRIV_U)).toBe(false);
  });

  it('R=0 W=1 is reserved and reads back as W=0', () => {
    const p = pmp();
    p.writeCfg(0, NAPOT | PMP_W);
    expect(p.readCfg(0)).toBe(NAPOT);
  });
});

describe('PMP locking', () => {
  it('a locked entry binds M-mode and ignores writes to its cfg and addr until reset', () => {
    const p = pmp();
    p.writeAddr(0, napot(0x1000, 0x1000));
    p.writeCfg(0, L | NAPOT | PMP_R);
    expect(p.allows(0x1000, 4, PMP_W, PRIV_M)).toBe(false);
    expect(p.allows(0x1000, 4, PMP_R, PRIV_M)).toBe(true);
    expect(p.allows(0x5000, 4, PMP_W, PRIV_M)).toBe(true); // no match: M succeeds
    p.writeCfg(0, NAPOT | PMP_R | PMP_W);
    p.writeAddr(0, 0);
    expect(p.readCfg(0)).toBe(L | NAPOT | PMP_R);
    expect(p.readAddr(0)).toBe(napot(0x1000, 0x1000));
  });

  it('a locked TOR entry also locks the pmpaddr below it', () => {
    const p = pmp();
    p.writeAddr(0, 0x100);
    p.writeCfg(0, (L | TOR | PMP_R) << 8);
    p.writeAddr(0, 0x200);
    expect(p.readAddr(0)).toBe(0x100);
  });

  it('unlocked entries do not bind M-mode', () => {
    const p = pmp();
    p.writeAddr(0, napot(0x1000, 0x1000));
    p.writeCfg(0, NAPOT);
    expect(p.allows(0x1000, 4, PMP_W, PRIV_M)).toBe(true);
    expect(p.restricts(PRIV_M)).toBe(false);
    expect(p.restricts(PRIV_S)).toBe(true);
  });
});

describe('PMP in the hart', () => {
  it('with zero entries (the default) the CSRs read zero and S/U accesses are allowed', () => {
    const { cpu, ram } = cpuWith([csrrw(0, CSR.pmpaddr0, 1), csrrw(0, CSR.pmpcfg0, 2), csrrs(3, CSR.pmpaddr0, 0), csrrs(4, CSR.pmpcfg0, 0)]);
    cpu.x[1] = -1;
    cpu.x[2] = NAPOT | PMP_R;
    cpu.run(4);
    expect([cpu.x[3], cpu.x[4]]).toEqual([0, 0]);
    ram.store(BASE + 0x100, 4, 9);
    cpu.priv = PRIV_U;
    cpu.x[5] = BASE + 0x100;
    cpu.pc = BASE;
    ram.store(BASE, 4, lw(6, 5, 0));
    cpu.run(1);
    expect(cpu.x[6]).toBe(9);
  });

  function guarded(words: number[], priv: number) {
    const ram = new Ram(BASE, 0x10000);
    ram.write(BASE, new Uint8Array(Uint32Array.from(words).buffer));
    const cpu = new Cpu(new RamOnlyMemory(ram), { pmpEntries: 16 });
    cpu.reset(BASE);
    cpu.csr.mtvec = BASE + 0x800;
    cpu.priv = priv;
    return { cpu, ram };
  }

  it('S-mode with no PMP entry configured cannot fetch: instruction access fault', () => {
    const { cpu } = guarded([lw(1, 0, 0)], PRIV_S);
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.InstructionAccessFault);
    expect(cpu.csr.mtval >>> 0).toBe(BASE);
  });

  it('an R+X region lets U-mode run and load but a store is a store access fault', () => {
    const { cpu } = guarded([lw(1, 2, 0), sw(1, 2, 0)], PRIV_U);
    cpu.csr.write(CSR.pmpaddr0, napot(BASE, 0x10000));
    cpu.csr.write(CSR.pmpcfg0, NAPOT | PMP_R | PMP_X);
    cpu.x[2] = BASE + 0x400;
    cpu.run(2);
    expect(cpu.csr.mcause).toBe(Exception.StoreAccessFault);
    expect(cpu.csr.mtval >>> 0).toBe(BASE + 0x400);
    expect(cpu.csr.mepc >>> 0).toBe(BASE + 4);
  });

  it('a locked entry without W stops M-mode stores; M-mode loads elsewhere still work', () => {
    const { cpu } = guarded([sw(0, 2, 0)], PRIV_M);
    cpu.csr.write(CSR.pmpaddr0, napot(BASE + 0x400, 0x400));
    cpu.csr.write(CSR.pmpcfg0, L | NAPOT | PMP_R);
    cpu.x[2] = BASE + 0x400;
    cpu.run(1);
    expect(cpu.csr.mcause).toBe(Exception.StoreAccessFault);
  });

  it('the number of entries is kept in saved state', () => {
    const { cpu } = guarded([], PRIV_M);
    cpu.csr.write(CSR.pmpaddr0, 0x1234);
    const other = cpuWith([]).cpu;
    other.setState(structuredClone(cpu.getState()));
    expect(other.csr.pmp.entries).toBe(16);
    expect(other.csr.read(CSR.pmpaddr0)).toBe(0x1234);
  });

  it('refuses more than 64 entries', () => {
    expect(() => new Cpu(new RamOnlyMemory(new Ram(BASE, 0x1000)), { pmpEntries: 65 })).toThrow(/0 to 64/);
  });
});
