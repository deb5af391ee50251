// A split virtqueue (virtio 1.1 §2.6): the descriptor table, the available ring the driver
// fills and the used ring the device returns buffers on, all in guest RAM. The legacy
// layout (§2.6.2, virtio-mmio version 1) puts the three parts in one region at
// QueuePFN * GuestPageSize, the used ring aligned to QueueAlign; the modern one gives the
// three addresses separately.

import { checkStateHeader } from '../isa/state-header.ts';

/** Guest RAM as a DMA-capable device sees it (Ram implements it). */
export interface DmaMemory {
  contains(addr: number, length: number): boolean;
  read(addr: number, length: number): Uint8Array;
  write(addr: number, data: Uint8Array): void;
}

/** One buffer of a descriptor chain: `write` buffers are for the device to fill. */
export interface Buffer {
  addr: number;
  len: number;
  write: boolean;
}

export class VirtqueueError extends Error {
  override name = 'VirtqueueError';
}

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const DESC_F_INDIRECT = 4;
const AVAIL_F_NO_INTERRUPT = 1;
export const VIRTQUEUE_STATE_VERSION = 1;

export interface VirtqueueState {
  kind: 'virtqueue';
  version: number;
  num: number;
  ready: boolean;
  desc: number;
  avail: number;
  used: number;
  lastAvail: number;
  pfn: number;
  align: number;
}

export class Virtqueue {
  num = 0;
  ready = false;
  desc = 0;
  avail = 0;
  used = 0;
  /** The next available-ring slot the device will read. */
  lastAvail = 0;
  /** Legacy layout: page frame number and used-ring alignment. */
  pfn = 0;
  align = 4096;

  constructor(readonly maxSize: number) {}

  /** §4.2.4 (legacy): the whole queue at pfn * pageSize; 0 stops the queue. */
  placeLegacy(pfn: number, pageSize: number): void {
    this.pfn = pfn >>> 0;
    this.ready = this.pfn !== 0;
    if (!this.ready) { this.lastAvail = 0; return; }
    this.desc = (this.pfn * pageSize) >>> 0;
    this.avail = this.desc + 16 * this.num;
    const availEnd = this.avail + 6 + 2 * this.num;
    this.used = Math.ceil(availEnd / this.align) * this.align;
  }

  reset(): void {
    Object.assign(this, { num: 0, ready: false, desc: 0, avail: 0, used: 0, lastAvail: 0, pfn: 0, align: 4096 });
  }

  /** The next chain the driver made available, or null when there is none. */
  pop(mem: DmaMemory): { head: number; buffers: Buffer[] } | null {
    if (!this.ready || this.num === 0) return null;
    const availIdx = read16(mem, this.avail + 2);
    if (availIdx === this.lastAvail) return null;
    if (((availIdx - this.lastAvail) & 0xffff) > this.num) throw new VirtqueueError('available index moved past the queue size');
    const head = read16(mem, this.avail + 4 + 2 * (this.lastAvail % this.num));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return { head, buffers: this.chain(mem, head) };
  }

  /** Returns a chain to the driver with the number of bytes written into it. */
  push(mem: DmaMemory, head: number, written: number): void {
    const idx = read16(mem, this.used + 2);
    const elem = new Uint8Array(8);
    const view = new DataView(elem.buffer);
    view.setUint32(0, head, true);
    view.setUint32(4, written, true);
    write(mem, this.used + 4 + 8 * (idx % this.num), elem);
    write(mem, this.used + 2, Uint8Array.of(idx + 1, ((idx + 1) >>> 8) & 0xff));
  }

  /** §2.6.7: the driver may ask for no interrupt when buffers are used. */
  interruptSuppressed(mem: DmaMemory): boolean {
    return (read16(mem, this.avail) & AVAIL_F_NO_INTERRUPT) !== 0;
  }

  private chain(mem: DmaMemory, head: number): Buffer[] {
    const out: Buffer[] = [];
    let i = head;
    for (let steps = 0; ; steps++) {
      if (i >= this.num || steps >= this.num) throw new VirtqueueError(`descriptor chain from ${head} is broken or loops`);
      const d = mem.contains(this.desc + 16 * i, 16) ? mem.read(this.desc + 16 * i, 16) : null;
      if (!d) throw new VirtqueueError('descriptor table outside RAM');
      const v = new DataView(d.buffer);
      const addrHi = v.getUint32(4, true);
      const buf: Buffer = { addr: v.getUint32(0, true), len: v.getUint32(8, true), write: (v.getUint16(12, true) & DESC_F_WRITE) !== 0 };
      const flags = v.getUint16(12, true);
      if (flags & DESC_F_INDIRECT) throw new VirtqueueError('indirect descriptors were not offered');
      if (addrHi !== 0 || !mem.contains(buf.addr, buf.len)) throw new VirtqueueError(`buffer at 0x${buf.addr.toString(16)} is outside RAM`);
      out.push(buf);
      if (!(flags & DESC_F_NEXT)) return out;
      i = v.getUint16(14, true);
    }
  }

  getState(): VirtqueueState {
    const { num, ready, desc, avail, used, lastAvail, pfn, align } = this;
    return { kind: 'virtqueue', version: VIRTQUEUE_STATE_VERSION, num, ready, desc, avail, used, lastAvail, pfn, align };
  }

  setState(s: VirtqueueState): void {
    checkStateHeader(s, 'virtqueue', VIRTQUEUE_STATE_VERSION);
    const { num, ready, desc, avail, used, lastAvail, pfn, align } = s;
    if (![num, desc, avail, used, lastAvail, pfn, align].every((v) => Number.isInteger(v) && v >= 0) || num > this.maxSize) {
      throw new RangeError('damaged virtqueue state');
    }
    Object.assign(this, { num, ready: ready === true, desc, avail, used, lastAvail, pfn, align });
  }
}

function read16(mem: DmaMemory, addr: number): number {
  if (!mem.contains(addr, 2)) throw new VirtqueueError(`ring at 0x${addr.toString(16)} is outside RAM`);
  const b = mem.read(addr, 2);
  return b[0]! | (b[1]! << 8);
}

function write(mem: DmaMemory, addr: number, data: Uint8Array): void {
  if (!mem.contains(addr, data.length)) throw new VirtqueueError(`ring at 0x${addr.toString(16)} is outside RAM`);
  mem.write(addr, data);
}
