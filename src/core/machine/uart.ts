// NS16550A UART at 0x10000000, as on QEMU's virt board (register layout from the
// National Semiconductor PC16550D datasheet). Transmission is instantaneous: a byte
// written to THR goes straight to the console port, so LSR always shows THRE and TEMT.
// Received bytes wait in a FIFO; with IER.ERBFI set, a non-empty FIFO drives the
// interrupt line, which is PLIC source 10 on the bare machine (machine.ts) and the vCPU's
// external interrupt under the hypervisor.

import type { AccessWidth } from '../isa/memory.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import type { ConsolePort, MmioDevice } from './device.ts';

export const UART_BASE = 0x1000_0000;
export const UART_STATE_VERSION = 1;

const REG_DATA = 0; // RBR (read) / THR (write) / DLL with DLAB
const REG_IER = 1; // IER / DLM with DLAB
const REG_IIR = 2; // IIR (read) / FCR (write)
const REG_LCR = 3;
const REG_MCR = 4;
const REG_LSR = 5;
const REG_MSR = 6;
const REG_SCR = 7;

const IER_ERBFI = 1; // received data available
const IER_ETBEI = 2; // transmitter holding register empty
const LCR_DLAB = 0x80;
const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const IIR_NONE = 0x01;
const IIR_THRE = 0x02;
const IIR_RDA = 0x04;
const IIR_FIFO = 0xc0;
const RX_FIFO_LIMIT = 4096;

export interface UartState {
  kind: 'uart';
  version: number;
  rx: number[];
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  dll: number;
  dlm: number;
  thrInterrupt: boolean;
}

export class Uart implements MmioDevice {
  readonly name = 'ns16550a';
  readonly size = 0x100;
  private rx: number[] = [];
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  /** The THR-empty interrupt is pending until IIR reports it or THR is written. */
  private thrInterrupt = false;
  /** Called when the guest reads the last received byte (a keyboard may press the next key). */
  onDrained: (() => void) | null = null;

  constructor(
    private readonly console: ConsolePort | undefined,
    private readonly setIrq: (level: boolean) => void,
    readonly base: number = UART_BASE,
  ) {}

  /** Received bytes the guest has not read yet. */
  get pending(): number {
    return this.rx.length;
  }

  /** Host input: queue bytes for the guest to read from RBR. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) if (this.rx.length < RX_FIFO_LIMIT) this.rx.push(b);
    this.updateIrq();
  }

  read(offset: number, _width: AccessWidth): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case REG_DATA: {
        if (dlab) return this.dll;
        const had = this.rx.length > 0;
        const b = this.rx.shift() ?? 0;
        if (had && this.rx.length === 0) this.onDrained?.();
        this.updateIrq();
        return b;
      }
      case REG_IER: return dlab ? this.dlm : this.ier;
      case REG_IIR: return this.readIir();
      case REG_LCR: return this.lcr;
      case REG_MCR: return this.mcr;
      case REG_LSR: return LSR_THRE | LSR_TEMT | (this.rx.length > 0 ? LSR_DR : 0);
      case REG_MSR: return 0xb0; // DCD, DSR and CTS asserted: a modem is "connected"
      case REG_SCR: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _width: AccessWidth, value: number): void {
    const v = value & 0xff;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case REG_DATA:
        if (dlab) { this.dll = v; return; }
        this.console?.write(Uint8Array.of(v));
        this.thrInterrupt = (this.ier & IER_ETBEI) !== 0;
        break;
      case REG_IER:
        if (dlab) { this.dlm = v; return; }
        if (!(this.ier & IER_ETBEI) && (v & IER_ETBEI)) this.thrInterrupt = true;
        this.ier = v & 0x0f;
        break;
      case REG_LCR: this.lcr = v; return;
      case REG_MCR: this.mcr = v & 0x1f; return;
      case REG_SCR: this.scr = v; return;
      default: return; // FCR and the read-only registers: accepted, no effect
    }
    this.updateIrq();
  }

  private readIir(): number {
    if ((this.ier & IER_ERBFI) && this.rx.length > 0) return IIR_FIFO | IIR_RDA;
    if ((this.ier & IER_ETBEI) && this.thrInterrupt) {
      this.thrInterrupt = false; // reading IIR acknowledges THR empty
      this.updateIrq();
      return IIR_FIFO | IIR_THRE;
    }
    return IIR_FIFO | IIR_NONE;
  }

  private updateIrq(): void {
    const rx = (this.ier & IER_ERBFI) !== 0 && this.rx.length > 0;
    const tx = (this.ier & IER_ETBEI) !== 0 && this.thrInterrupt;
    this.setIrq(rx || tx);
  }

  reset(): void {
    this.setState({
      kind: 'uart', version: UART_STATE_VERSION, rx: [], ier: 0, lcr: 0, mcr: 0, scr: 0,
      dll: 0, dlm: 0, thrInterrupt: false,
    });
  }

  getState(): UartState {
    const { ier, lcr, mcr, scr, dll, dlm, thrInterrupt } = this;
    return { kind: 'uart', version: UART_STATE_VERSION, rx: [...this.rx], ier, lcr, mcr, scr, dll, dlm, thrInterrupt };
  }

  setState(s: UartState): void {
    checkStateHeader(s, 'uart', UART_STATE_VERSION);
    Object.assign(this, { ier: s.ier, lcr: s.lcr, mcr: s.mcr, scr: s.scr, dll: s.dll, dlm: s.dlm });
    this.thrInterrupt = s.thrInterrupt;
    this.rx = [...s.rx];
    this.updateIrq();
  }
}
