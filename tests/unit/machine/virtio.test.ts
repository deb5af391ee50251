// The virtio-mmio block device against virtio 1.1 §4.2 (MMIO transport, both layouts),
// §2.6 (split virtqueues) and §5.2 (block device), driven through the bus the way a
// driver does: negotiate, place the queue, post a request chain, notify, read the used
// ring, take the interrupt through the PLIC, acknowledge.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../../src/core/machine/machine.ts';
import { DiskImage } from '../../../src/core/machine/disk-image.ts';
import type { VirtioLayout } from '../../../src/core/machine/virtio-mmio.ts';

const BASE = 0x10001000;
const REG = {
  MAGIC: 0x00, VERSION: 0x04, DEVICE_ID: 0x08, VENDOR: 0x0c, FEATURES: 0x10, FEATURES_SEL: 0x14,
  DRIVER_FEATURES: 0x20, PAGE_SIZE: 0x28, QUEUE_SEL: 0x30, QUEUE_NUM_MAX: 0x34, QUEUE_NUM: 0x38, QUEUE_ALIGN: 0x3c,
  QUEUE_PFN: 0x40, QUEUE_READY: 0x44, NOTIFY: 0x50, INT_STATUS: 0x60, INT_ACK: 0x64, STATUS: 0x70,
  DESC: 0x80, DRIVER: 0x90, DEVICE: 0xa0, CONFIG: 0x100,
};
const QUEUE = 0x80010000; // the queue's pages
const HEADER = 0x80020000;
const DATA = 0x80020100;
const STATUS_BYTE = 0x80020080;
const NUM = 8;

function disk(sectors: number): Uint8Array {
  const d = new Uint8Array(sectors * 512);
  for (let s = 0; s < sectors; s++) d.fill(s & 0xff, s * 512, s * 512 + 512);
  return d;
}

function setup(layout: VirtioLayout, image: Uint8Array | DiskImage = disk(16)) {
  const m = new Machine({ ramSize: 1 << 20, disk: image, virtio: layout });
  const rd = (off: number, base = BASE) => m.bus.load(base + off, 4);
  const wr = (off: number, v: number) => expect(m.bus.store(BASE + off, 4, v)).toBe(0);
  const w32 = (a: number, v: number) => m.ram.store(a, 4, v);
  const w16 = (a: number, v: number) => m.ram.store(a, 2, v);
  const r16 = (a: number) => m.ram.load(a, 2);
  // Places queue 0: legacy at one PFN (used ring on the next 4 KiB page), modern by address.
  const desc = QUEUE;
  const avail = QUEUE + 16 * NUM;
  const used = layout === 'legacy' ? QUEUE + 4096 : QUEUE + 2048;
  wr(REG.STATUS, 1 | 2); // ACKNOWLEDGE | DRIVER
  wr(REG.DRIVER_FEATURES, 0);
  wr(REG.STATUS, 1 | 2 | 8); // FEATURES_OK
  wr(REG.QUEUE_SEL, 0);
  wr(REG.QUEUE_NUM, NUM);
  if (layout === 'legacy') {
    wr(REG.PAGE_SIZE, 4096);
    wr(REG.QUEUE_ALIGN, 4096);
    wr(REG.QUEUE_PFN, QUEUE >>> 12);
  } else {
    wr(REG.DESC, desc);
    wr(REG.DRIVER, avail);
    wr(REG.DEVICE, used);
    wr(REG.QUEUE_READY, 1);
  }
  wr(REG.STATUS, 1 | 2 | 8 | 4); // DRIVER_OK
  let availIdx = 0;
  /** Posts header + data + status as descriptors 0, 1, 2 and notifies queue 0. */
  const request = (type: number, sector: number, dataLen: number, deviceWrites: boolean) => {
    w32(HEADER, type); w32(HEADER + 4, 0); w32(HEADER + 8, sector); w32(HEADER + 12, 0);
    const d = (i: number, addr: number, len: number, flags: number, next: number) => {
      w32(desc + 16 * i, addr); w32(desc + 16 * i + 4, 0); w32(desc + 16 * i + 8, len); w16(desc + 16 * i + 12, flags); w16(desc + 16 * i + 14, next);
    };
    d(0, HEADER, 16, 1, 1);
    d(1, DATA, dataLen, 1 | (deviceWrites ? 2 : 0), 2);
    d(2, STATUS_BYTE, 1, 2, 0);
    m.ram.store(STATUS_BYTE, 1, 0xff);
    w16(avail + 4 + 2 * (availIdx % NUM), 0);
    availIdx++;
    w16(avail + 2, availIdx);
    wr(REG.NOTIFY, 0);
  };
  const usedElem = (i: number) => [m.ram.load(used + 4 + 8 * i, 4), m.ram.load(used + 8 + 8 * i, 4)];
  return { m, rd, wr, request, usedIdx: () => r16(used + 2), usedElem, avail };
}

describe('virtio-mmio transports (QEMU virt: 0x10001000 + 0x1000 * n)', () => {
  it('empty slots answer magic, version and vendor with device id 0', () => {
    for (const layout of ['legacy', 'modern'] as const) {
      const m = new Machine({ ramSize: 1 << 20, virtio: layout });
      for (let slot = 0; slot < 8; slot++) {
        const base = BASE + 0x1000 * slot;
        expect([m.bus.load(base, 4), m.bus.load(base + 4, 4), m.bus.load(base + 8, 4), m.bus.load(base + 12, 4)])
          .toEqual([0x74726976, layout === 'legacy' ? 1 : 2, 0, 0x554d4551]);
      }
    }
  });

  it('the block device identifies itself and reports its capacity in sectors', () => {
    const { rd } = setup('legacy', disk(40));
    expect([rd(REG.MAGIC), rd(REG.VERSION), rd(REG.DEVICE_ID)]).toEqual([0x74726976, 1, 2]);
    expect([rd(REG.CONFIG), rd(REG.CONFIG + 4), rd(REG.CONFIG + 0x14)]).toEqual([40, 0, 512]);
    expect(rd(REG.QUEUE_NUM_MAX)).toBeGreaterThanOrEqual(8);
  });

  it('modern devices offer VIRTIO_F_VERSION_1 (feature bit 32); legacy ones have no high word', () => {
    const modern = setup('modern');
    modern.wr(REG.FEATURES_SEL, 1);
    expect(modern.rd(REG.FEATURES) & 1).toBe(1);
    const legacy = setup('legacy');
    legacy.wr(REG.FEATURES_SEL, 1);
    expect(legacy.rd(REG.FEATURES)).toBe(0);
  });

  for (const layout of ['legacy', 'modern'] as const) {
    describe(layout, () => {
      it('reads a sector into the guest, fills the used ring and interrupts through PLIC source 1', () => {
        const { m, rd, wr, request, usedIdx, usedElem } = setup(layout);
        m.bus.store(0x0c000004, 4, 1); // priority of source 1
        m.bus.store(0x0c002000, 4, 1 << 1); // enabled for context 0
        request(0, 3, 1024, true);
        expect(usedIdx()).toBe(1);
        expect(usedElem(0)).toEqual([0, 1025]); // head 0, every writable byte: 1024 of data + the status byte
        expect(m.ram.load(STATUS_BYTE, 1)).toBe(0);
        expect([...m.ram.read(DATA, 1024)].every((b, i) => b === (i < 512 ? 3 : 4))).toBe(true);
        expect(rd(REG.INT_STATUS)).toBe(1);
        expect(m.cpu.csr.mip() & (1 << 11)).not.toBe(0);
        expect(m.bus.load(0x0c200004, 4)).toBe(1); // claim
        wr(REG.INT_ACK, 1);
        m.bus.store(0x0c200004, 4, 1); // complete
        expect(rd(REG.INT_STATUS)).toBe(0);
        expect(m.cpu.csr.mip() & (1 << 11)).toBe(0);
      });

      it('writes go to the disk copy-on-write: the shared image is untouched', () => {
        const base = disk(16);
        const { m, request } = setup(layout, base);
        m.ram.write(DATA, new Uint8Array(512).fill(0xab));
        request(1, 5, 512, false);
        expect(m.ram.load(STATUS_BYTE, 1)).toBe(0);
        expect(base[5 * 512]).toBe(5);
        expect(m.disk!.read(5 * 512, 512).every((b) => b === 0xab)).toBe(true);
        request(0, 5, 512, true);
        expect(m.ram.load(DATA + 100, 1)).toBe(0xab);
      });

      it('answers a read past the end with VIRTIO_BLK_S_IOERR and an unknown type with UNSUPP', () => {
        const { m, request } = setup(layout, disk(4));
        request(0, 4, 512, true);
        expect(m.ram.load(STATUS_BYTE, 1)).toBe(1);
        request(99, 0, 512, true);
        expect(m.ram.load(STATUS_BYTE, 1)).toBe(2);
      });

      it('a descriptor loop sets DEVICE_NEEDS_RESET instead of hanging', () => {
        const { m, rd, wr, avail } = setup(layout);
        m.ram.store(QUEUE + 14, 2, 0); // descriptor 0 points at itself
        m.ram.store(QUEUE + 12, 2, 1);
        m.ram.store(avail + 4, 2, 0);
        m.ram.store(avail + 2, 2, 1);
        wr(REG.NOTIFY, 0);
        expect(rd(REG.STATUS) & 0x40).toBe(0x40);
        wr(REG.STATUS, 0); // reset clears it
        expect(rd(REG.STATUS)).toBe(0);
      });
    });
  }

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT', () => {
    const { m, rd, request, avail } = setup('legacy');
    m.ram.store(avail, 2, 1);
    request(0, 0, 512, true);
    expect(m.ram.load(STATUS_BYTE, 1)).toBe(0);
    expect(rd(REG.INT_STATUS)).toBe(0);
  });

  it('saves the disk with the machine and refuses to restore it over another image', () => {
    const base = disk(16);
    const { m, request } = setup('legacy', base);
    m.ram.write(DATA, new Uint8Array(512).fill(0x5a));
    request(1, 2, 512, false);
    const saved = structuredClone(m.getState());
    expect(saved.disk!.blocks.length).toBe(1); // only the written 4 KiB block
    const again = new Machine({ ramSize: 1 << 20, disk: new DiskImage(base) });
    again.setState(saved);
    expect(again.disk!.read(2 * 512, 4)).toEqual(Uint8Array.of(0x5a, 0x5a, 0x5a, 0x5a));
    expect(again.bus.load(BASE + REG.QUEUE_PFN, 4)).toBe(QUEUE >>> 12);
    const other = new Machine({ ramSize: 1 << 20, disk: disk(16).fill(7) });
    expect(() => other.setState(saved)).toThrow(/different disk image/);
    expect(() => new Machine({ ramSize: 1 << 20 }).setState(saved)).toThrow(/has a disk and this one has none/);
  });
});
