// A program image as plain data (its maps as entry lists), so a saved VM keeps the
// program it boots again after a power-off and that clones keep (the hypervisor's saved
// machines, the data centre's records).

import type { LineEntry, ProgramImage, SymbolInfo } from '../asm/image.ts';
import { isArray, isBytes, isInt, isObject } from './state-check.ts';

export interface ImageState {
  entry: number;
  segments: Array<{ vaddr: number; bytes: Uint8Array; memSize: number; flags: number }>;
  symbols: Array<[string, number]>;
  lines: LineEntry[];
  dataRanges?: Array<[number, number]>;
  symbolInfo?: Array<[string, SymbolInfo]>;
}

export function saveImage(image: ProgramImage): ImageState {
  return {
    entry: image.entry,
    segments: image.segments.map((s) => ({ ...s, bytes: s.bytes.slice() })),
    symbols: [...image.symbols],
    lines: image.lines.map((l) => ({ ...l })),
    ...(image.dataRanges ? { dataRanges: image.dataRanges.map(([a, b]): [number, number] => [a, b]) } : {}),
    ...(image.symbolInfo ? { symbolInfo: [...image.symbolInfo].map(([k, v]): [string, SymbolInfo] => [k, { ...v }]) } : {}),
  };
}

export function loadImage(value: unknown, path: string): ProgramImage {
  const s = isObject(value, path);
  const segments = isArray(s.segments, `${path}.segments`).map((v, i) => {
    const g = isObject(v, `${path}.segments[${i}]`);
    const at = `${path}.segments[${i}]`;
    return { vaddr: isInt(g.vaddr, `${at}.vaddr`), bytes: isBytes(g.bytes, `${at}.bytes`).slice(), memSize: isInt(g.memSize, `${at}.memSize`), flags: isInt(g.flags, `${at}.flags`) };
  });
  const image: ProgramImage = {
    entry: isInt(s.entry, `${path}.entry`),
    segments,
    symbols: new Map(isArray(s.symbols, `${path}.symbols`) as Array<[string, number]>),
    lines: (isArray(s.lines, `${path}.lines`) as LineEntry[]).map((l) => ({ ...l })),
  };
  if (s.dataRanges !== undefined) image.dataRanges = (isArray(s.dataRanges, `${path}.dataRanges`) as Array<[number, number]>).map(([a, b]) => [a, b]);
  if (s.symbolInfo !== undefined) image.symbolInfo = new Map(isArray(s.symbolInfo, `${path}.symbolInfo`) as Array<[string, SymbolInfo]>);
  return image;
}
