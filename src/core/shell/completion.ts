// Tab completion: the first word of a command completes to a command name (built-ins and
// programs on $PATH), any other word to a file name, read through the kernel port.

import type { Completion } from './line-editor.ts';
import type { DirEntry, KernelPort } from '../kernel/kernel-port.ts';

export interface CompletionSource {
  port: KernelPort;
  commandNames(): string[];
  path(): string;
}

export function complete(source: CompletionSource, line: string, cursor: number): Completion {
  const before = line.slice(0, cursor);
  const from = before.search(/[^\s;&|<>]*$/);
  const word = before.slice(from);
  const isCommand = /(^|[;&|])\s*$/.test(before.slice(0, from));
  const candidates = isCommand && !word.includes('/') ? commandCandidates(source, word) : fileCandidates(source.port, word);
  return { from, candidates: [...new Set(candidates)].sort() };
}

function commandCandidates(source: CompletionSource, word: string): string[] {
  const names = [...source.commandNames()];
  for (const dir of source.path().split(':').filter(Boolean)) {
    for (const e of listQuietly(source.port, dir)) if (e.type !== 'dir') names.push(e.name);
  }
  return names.filter((n) => n.startsWith(word)).map((n) => `${n} `);
}

function fileCandidates(port: KernelPort, word: string): string[] {
  const slash = word.lastIndexOf('/');
  const dir = slash < 0 ? '' : word.slice(0, slash + 1);
  const prefix = word.slice(slash + 1);
  return listQuietly(port, dir === '' ? '.' : dir)
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => `${dir}${e.name}${e.type === 'dir' ? '/' : ' '}`);
}

function listQuietly(port: KernelPort, dir: string): DirEntry[] {
  try {
    return port.readdir(dir);
  } catch {
    return [];
  }
}
