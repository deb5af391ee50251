// A loadable program: what the assembler produces and what the ELF reader returns.
// The machine and the kernel load this, never raw ELF bytes.

/** Segment permission bits, as in ELF p_flags. */
export const SEG_X = 1;
export const SEG_W = 2;
export const SEG_R = 4;

export interface Segment {
  /** Virtual (= physical, for bare metal) load address. */
  vaddr: number;
  /** Bytes present in the file; the rest up to memSize is zero (.bss). */
  bytes: Uint8Array;
  memSize: number;
  flags: number;
}

/** Maps an instruction address to the source line it came from. */
export interface LineEntry {
  addr: number;
  file: string;
  line: number;
  column: number;
}

/** What objdump weighs when two symbols share an address (ELF st_info type, binding, st_size). */
export interface SymbolInfo {
  kind: 'function' | 'object' | 'other';
  global: boolean;
  size: number;
}

export interface ProgramImage {
  entry: number;
  segments: Segment[];
  /** Global and local symbols by name (address or .equ value). */
  symbols: Map<string, number>;
  /** Sorted by address; present when the image came from source. */
  lines: LineEntry[];
  /** Address ranges [start, end) of data placed among code (objdump's `$d` regions). */
  dataRanges?: [number, number][];
  /** Symbol types and sizes, when known (from an ELF symbol table). */
  symbolInfo?: Map<string, SymbolInfo>;
  /** The code may hold compressed (C extension) instructions: disassemble 16-bit words as such. */
  rvc?: boolean;
  /**
   * Where the ISA changes inside the code, sorted (GNU's `$x<isa>` mapping symbols, set by
   * `.option rvc`/`norvc`): from each address on, RVC is as the mark says; before the first
   * one, as `rvc` says.
   */
  isaMarks?: { addr: number; rvc: boolean }[];
}

/** Is RVC on at this address (for the disassembler)? */
export function rvcAt(image: Pick<ProgramImage, 'rvc' | 'isaMarks'>, addr: number): boolean {
  let rvc = image.rvc ?? false;
  for (const m of image.isaMarks ?? []) {
    if (m.addr > addr) break;
    rvc = m.rvc;
  }
  return rvc;
}
