// A disk image behind a block device, copy-on-write: the base bytes (a shipped file system
// image, shared by every machine that boots it) are never modified; the first write to a
// 4 KiB block copies that block into this disk's own overlay. Saving a disk saves only the
// overlay plus a fingerprint of the base, so a snapshot is small and cannot be restored
// over a different image.

import { checkStateHeader } from '../isa/state-header.ts';

export const DISK_BLOCK = 4096;
export const DISK_STATE_VERSION = 1;

export interface DiskState {
  kind: 'disk';
  version: number;
  size: number;
  /** FNV-1a of the base image: restoring onto a different image is refused. */
  base: string;
  /** Blocks written since the base, as [block index, DISK_BLOCK bytes]. */
  blocks: Array<[number, Uint8Array]>;
}

export class DiskImage {
  private overlay = new Map<number, Uint8Array>();
  private fingerprint: string | undefined;

  constructor(private readonly base: Uint8Array) {}

  get size(): number {
    return this.base.length;
  }

  /** Copies `length` bytes at `offset` out of the disk (the caller checks the range). */
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const at = offset + done;
      const block = Math.floor(at / DISK_BLOCK);
      const within = at - block * DISK_BLOCK;
      const n = Math.min(length - done, DISK_BLOCK - within);
      const own = this.overlay.get(block);
      if (own) out.set(own.subarray(within, within + n), done);
      else out.set(this.base.subarray(at, at + n), done);
      done += n;
    }
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    for (let done = 0; done < data.length;) {
      const at = offset + done;
      const block = Math.floor(at / DISK_BLOCK);
      const within = at - block * DISK_BLOCK;
      const n = Math.min(data.length - done, DISK_BLOCK - within);
      this.ownBlock(block).set(data.subarray(done, done + n), within);
      done += n;
    }
  }

  /** The whole disk as it is now (for saving it to a file). */
  contents(): Uint8Array {
    return this.read(0, this.size);
  }

  private ownBlock(block: number): Uint8Array {
    let own = this.overlay.get(block);
    if (!own) {
      own = new Uint8Array(DISK_BLOCK);
      own.set(this.base.subarray(block * DISK_BLOCK, Math.min(this.size, (block + 1) * DISK_BLOCK)));
      this.overlay.set(block, own);
    }
    return own;
  }

  private baseFingerprint(): string {
    this.fingerprint ??= fnv1a(this.base);
    return this.fingerprint;
  }

  getState(): DiskState {
    const blocks: Array<[number, Uint8Array]> = [...this.overlay].sort((a, b) => a[0] - b[0]).map(([i, b]) => [i, b.slice()]);
    return { kind: 'disk', version: DISK_STATE_VERSION, size: this.size, base: this.baseFingerprint(), blocks };
  }

  setState(s: DiskState): void {
    checkStateHeader(s, 'disk', DISK_STATE_VERSION);
    if (s.size !== this.size || s.base !== this.baseFingerprint()) {
      throw new RangeError('the saved disk was made from a different disk image than this machine has');
    }
    const blocks = Array.isArray(s.blocks) ? s.blocks : [];
    const limit = Math.ceil(this.size / DISK_BLOCK);
    if (!blocks.every(([i, b]) => Number.isInteger(i) && i >= 0 && i < limit && b instanceof Uint8Array && b.length === DISK_BLOCK)) {
      throw new RangeError('damaged disk state');
    }
    this.overlay = new Map(blocks.map(([i, b]) => [i, b.slice()]));
  }
}

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}
