// A virtual machine: its own guest RAM, a vCPU (real CPU in U-mode + virtual M-mode state),
// its own devices (UART, CLINT, power-off) and console, and the record of its exits.
//
//   const vm = new Vm({ mode: 'full' | 'pv' | 'hw', ramSize?, costModel?, exitLogSize? })
//   vm.load(image)                       // starts at image.entry in virtual M-mode
//   vm.run(instructions): Stop           // budget | yield | idle | wfi-idle | exit | breakpoint | fault
//   vm.sleep()                           // after 'idle': skip the guest clock to its timer
//   vm.consoleText(), vm.exits, vm.getState()/setState()
//
// The run loop is trap-and-emulate: run the guest on the real CPU until it traps, hand the
// trap to the VMM (trap-and-emulate.ts, hypercall.ts), inject virtual interrupts, repeat.
// In `hw` mode the guest's S and U modes run in the hart's VS and VU modes (world-switch.ts)
// over the VM's G-stage table (g-stage-table.ts), and only what the hardware cannot handle
// comes back (hardware-exit.ts); its virtual M-mode is trap-and-emulated as in `full`.
// Nothing a guest does throws here: bad operations become reflected faults, SBI errors or
// a 'fault' stop that ends only this VM.

import type { ProgramImage } from '../asm/image.ts';
import type { AccessWidth } from '../isa/memory.ts';
import { trapTarget } from '../isa/delegation.ts';
import { MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP_SHIFT, PRIV_M } from '../isa/privilege.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import { causeName, Exception, Interrupt } from '../isa/trap.ts';
import { checkFitsInRam, LoadError } from '../machine/machine.ts';
import { DiskImage, type DiskState } from '../machine/disk-image.ts';
import { checkPlicState, Plic, UART_IRQ, VIRTIO_IRQ_BASE, type PlicState } from '../machine/plic.ts';
import { PowerOff } from '../machine/power-off.ts';
import { DEFAULT_RAM_SIZE, RAM_BASE, Ram, type RamState } from '../machine/ram.ts';
import { Uart, type UartState } from '../machine/uart.ts';
import { VirtioBlk } from '../machine/virtio-blk.ts';
import {
  VIRTIO_MMIO_BASE, VIRTIO_MMIO_SLOTS, VIRTIO_MMIO_STRIDE, VirtioMmio, type VirtioMmioState,
} from '../machine/virtio-mmio.ts';
import { ACCESS_EXECUTE, type PageTableMemory } from '../isa/sv32.ts';
import { ConsoleRecord, type VmMode } from '../run-result.ts';
import type { Stop } from '../session.ts';
import { DEFAULT_COST_MODEL, exitCost, type CostModel } from './cost-model.ts';
import { DEFAULT_EXIT_LOG_SIZE, ExitLog, type ExitLogState } from './exit-log.ts';
import { GuestMemory, type GuestDevice } from './guest-memory.ts';
import { hex } from './hex.ts';
import { FRAME_BYTES, SHARED_PAGE_MAGIC, SHARED_PAGE_VERSION, SharedPage } from './shared-page.ts';
import { ShadowPageTables, type GuestTranslation } from './shadow-page-table.ts';
import { GStageTable } from './g-stage-table.ts';
import { handleHardwareExit } from './hardware-exit.ts';
import { handleTrap } from './trap-and-emulate.ts';
import { enterGuest, leaveGuest, runsInGuestMode, saveGuest } from './world-switch.ts';
import { VCpu, type VCpuState } from './vcpu.ts';
import { VirtualClint } from './virtual-clint.ts';

export type { VmMode };

export interface VmOptions {
  mode: VmMode;
  /** Guest RAM bytes at 0x80000000; default 128 MiB (allocated lazily by the engine). */
  ramSize?: number;
  costModel?: CostModel;
  exitLogSize?: number;
  /** Most console bytes kept; more are counted as dropped (a flooding guest is bounded). */
  consoleLimit?: number;
  /** Console bytes as the guest produces them (the CLI streams them to stdout). */
  onConsole?: (bytes: Uint8Array) => void;
  /** The VM's disk behind its virtio block device at 0x10001000 (copied on write). */
  disk?: Uint8Array | DiskImage;
}

export const VM_STATE_VERSION = 2;
const DEFAULT_CONSOLE_LIMIT = 1 << 20;

export interface VmState {
  kind: 'vm';
  version: number;
  mode: VmMode;
  ramSize: number;
  vcpu: VCpuState;
  ram: RamState;
  uart: UartState;
  exits: ExitLogState;
  console: string;
  consoleDropped: number;
  halted: number | null;
  failure: string | null;
  sharedPage: number;
  plic: PlicState;
  virtio: VirtioMmioState[];
  disk: DiskState | null;
}

/** The bare machine's: one kind of load failure, whichever of them loads the image. */
export { LoadError };

export class Vm {
  readonly mode: VmMode;
  readonly ram: Ram;
  readonly memory: GuestMemory;
  readonly vcpu: VCpu;
  readonly uart: Uart;
  readonly clint: VirtualClint;
  readonly plic: Plic;
  readonly virtio: VirtioMmio[];
  readonly disk: DiskImage | undefined;
  /** Shadow page tables (full virtualization of a guest that pages), or null. */
  readonly shadow: ShadowPageTables | null;
  /** The G-stage table (hardware-assisted: `hw`), or null. */
  readonly gStage: GStageTable | null;
  readonly exits: ExitLog;
  readonly cost: CostModel;
  /** Guest-physical address of the PV shared page, or 0. */
  sharedPage = 0;
  private readonly console: ConsoleRecord;
  private readonly onConsole: ((bytes: Uint8Array) => void) | undefined;
  private halted: number | null = null;
  private failure: string | null = null;
  private resetRequested = false;
  private yieldRequested = false;
  private image: ProgramImage | null = null;

  constructor(options: VmOptions) {
    this.mode = options.mode;
    this.cost = options.costModel ?? DEFAULT_COST_MODEL;
    this.exits = new ExitLog(options.exitLogSize ?? DEFAULT_EXIT_LOG_SIZE);
    this.console = new ConsoleRecord(options.consoleLimit ?? DEFAULT_CONSOLE_LIMIT);
    this.onConsole = options.onConsole;
    this.ram = new Ram(RAM_BASE, options.ramSize ?? DEFAULT_RAM_SIZE);
    // The guest's interrupt controller: context 0 drives its virtual MEIP, context 1 SEIP.
    this.plic = new Plic((context, level) => this.setExternalLine(context === 0 ? Interrupt.MachineExternal : SEIP, level));
    const devices = {
      uart: new Uart({ write: (b) => this.writeConsole(b) }, (level) => this.plic.setSource(UART_IRQ, level)),
      power: new PowerOff({
        powerOff: (code) => this.powerOff(code),
        reset: () => this.requestReset(),
      }),
    };
    this.uart = devices.uart;
    // The CLINT needs the vCPU's clock; the memory needs the CLINT: wire in two steps.
    this.disk = options.disk instanceof DiskImage ? options.disk : options.disk ? new DiskImage(options.disk) : undefined;
    const blk = this.disk ? new VirtioBlk(this.disk) : null;
    this.virtio = Array.from({ length: VIRTIO_MMIO_SLOTS }, (_, i) => new VirtioMmio(
      VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, 'legacy', i === 0 ? blk : null,
      this.ram, (level) => this.plic.setSource(VIRTIO_IRQ_BASE + i, level)));
    const table: Array<{ name: string; device: GuestDevice['device'] }> = [
      { name: 'power-off', device: devices.power },
      { name: 'uart', device: devices.uart },
      { name: 'plic', device: this.plic },
      ...this.virtio.map((t) => ({ name: 'virtio', device: t })),
    ];
    this.memory = new GuestMemory(this.ram, table, (d, k, a, w, v) => this.onMmio(d, k, a, w, v));
    this.vcpu = new VCpu(this.memory, RAM_BASE);
    this.shadow = this.mode === 'full' || this.mode === 'pv'
      ? new ShadowPageTables(guestPageTables(this.ram), () => this.vcpu.cpu.mmu.fence(null))
      : null;
    this.vcpu.cpu.pageTables = this.shadow;
    this.gStage = this.mode === 'hw' ? new GStageTable(RAM_BASE, this.ram.size) : null;
    if (this.gStage) {
      this.vcpu.cpu.gStageTables = this.gStage;
      this.vcpu.cpu.interceptGuestTraps = true;
    }
    this.clint = new VirtualClint(this.vcpu.cpu.clock, this.vcpu.vcsr);
    table.push({ name: 'clint', device: this.clint });
  }

  /** Copies the image into guest RAM and resets the vCPU to its entry point. */
  load(image: ProgramImage): void {
    checkFitsInRam(image, this.ram, 'guest RAM');
    this.image = image;
    this.reset();
  }

  /** Power-on reset of this VM only. The console and exit counters are kept. */
  reset(): void {
    this.ram.clear();
    this.uart.reset();
    this.plic.reset();
    for (const t of this.virtio) t.reset();
    this.shadow?.reset(true);
    this.halted = null;
    this.failure = null;
    this.resetRequested = false;
    this.sharedPage = 0;
    const image = this.image;
    this.vcpu.reset(image ? image.entry : RAM_BASE);
    if (image) for (const seg of image.segments) this.ram.write(seg.vaddr, seg.bytes);
  }

  get exitCode(): number | null {
    return this.halted;
  }

  get faultMessage(): string | null {
    return this.failure;
  }

  /**
   * Runs at most `budget` guest instructions (a trap counts as one) and, when given, at
   * most about `cycleBudget` busy cycles (instructions plus exit costs: a host's slice).
   */
  run(budget: number, cycleBudget = Infinity): Stop {
    let left = Math.floor(budget);
    const cpu = this.vcpu.cpu;
    const clock = cpu.clock;
    const cycleEnd = clock.cycles - clock.idleCycles + cycleBudget;
    let resumed = true;
    for (;;) {
      const end = this.endState();
      if (end) return end;
      this.injectInterrupt();
      this.syncAddressSpace();
      this.syncWorld();
      if (this.vcpu.waiting) {
        const wake = this.wfiWake();
        if (wake) return wake;
        continue;
      }
      if (this.yieldRequested) {
        this.yieldRequested = false;
        return { kind: 'yield' };
      }
      const cyclesLeft = cycleEnd - (clock.cycles - clock.idleCycles);
      if (left <= 0 || cyclesLeft <= 0) return { kind: 'budget' };
      // cpu.run() executes a breakpoint at its starting pc (that is how a debugger resumes),
      // so one reached through an emulated trap is caught here.
      if (!resumed && cpu.breakpoints.has(cpu.pc >>> 0)) return { kind: 'breakpoint', pc: cpu.pc >>> 0 };
      resumed = false;
      const before = cpu.csr.instret;
      const stop = cpu.run(this.chunk(Math.min(left, Math.ceil(cyclesLeft))));
      if (cpu.virt) saveGuest(this.vcpu);
      if (stop.kind === 'trap' && stop.trap.virtual) handleHardwareExit(this, stop.trap);
      else if (stop.kind === 'trap') handleTrap(this, stop.trap);
      else if (stop.kind === 'fault') this.fail(stop.message);
      else if (stop.kind === 'breakpoint') return { kind: 'breakpoint', pc: cpu.pc >>> 0 };
      left -= Math.max(stop.kind === 'trap' ? 1 : 0, cpu.csr.instret - before);
    }
  }

  /** After an 'idle' stop: the guest sleeps until its timer (guest time jumps forward). */
  sleep(): number {
    const clock = this.vcpu.cpu.clock;
    const deadline = this.vcpu.timerDeadline();
    if (!this.vcpu.waiting || deadline === Infinity) return 0;
    const idle = Math.max(0, Math.ceil(deadline - clock.cycles));
    clock.cycles += idle;
    clock.idleCycles += idle;
    return idle;
  }

  // ---- services for the trap handlers ----

  guestTranslation(): GuestTranslation {
    const v = this.vcpu;
    return { satp: v.vcsr.satp, priv: v.vpriv, mstatus: v.vcsr.mstatus };
  }

  singleStep(): void {
    const stop = this.vcpu.cpu.run(1);
    if (stop.kind === 'trap') handleTrap(this, stop.trap);
    else if (stop.kind === 'fault') this.fail(stop.message);
  }

  /** Counts an exit, charges its cost to the guest's clock and logs it. */
  exit(cause: string, pc: number, insn: number, action: string): void {
    const cost = exitCost(this.cost, cause);
    this.vcpu.cpu.charge(cost);
    // Steal time: the exit costs the host, not the guest's view of time (docs/guest-time.md).
    this.vcpu.cpu.clock.steal(Math.max(0, Math.round(cost)));
    this.exits.record(cause, this.vcpu.cpu.clock.cycles, pc, insn, action, cost);
  }

  /**
   * Delivers a trap to the guest kernel: through the shared page when a PV guest has one,
   * otherwise into the virtual CSRs and mtvec exactly as hardware would.
   */
  deliverTrap(cause: number, tval: number, interrupt: boolean, epc: number): void {
    const v = this.vcpu;
    if (!interrupt && cause === Exception.InstructionAccessFault && epc === this.trapVector()) {
      this.fail(`the guest's trap vector 0x${hex(epc)} cannot be fetched (outside guest RAM)`);
      return;
    }
    if (this.sharedPage === 0) {
      v.enterTrap(cause, tval, interrupt, epc);
      return;
    }
    this.deliverThroughSharedPage(cause, tval, interrupt, epc);
  }

  trapVector(): number {
    if (this.sharedPage !== 0) return this.memory.readWord(this.sharedPage + SharedPage.VECTOR) ?? 0;
    return (this.vcpu.vcsr.mtvec & ~3) >>> 0;
  }

  /** Streams every byte to the console port; only the kept copy (consoleText) is bounded. */
  writeConsole(bytes: Uint8Array): void {
    this.onConsole?.(bytes);
    this.console.write(bytes);
  }

  consoleText(): string {
    return this.console.text();
  }

  /** Console bytes not kept (beyond the limit). */
  get consoleDropped(): number {
    return this.console.dropped;
  }

  powerOff(code: number): void {
    this.halted = code >>> 0;
    this.vcpu.cpu.requestStop();
  }

  requestReset(): void {
    this.resetRequested = true;
    this.vcpu.cpu.requestStop();
  }

  requestYield(): void {
    this.yieldRequested = true;
  }

  /** Ends this VM (only this one) with a message. */
  fail(message: string): void {
    this.failure ??= message;
    this.vcpu.cpu.requestStop();
  }

  /** Registers (or with 0 removes) the PV shared page; false if the address is unusable. */
  registerSharedPage(addr: number): boolean {
    const a = addr >>> 0;
    if (a === 0) { this.sharedPage = 0; return true; }
    if ((a & 0xfff) !== 0 || !this.ram.contains(a, 4096)) return false;
    this.sharedPage = a;
    this.memory.writeWord(a + SharedPage.MAGIC, SHARED_PAGE_MAGIC);
    this.memory.writeWord(a + SharedPage.VERSION, SHARED_PAGE_VERSION);
    this.vcpu.vcsr.mie |= 1 << Interrupt.MachineTimer; // set_timer alone arms the timer
    return true;
  }

  /** Loads pc and x1..x31 from a frame in guest RAM; false if the frame is not in RAM. */
  loadFrame(frame: number): boolean {
    const words = this.memory.readBytes(frame, FRAME_BYTES);
    if (words === null || (frame & 3) !== 0) return false;
    const dv = new DataView(words.buffer, words.byteOffset, words.byteLength);
    const cpu = this.vcpu.cpu;
    for (let r = 1; r < 32; r++) cpu.x[r] = dv.getInt32(4 * r, true);
    cpu.pc = dv.getUint32(0, true) & ~3;
    cpu.reservation = -1;
    return true;
  }

  // ---- internals ----

  private endState(): Stop | null {
    if (this.resetRequested) this.reset();
    if (this.halted !== null) return { kind: 'exit', exitCode: this.halted };
    if (this.failure !== null) return { kind: 'fault', message: this.failure };
    return null;
  }

  /** In wfi: wake on a pending virtual interrupt, or report how long to sleep. */
  private wfiWake(): Stop | null {
    const v = this.vcpu;
    if (v.pendingInterrupts() !== 0) {
      v.waiting = false;
      return null;
    }
    const deadline = v.timerDeadline();
    if (deadline === Infinity) return { kind: 'wfi-idle' };
    return { kind: 'idle', idleCycles: Math.max(1, Math.ceil(deadline - v.cpu.clock.cycles)) };
  }

  /** Steps until the virtual timer could fire, so it is injected on time. */
  private chunk(left: number): number {
    const v = this.vcpu;
    const deadline = v.timerDeadline();
    if (deadline === Infinity || v.cpu.clock.timerPending()) return left;
    return Math.max(1, Math.min(left, Math.ceil(deadline - v.cpu.clock.cycles)));
  }

  /**
   * Points the real MMU at the shadow for the guest's current translation (its satp,
   * privilege, SUM and MXR), or at nothing while the guest does not translate.
   */
  private syncAddressSpace(): void {
    if (this.shadow === null) return;
    const cpu = this.vcpu.cpu;
    const satp = this.shadow.select(this.guestTranslation()) | 0;
    if (cpu.csr.satp === satp) return;
    cpu.csr.satp = satp;
    cpu.mmu.fence(null);
  }

  /**
   * `hw`: the guest's S and U modes run in VS and VU (its S registers loaded, V=1); its
   * virtual M-mode runs deprivileged in U-mode with V=0.
   */
  private syncWorld(): void {
    if (this.gStage === null) return;
    const v = this.vcpu;
    if (runsInGuestMode(v)) enterGuest(v, this.gStage.hgatp);
    else if (v.cpu.virt) leaveGuest(v);
  }

  /** 3.1.9 on the virtual state: inject the highest-priority deliverable interrupt. */
  private injectInterrupt(): void {
    const v = this.vcpu;
    const sp = this.sharedPage;
    if (sp !== 0) this.memory.writeWord(sp + SharedPage.PENDING, v.vcsr.mip());
    const cause = sp !== 0
      ? v.deliverableInterrupt((this.memory.readWord(sp + SharedPage.IE) ?? 0) !== 0)
      : v.takenInterrupt();
    if (cause < 0) return;
    // `hw`: an interrupt for the guest's S-mode is the hardware's to deliver (hvip), with
    // no exit; only those for its M-mode need the VMM.
    if (this.gStage !== null && v.vpriv !== PRIV_M && trapTarget(v.vcsr, v.vpriv, cause, true) !== PRIV_M) return;
    v.waiting = false;
    const pc = v.cpu.pc;
    this.deliverTrap(cause, 0, true, pc);
    this.exit('interrupt-inject', pc, 0, `injected ${interruptName(cause)}, guest vector 0x${hex(v.cpu.pc)}`);
  }

  /** PV delivery: save the context to FRAME, describe the trap in the page, enter VECTOR. */
  private deliverThroughSharedPage(cause: number, tval: number, interrupt: boolean, epc: number): void {
    const v = this.vcpu;
    const m = this.memory;
    const sp = this.sharedPage;
    const frame = m.readWord(sp + SharedPage.FRAME) ?? 0;
    if (m.readBytes(frame, FRAME_BYTES) === null || (frame & 3) !== 0) {
      this.fail(`paravirtual trap delivery: the shared page's frame 0x${hex(frame)} is not in guest RAM`);
      return;
    }
    m.writeWord(frame, epc);
    for (let r = 1; r < 32; r++) m.writeWord(frame + 4 * r, v.cpu.x[r]);
    const ie = (m.readWord(sp + SharedPage.IE) ?? 0) !== 0;
    m.writeWord(sp + SharedPage.CAUSE, (interrupt ? 0x80000000 : 0) | cause);
    m.writeWord(sp + SharedPage.TVAL, tval);
    m.writeWord(sp + SharedPage.STATUS, (ie ? MSTATUS_MPIE : 0) | (v.vpriv << MSTATUS_MPP_SHIFT));
    m.writeWord(sp + SharedPage.IE, 0);
    v.vpriv = PRIV_M;
    v.cpu.reservation = -1;
    v.cpu.pc = (m.readWord(sp + SharedPage.VECTOR) ?? 0) & ~3;
  }

  private onMmio(device: string, kind: 'read' | 'write', addr: number, width: AccessWidth, value: number): void {
    const cpu = this.vcpu.cpu;
    const pc = cpu.pc;
    // hw: the guest's pc is guest-virtual (a guest-page fault brought the access here).
    const at = cpu.virt ? cpu.mmu.translate(pc, 4, ACCESS_EXECUTE) : pc;
    const insn = at < 0 ? 0 : this.memory.readWord(at) ?? 0;
    const what = kind === 'read'
      ? `read ${width} bytes at 0x${hex(addr)} -> 0x${value.toString(16)}`
      : `wrote 0x${value.toString(16)} (${width} bytes) to 0x${hex(addr)}`;
    const how = cpu.virt ? ' (a guest-page fault: the G-stage leaves devices unmapped)' : '';
    this.exit(`mmio-${kind}:${device}`, pc, insn, `${device}: ${what}${how}`);
  }

  private setExternalLine(cause: number, level: boolean): void {
    const bit = 1 << cause;
    if (level) this.vcpu.vcsr.mipLines |= bit;
    else this.vcpu.vcsr.mipLines &= ~bit;
  }

  getState(): VmState {
    return {
      kind: 'vm', version: VM_STATE_VERSION, mode: this.mode, ramSize: this.ram.size,
      vcpu: this.vcpu.getState(), ram: this.ram.getState(), uart: this.uart.getState(),
      exits: this.exits.getState(), console: this.consoleText(), consoleDropped: this.consoleDropped,
      halted: this.halted, failure: this.failure, sharedPage: this.sharedPage,
      plic: this.plic.getState(), virtio: this.virtio.map((t) => t.getState()), disk: this.disk?.getState() ?? null,
    };
  }

  /** Restores a saved VM; the image for a later reset is not part of the state. */
  setState(s: VmState): void {
    checkStateHeader(s, 'vm', VM_STATE_VERSION);
    if (s.mode !== this.mode) throw new RangeError(`saved VM is in '${s.mode}' mode, this VM is '${this.mode}'`);
    if ((s.disk === null) !== (this.disk === undefined)) {
      throw new RangeError(s.disk ? 'the saved VM has a disk and this one has none' : 'the saved VM has no disk and this one has one');
    }
    if (!Array.isArray(s.virtio) || s.virtio.length !== this.virtio.length) throw new RangeError('damaged VM state: virtio transports');
    checkPlicState(s.plic);
    this.ram.setState(s.ram);
    this.vcpu.setState(s.vcpu);
    this.uart.setState(s.uart);
    this.exits.setState(s.exits);
    this.console.set(s.console, s.consoleDropped);
    this.halted = s.halted;
    this.failure = s.failure;
    this.sharedPage = s.sharedPage;
    this.plic.setState(s.plic);
    s.virtio.forEach((t, i) => this.virtio[i]!.setState(t));
    if (s.disk) this.disk!.setState(s.disk);
    this.shadow?.reset();
    this.resetRequested = false;
    this.yieldRequested = false;
  }

  setImage(image: ProgramImage): void {
    this.image = image;
  }
}

/** SEIP, the supervisor external interrupt line (3.1.9). */
const SEIP = 9;

/** Guest RAM as the guest's own page-table walker sees it (shadow fills walk it). */
function guestPageTables(ram: Ram): PageTableMemory {
  return {
    readPte: (pa) => (pa < 2 ** 32 && ram.contains(pa, 4) ? ram.load(pa, 4) : -1),
    writePte: (pa, pte) => { if (ram.contains(pa, 4)) ram.store(pa, 4, pte); },
  };
}

function interruptName(cause: number): string {
  return causeName(cause, true);
}


