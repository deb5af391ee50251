// Container images: "distributions" of the one kernel. An image is a stack of read-only
// layers (directory trees sealed in the host filesystem); a container's root is an overlay
// on them. Every image shares the base layer with the programs, so their code pages are
// shared by every container (counted once); only /etc/os-release and friends differ.

import { assemble } from '../asm/assembler.ts';
import { utf8Encode } from './bytes.ts';
import type { Inode } from './fs/inode.ts';
import { IMAGE_LAYERS_DIR } from './fs/mem-fs.ts';
import type { Kernel } from './kernel.ts';
import { PROGRAM_SOURCES } from './programs/index.ts';

export interface Image {
  repository: string;
  tag: string;
  /** 12 hex digits, as docker shows image ids. */
  id: string;
  /** Topmost first. */
  layers: Inode[];
  /** PRETTY_NAME from /etc/os-release. */
  os: string;
  sizeBytes: number;
}

interface Distribution {
  repository: string;
  tag: string;
  osRelease: Record<string, string>;
  issue: string;
}

const DISTRIBUTIONS: Distribution[] = [
  {
    repository: 'alpine', tag: '3.20',
    osRelease: { NAME: 'Alpine Linux', ID: 'alpine', VERSION_ID: '3.20.3', PRETTY_NAME: 'Alpine Linux v3.20', HOME_URL: 'https://alpinelinux.org/' },
    issue: 'Welcome to Alpine Linux 3.20\n',
  },
  {
    repository: 'debian', tag: '12',
    osRelease: { PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', NAME: 'Debian GNU/Linux', VERSION_ID: '12', VERSION: '12 (bookworm)', VERSION_CODENAME: 'bookworm', ID: 'debian', HOME_URL: 'https://www.debian.org/' },
    issue: 'Debian GNU/Linux 12 \\n \\l\n',
  },
];

const LAYERS = IMAGE_LAYERS_DIR;

/** A short deterministic id from a name (FNV-1a), shown like docker's image ids. */
export function shortId(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ name.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}

function treeSize(node: Inode): number {
  if (node.type !== 'dir') return node.size;
  let n = 0;
  for (const [name, child] of node.entries!) if (name !== '..') n += treeSize(child);
  return n;
}

export class ImageStore {
  private readonly list: Image[] = [];

  constructor(private readonly k: Kernel) {
    const base = this.baseLayer();
    for (const d of DISTRIBUTIONS) {
      const layer = this.distroLayer(d);
      const layers = [layer, base];
      this.list.push({
        repository: d.repository, tag: d.tag, id: shortId(`${d.repository}:${d.tag}`), layers,
        os: d.osRelease.PRETTY_NAME!, sizeBytes: layers.reduce((n, l) => n + treeSize(l), 0),
      });
    }
  }

  images(): Image[] {
    return [...this.list];
  }

  /** "alpine", "alpine:3.20", "alpine:latest" or an image id; undefined if unknown. */
  find(ref: string): Image | undefined {
    const [repo, tag] = ref.split(':') as [string, string | undefined];
    return this.list.find((i) => i.id === ref || (i.repository === repo && (!tag || tag === 'latest' || tag === i.tag)));
  }

  /** The programs every image shares, assembled once with Trapdoor's assembler. */
  private baseLayer(): Inode {
    const fs = this.k.fs;
    const root = fs.mkdirs(`${LAYERS}/base`);
    for (const [name, source] of Object.entries(PROGRAM_SOURCES)) {
      const r = assemble(source, { file: `${name}.s`, textBase: 0x10000 });
      if (!r.image || !r.elf) throw new Error(`image program ${name} does not assemble: ${r.diagnostics[0]?.message}`);
      this.k.installProgram(`${LAYERS}/base/bin/${name}`, r.elf, r.image);
    }
    fs.mkdirs(`${LAYERS}/base/tmp`).perm = 0o1777;
    fs.mkdirs(`${LAYERS}/base/root`).perm = 0o700;
    fs.writeFile(`${LAYERS}/base/etc/passwd`, utf8Encode('root:x:0:0:root:/root:/bin/sh\n'));
    fs.seal(root);
    return root;
  }

  private distroLayer(d: Distribution): Inode {
    const fs = this.k.fs;
    const dir = `${LAYERS}/${d.repository}-${d.tag}`;
    const root = fs.mkdirs(dir);
    const release = Object.entries(d.osRelease).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n';
    fs.writeFile(`${dir}/etc/os-release`, utf8Encode(release));
    fs.writeFile(`${dir}/etc/issue`, utf8Encode(d.issue));
    fs.seal(root);
    return root;
  }
}
