// The CLI's side of a volume (--volume HOSTDIR:PATH[:ro]): a real directory read with
// node:fs for the kernel's HostDirectory port (core/kernel/volume.ts).

import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostDirectory, HostEntry } from '../core/kernel/volume.ts';

export function hostDirectory(root: string): HostDirectory {
  if (!statSync(root).isDirectory()) throw new Error(`${root}: not a directory`);
  return {
    list(path: string): HostEntry[] {
      const out: HostEntry[] = [];
      for (const name of readdirSync(join(root, path)).sort()) {
        const st = lstatSync(join(root, path, name));
        const type = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
        if (type) out.push({ name, type, mode: st.mode & 0o7777 });
      }
      return out;
    },
    read: (path) => new Uint8Array(readFileSync(join(root, path))),
    readlink: (path) => readlinkSync(join(root, path)),
  };
}
