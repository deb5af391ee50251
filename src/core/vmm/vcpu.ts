// A virtual CPU: the host's real Cpu running the guest in U-mode, plus the privileged
// state the guest *believes* it has — a virtual CSR file and a virtual privilege mode (M, S or U).
// The guest kernel thinks it runs in M-mode; the hardware (our Cpu) knows it is in U-mode,
// so every privileged instruction traps to the VMM, which applies it here.
//
// The virtual CSR file is the bare hart's own CsrFile class on the guest's clock, so the
// WARL rules, access checks and counters a guest sees are exactly those of bare hardware.

import { Cpu, type CpuState } from '../isa/cpu.ts';
import { CsrFile, type CsrState } from '../isa/csr.ts';
import type { Memory } from '../isa/memory.ts';
import { pendingInterrupt, trapTarget } from '../isa/delegation.ts';
import { returnFromMachine, trapToMachine } from '../isa/machine-trap.ts';
import { INTERRUPT_PRIORITY, MIP_MTIP, PRIV_M, PRIV_S, PRIV_U } from '../isa/privilege.ts';
import { returnFromSupervisor, trapToSupervisor } from '../isa/supervisor-trap.ts';

export interface VCpuState {
  cpu: CpuState;
  vcsr: CsrState;
  vpriv: number;
  waiting: boolean;
}

export class VCpu {
  readonly cpu: Cpu;
  readonly vcsr: CsrFile;
  /** The privilege mode the guest believes it is in (the real one is always U). */
  vpriv: number = PRIV_M;
  /** Asleep in an emulated wfi until a virtual interrupt is pending (3.3.3). */
  waiting = false;

  constructor(memory: Memory, resetPc: number) {
    this.cpu = new Cpu(memory);
    this.cpu.interceptUserTraps = true;
    this.vcsr = new CsrFile(this.cpu.clock);
    this.reset(resetPc);
  }

  reset(pc: number): void {
    this.cpu.reset(pc);
    this.cpu.priv = PRIV_U; // deprivileged: the whole guest runs in real U-mode
    this.vcsr.setState(new CsrFile(this.cpu.clock).getState());
    this.vpriv = PRIV_M;
    this.waiting = false;
  }

  /** Completes an instruction the VMM emulated: one cycle and one instret, as hardware. */
  retire(nextPc: number): void {
    this.cpu.pc = nextPc >>> 0;
    this.cpu.clock.cycles += 1;
    this.cpu.csr.instret += 1;
  }

  /**
   * 3.1.8, 3.1.6.1, 3.1.14-3.1.16 and 4.1.1: what the hart does on a trap, on the virtual
   * CSRs: the guest's own medeleg/mideleg decide whether its M or S mode takes it.
   */
  enterTrap(cause: number, tval: number, interrupt: boolean, epc: number): void {
    if (trapTarget(this.vcsr, this.vpriv, cause, interrupt) === PRIV_S) {
      this.cpu.pc = trapToSupervisor(this.vcsr, this.vpriv, cause, tval, interrupt, epc);
      this.vpriv = PRIV_S;
    } else {
      this.cpu.pc = trapToMachine(this.vcsr, this.vpriv, cause, tval, interrupt, epc);
      this.vpriv = PRIV_M;
    }
    this.cpu.reservation = -1;
  }

  /** 3.3.2 MRET: pc = mepc, privilege = MPP, MIE = MPIE, MPIE = 1, MPP = U. */
  mret(): void {
    this.vpriv = returnFromMachine(this.vcsr);
    this.cpu.reservation = -1;
    this.retire(this.vcsr.mepc);
  }

  /** 3.3.2 SRET: pc = sepc, privilege = SPP, SIE = SPIE, SPIE = 1, SPP = U. */
  sret(): void {
    this.vpriv = returnFromSupervisor(this.vcsr);
    this.cpu.reservation = -1;
    this.retire(this.vcsr.sepc);
  }

  /** 3.1.9 with delegation, on the virtual state: the interrupt the guest takes now, or -1. */
  takenInterrupt(): number {
    return pendingInterrupt(this.vcsr, this.vpriv);
  }

  /** Virtual interrupts pending and enabled in mie (what wakes a wfi). */
  pendingInterrupts(): number {
    return this.vcsr.mip() & this.vcsr.mie;
  }

  /**
   * 3.1.9: the highest-priority virtual interrupt the guest would take now, or -1.
   * `globalEnable` is mstatus.MIE under full virtualization, the shared page's flag under PV.
   */
  deliverableInterrupt(globalEnable: boolean): number {
    const pending = this.pendingInterrupts();
    if (pending === 0) return -1;
    if (this.vpriv === PRIV_M && !globalEnable) return -1;
    for (const cause of INTERRUPT_PRIORITY) if (pending & (1 << cause)) return cause;
    return -1;
  }

  /** Guest cycle at which the virtual timer fires, or Infinity if it is off or never. */
  timerDeadline(): number {
    if (!(this.vcsr.mie & MIP_MTIP)) return Infinity;
    return this.cpu.clock.timerDeadline();
  }

  getState(): VCpuState {
    return { cpu: this.cpu.getState(), vcsr: this.vcsr.getState(), vpriv: this.vpriv, waiting: this.waiting };
  }

  setState(s: VCpuState): void {
    this.cpu.setState(s.cpu);
    this.cpu.priv = PRIV_U;
    this.vcsr.setState(s.vcsr);
    this.vpriv = s.vpriv === PRIV_U || s.vpriv === PRIV_S ? s.vpriv : PRIV_M;
    this.waiting = s.waiting;
  }
}
