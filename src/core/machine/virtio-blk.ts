// The virtio block device (virtio 1.1 §5.2) over a DiskImage: one request queue, 512-byte
// sectors. A request is a chain: a 16-byte header the driver wrote (type, reserved,
// sector), the data buffers, and a last one-byte status the device writes.
// Offered features: VIRTIO_BLK_F_BLK_SIZE and VIRTIO_BLK_F_FLUSH; no indirect
// descriptors, no event index, so the ring rules stay those of §2.6.

import type { AccessWidth } from '../isa/memory.ts';
import type { DiskImage } from './disk-image.ts';
import type { Buffer, DmaMemory } from './virtqueue.ts';
import type { VirtioDevice } from './virtio-mmio.ts';

export const SECTOR = 512;
const T_IN = 0;
const T_OUT = 1;
const T_FLUSH = 4;
const T_GET_ID = 8;
const S_OK = 0;
const S_IOERR = 1;
const S_UNSUPP = 2;
const F_BLK_SIZE = 1 << 6;
const F_FLUSH = 1 << 9;
const DEVICE_ID = 'trapdoor-virtio-blk';

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = 2;
  readonly queues = 1;
  /** Sectors read and written since the machine started, for the lab's figures. */
  readonly counts = { reads: 0, writes: 0 };

  constructor(readonly disk: DiskImage) {}

  features(word: number): number {
    return word === 0 ? F_BLK_SIZE | F_FLUSH : 0;
  }

  /** §5.2.4: capacity (64-bit, in sectors) at 0, blk_size at 20. */
  readConfig(offset: number, width: AccessWidth): number {
    const config = new Uint8Array(24);
    const view = new DataView(config.buffer);
    const sectors = Math.floor(this.disk.size / SECTOR);
    view.setUint32(0, sectors >>> 0, true);
    view.setUint32(4, Math.floor(sectors / 2 ** 32), true);
    view.setUint32(20, SECTOR, true);
    if (offset < 0 || offset + width > config.length) return 0;
    return width === 1 ? view.getUint8(offset) : width === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
  }

  serve(_queue: number, buffers: Buffer[], mem: DmaMemory): number {
    const readable = buffers.filter((b) => !b.write);
    const writable = buffers.filter((b) => b.write);
    const status = writable[writable.length - 1];
    if (!status || status.len < 1) return 0; // nowhere to say anything: drop it
    const into = [...writable.slice(0, -1), { ...status, len: status.len - 1 }].filter((b) => b.len > 0);
    const done = (code: number) => this.finish(mem, status, code, writable);
    const header = gather(mem, readable, 0, 16);
    if (header.length < 16) return done(S_IOERR);
    const view = new DataView(header.buffer);
    const type = view.getUint32(0, true);
    const sector = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32;
    switch (type) {
      case T_IN: {
        const length = into.reduce((n, b) => n + b.len, 0);
        if (!this.inRange(sector, length)) return done(S_IOERR);
        scatter(mem, into, this.disk.read(sector * SECTOR, length));
        this.counts.reads += length / SECTOR;
        return done(S_OK);
      }
      case T_OUT: {
        const total = readable.reduce((n, b) => n + b.len, 0);
        const data = gather(mem, readable, 16, total - 16);
        if (!this.inRange(sector, data.length)) return done(S_IOERR);
        this.disk.write(sector * SECTOR, data);
        this.counts.writes += data.length / SECTOR;
        return done(S_OK);
      }
      case T_FLUSH: return done(S_OK);
      case T_GET_ID: {
        const id = new Uint8Array(20);
        for (let i = 0; i < Math.min(20, DEVICE_ID.length); i++) id[i] = DEVICE_ID.charCodeAt(i);
        scatter(mem, into, id.subarray(0, Math.min(20, into.reduce((n, b) => n + b.len, 0))));
        return done(S_OK);
      }
      default: return done(S_UNSUPP);
    }
  }

  private inRange(sector: number, length: number): boolean {
    return length % SECTOR === 0 && (sector * SECTOR) + length <= this.disk.size;
  }

  /**
   * The status byte goes at the end of the last writable buffer. The used length is every
   * writable byte of the chain, whatever the outcome, as QEMU reports it.
   */
  private finish(mem: DmaMemory, status: Buffer, code: number, writable: Buffer[]): number {
    mem.write(status.addr + status.len - 1, Uint8Array.of(code));
    return writable.reduce((n, b) => n + b.len, 0);
  }
}

/** `length` bytes of the chain's readable buffers, starting `skip` bytes in. */
function gather(mem: DmaMemory, buffers: Buffer[], skip: number, length: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, length));
  let at = 0;
  for (const b of buffers) {
    const from = Math.max(0, skip - at);
    const n = Math.min(b.len - from, out.length - Math.max(0, at - skip));
    if (from < b.len && n > 0) out.set(mem.read(b.addr + from, n), Math.max(0, at - skip));
    at += b.len;
  }
  return out.subarray(0, Math.min(out.length, Math.max(0, at - skip)));
}

function scatter(mem: DmaMemory, buffers: Buffer[], data: Uint8Array): void {
  let at = 0;
  for (const b of buffers) {
    if (at >= data.length) return;
    const n = Math.min(b.len, data.length - at);
    mem.write(b.addr, data.subarray(at, at + n));
    at += n;
  }
}
