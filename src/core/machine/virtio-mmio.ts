// The virtio-mmio transport (virtio 1.1 §4.2), as QEMU virt places eight of them from
// 0x10001000 (one per 0x1000, PLIC sources 1..8). Both register layouts exist:
// version 1 ("legacy", §4.2.4: GuestPageSize, QueueAlign, QueuePFN), the one teaching
// kernels such as xv6 use and QEMU's default, and version 2 ("modern", §4.2.2: QueueReady
// and 64-bit queue addresses, VIRTIO_F_VERSION_1 offered). A transport without a device
// answers magic, version and vendor with device id 0, as QEMU's empty slots do.
//
// Requests complete synchronously when the driver notifies: each completed chain goes on
// the used ring and raises the interrupt (InterruptStatus bit 0) unless the driver
// suppressed it; the line stays up until the driver acknowledges (§4.2.2 InterruptACK).

import type { AccessWidth } from '../isa/memory.ts';
import { checkStateHeader } from '../isa/state-header.ts';
import type { MmioDevice } from './device.ts';
import { Virtqueue, VirtqueueError, type Buffer, type DmaMemory, type VirtqueueState } from './virtqueue.ts';

export const VIRTIO_MMIO_BASE = 0x1000_1000;
export const VIRTIO_MMIO_STRIDE = 0x1000;
export const VIRTIO_MMIO_SLOTS = 8;
export const VIRTIO_MMIO_STATE_VERSION = 1;
export type VirtioLayout = 'legacy' | 'modern';

const MAGIC = 0x74726976; // "virt"
const VENDOR = 0x554d4551; // "QEMU", as QEMU's transports report
const QUEUE_MAX = 1024; // QEMU's VIRTQUEUE_MAX_SIZE
/** Feature bit 32, VIRTIO_F_VERSION_1 (§6): a modern device must offer it. */
const F_VERSION_1_HIGH = 1;
const STATUS_NEEDS_RESET = 0x40;
const INT_USED = 1;

const R = {
  MAGIC: 0x000, VERSION: 0x004, DEVICE_ID: 0x008, VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010, DEVICE_FEATURES_SEL: 0x014, DRIVER_FEATURES: 0x020, DRIVER_FEATURES_SEL: 0x024,
  GUEST_PAGE_SIZE: 0x028, QUEUE_SEL: 0x030, QUEUE_NUM_MAX: 0x034, QUEUE_NUM: 0x038, QUEUE_ALIGN: 0x03c,
  QUEUE_PFN: 0x040, QUEUE_READY: 0x044, QUEUE_NOTIFY: 0x050, INTERRUPT_STATUS: 0x060, INTERRUPT_ACK: 0x064,
  STATUS: 0x070, QUEUE_DESC_LOW: 0x080, QUEUE_DESC_HIGH: 0x084, QUEUE_DRIVER_LOW: 0x090, QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0, QUEUE_DEVICE_HIGH: 0x0a4, CONFIG_GENERATION: 0x0fc, CONFIG: 0x100,
} as const;

/** What sits behind a transport: a block device, say (virtio 1.1 §5). */
export interface VirtioDevice {
  readonly deviceId: number;
  readonly queues: number;
  /** Device feature bits 32*word..32*word+31 (VERSION_1 is the transport's to add). */
  features(word: number): number;
  /** Device configuration space (§4.2.2 Config), read at offset from 0x100. */
  readConfig(offset: number, width: AccessWidth): number;
  /** Serves one chain from queue `queue`; returns the bytes it wrote into the chain. */
  serve(queue: number, buffers: Buffer[], mem: DmaMemory): number;
}

export interface VirtioMmioState {
  kind: 'virtio-mmio';
  version: number;
  status: number;
  deviceFeaturesSel: number;
  driverFeatures: number[];
  driverFeaturesSel: number;
  guestPageSize: number;
  queueSel: number;
  interruptStatus: number;
  queues: VirtqueueState[];
}

export class VirtioMmio implements MmioDevice {
  readonly name: string;
  readonly size = 0x200;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeatures = [0, 0];
  private driverFeaturesSel = 0;
  private guestPageSize = 4096;
  private queueSel = 0;
  private interruptStatus = 0;
  private readonly queues: Virtqueue[];
  /** Requests served since reset, for the lab's figures. */
  requests = 0;

  constructor(
    readonly base: number,
    private readonly layout: VirtioLayout,
    private readonly device: VirtioDevice | null,
    private readonly mem: DmaMemory,
    private readonly setIrq: (level: boolean) => void,
  ) {
    this.name = device ? `virtio-mmio@${base.toString(16)}` : `virtio-mmio@${base.toString(16)} (empty)`;
    this.queues = Array.from({ length: device?.queues ?? 0 }, () => new Virtqueue(QUEUE_MAX));
  }

  read(offset: number, width: AccessWidth): number {
    if (offset >= R.CONFIG) return this.device ? this.device.readConfig(offset - R.CONFIG, width) : 0;
    if (width !== 4 || offset & 3) return 0; // §4.2.2: the registers are 32-bit
    const q = this.queues[this.queueSel];
    const legacy = this.layout === 'legacy';
    switch (offset) {
      case R.MAGIC: return MAGIC;
      case R.VERSION: return legacy ? 1 : 2;
      case R.DEVICE_ID: return this.device?.deviceId ?? 0;
      case R.VENDOR_ID: return VENDOR;
      case R.DEVICE_FEATURES: return this.deviceFeatures(this.deviceFeaturesSel);
      case R.QUEUE_NUM_MAX: return q ? QUEUE_MAX : 0;
      case R.QUEUE_PFN: return legacy && q ? q.pfn : 0;
      case R.QUEUE_READY: return !legacy && q?.ready ? 1 : 0;
      case R.INTERRUPT_STATUS: return this.interruptStatus;
      case R.STATUS: return this.status;
      case R.CONFIG_GENERATION: return 0;
      default: return 0;
    }
  }

  write(offset: number, width: AccessWidth, value: number): void {
    if (offset >= R.CONFIG || width !== 4 || offset & 3 || !this.device) return;
    const v = value >>> 0;
    const q = this.queues[this.queueSel];
    const legacy = this.layout === 'legacy';
    switch (offset) {
      case R.DEVICE_FEATURES_SEL: this.deviceFeaturesSel = v; return;
      case R.DRIVER_FEATURES: if (this.driverFeaturesSel < 2) this.driverFeatures[this.driverFeaturesSel] = v; return;
      case R.DRIVER_FEATURES_SEL: this.driverFeaturesSel = v; return;
      case R.GUEST_PAGE_SIZE: if (legacy) this.guestPageSize = v; return;
      case R.QUEUE_SEL: this.queueSel = v; return;
      case R.QUEUE_NUM: if (q && v <= QUEUE_MAX) q.num = v; return;
      case R.QUEUE_ALIGN: if (legacy && q) q.align = v || 4096; return;
      case R.QUEUE_PFN: if (legacy && q) q.placeLegacy(v, this.guestPageSize); return;
      case R.QUEUE_READY: if (!legacy && q) q.ready = (v & 1) !== 0; return;
      case R.QUEUE_DESC_LOW: if (!legacy && q) q.desc = v; return;
      case R.QUEUE_DRIVER_LOW: if (!legacy && q) q.avail = v; return;
      case R.QUEUE_DEVICE_LOW: if (!legacy && q) q.used = v; return;
      case R.QUEUE_NOTIFY: this.notify(v); return;
      case R.INTERRUPT_ACK: this.interruptStatus &= ~v; this.setIrq(this.interruptStatus !== 0); return;
      case R.STATUS: if (v === 0) this.reset(); else this.status = v & 0xff; return;
      default: return; // the high halves of the queue addresses: RAM is below 4 GiB
    }
  }

  private deviceFeatures(word: number): number {
    if (!this.device) return 0;
    if (this.layout === 'legacy') return word === 0 ? this.device.features(0) >>> 0 : 0;
    return (this.device.features(word) | (word === 1 ? F_VERSION_1_HIGH : 0)) >>> 0;
  }

  /** §4.2.3.3: the driver tells the device a queue has new buffers. */
  private notify(index: number): void {
    const q = this.queues[index];
    if (!q || !this.device || this.status & STATUS_NEEDS_RESET) return;
    try {
      for (let chain = q.pop(this.mem); chain; chain = q.pop(this.mem)) {
        const written = this.device.serve(index, chain.buffers, this.mem);
        q.push(this.mem, chain.head, written);
        this.requests++;
        if (!q.interruptSuppressed(this.mem)) this.interruptStatus |= INT_USED;
      }
    } catch (e) {
      if (!(e instanceof VirtqueueError)) throw e;
      // §2.1.2: a device that meets an error the driver caused sets DEVICE_NEEDS_RESET.
      this.status |= STATUS_NEEDS_RESET;
    }
    this.setIrq(this.interruptStatus !== 0);
  }

  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = 0;
    this.driverFeatures = [0, 0];
    this.driverFeaturesSel = 0;
    this.guestPageSize = 4096;
    this.queueSel = 0;
    this.interruptStatus = 0;
    for (const q of this.queues) q.reset();
    this.setIrq(false);
  }

  getState(): VirtioMmioState {
    return {
      kind: 'virtio-mmio', version: VIRTIO_MMIO_STATE_VERSION, status: this.status, deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeatures: [...this.driverFeatures], driverFeaturesSel: this.driverFeaturesSel, guestPageSize: this.guestPageSize,
      queueSel: this.queueSel, interruptStatus: this.interruptStatus, queues: this.queues.map((q) => q.getState()),
    };
  }

  setState(s: VirtioMmioState): void {
    checkStateHeader(s, 'virtio-mmio', VIRTIO_MMIO_STATE_VERSION);
    if (!Array.isArray(s.queues) || s.queues.length !== this.queues.length || !Array.isArray(s.driverFeatures)) {
      throw new RangeError('saved virtio-mmio transport has a different device');
    }
    s.queues.forEach((qs, i) => this.queues[i]!.setState(qs));
    this.status = s.status >>> 0;
    this.deviceFeaturesSel = s.deviceFeaturesSel >>> 0;
    this.driverFeatures = [s.driverFeatures[0]! >>> 0, s.driverFeatures[1]! >>> 0];
    this.driverFeaturesSel = s.driverFeaturesSel >>> 0;
    this.guestPageSize = s.guestPageSize >>> 0;
    this.queueSel = s.queueSel >>> 0;
    this.interruptStatus = s.interruptStatus >>> 0;
    this.setIrq(this.interruptStatus !== 0);
  }
}
