// The WebAssembly binary format, as much of it as a translated region needs (WebAssembly
// Core Specification 2.0, chapter 5 "Binary Format"): one function of i32 locals over an
// imported memory, two imported helpers, structured control with labels by name.
//
// The module a region becomes:
//   imports  m.mem (memory), m.codeStore (i32 i32 i32 -> i32), m.fenceI (-> nothing),
//            m.readPage, m.writePage (i32 -> i32; the paged fast path's misses)
//   exports  run (budget i32, entry i32) -> i32

/** Opcodes used by the generator (spec 5.4). */
export const Op = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, brTable: 0x0e,
  call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Load8S: 0x2c, i32Load8U: 0x2d, i32Load16S: 0x2e, i32Load16U: 0x2f,
  i32Store: 0x36, i32Store8: 0x3a, i32Store16: 0x3b,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b,
  i32LeS: 0x4c, i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivS: 0x6d, i32DivU: 0x6e, i32RemS: 0x6f, i32RemU: 0x70,
  i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76,
  i64Mul: 0x7e, i64ShrS: 0x87, i64ShrU: 0x88,
  i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
} as const;

const VOID = 0x40;
const I32 = 0x7f;

/** Imported function indices (imports come first in the function index space). */
export const FN_CODE_STORE = 0;
export const FN_FENCE_I = 1;
export const FN_READ_PAGE = 2;
export const FN_WRITE_PAGE = 3;

/** One function body: bytes, plus the stack of open labels so branches name their target. */
export class FunctionBody {
  readonly bytes: number[] = [];
  private readonly labels: Array<string | null> = [];

  op(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  i32(v: number): this {
    this.bytes.push(Op.i32Const);
    sleb(this.bytes, v | 0);
    return this;
  }

  i64(v: number): this {
    this.bytes.push(Op.i64Const);
    sleb(this.bytes, v);
    return this;
  }

  get(local: number): this {
    this.bytes.push(Op.localGet);
    uleb(this.bytes, local);
    return this;
  }

  set(local: number): this {
    this.bytes.push(Op.localSet);
    uleb(this.bytes, local);
    return this;
  }

  tee(local: number): this {
    this.bytes.push(Op.localTee);
    uleb(this.bytes, local);
    return this;
  }

  /** A load or store with its memory argument (alignment as log2, a constant offset). */
  mem(opcode: number, align: number, offset: number): this {
    this.bytes.push(opcode);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }

  call(fn: number): this {
    this.bytes.push(Op.call);
    uleb(this.bytes, fn);
    return this;
  }

  /** Opens a block, loop or if (with an i32 result when `result`), named for branches. */
  open(kind: 'block' | 'loop' | 'if', label: string | null = null, result = false): this {
    this.bytes.push(Op[kind], result ? I32 : VOID);
    this.labels.push(label);
    return this;
  }

  else(): this {
    this.bytes.push(Op.else);
    return this;
  }

  end(): this {
    this.bytes.push(Op.end);
    this.labels.pop();
    return this;
  }

  /** Depth of a named label from here (0: the innermost construct). */
  depth(label: string): number {
    const i = this.labels.lastIndexOf(label);
    if (i < 0) throw new Error(`no open label ${label}`);
    return this.labels.length - 1 - i;
  }

  has(label: string): boolean {
    return this.labels.includes(label);
  }

  br(label: string): this {
    this.bytes.push(Op.br);
    uleb(this.bytes, this.depth(label));
    return this;
  }

  brIf(label: string): this {
    this.bytes.push(Op.brIf);
    uleb(this.bytes, this.depth(label));
    return this;
  }

  brTable(targets: string[], otherwise: string): this {
    this.bytes.push(Op.brTable);
    uleb(this.bytes, targets.length);
    for (const t of targets) uleb(this.bytes, this.depth(t));
    uleb(this.bytes, this.depth(otherwise));
    return this;
  }
}

/** The module of one region: `run` with `locals` extra i32 locals and the given body. */
export function encodeModule(body: FunctionBody, locals: number, memoryPages: number): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // Types: 0 codeStore (i32 i32 i32) -> i32, 1 fenceI () -> (), 2 run (i32 i32) -> i32,
  // 3 readPage / writePage (i32) -> i32.
  section(out, 1, [4, 0x60, 3, I32, I32, I32, 1, I32, 0x60, 0, 0, 0x60, 2, I32, I32, 1, I32, 0x60, 1, I32, 1, I32]);
  const imports: number[] = [5];
  importEntry(imports, 'mem', [0x02, 0x00, ...ulebBytes(memoryPages)]);
  importEntry(imports, 'codeStore', [0x00, 0]);
  importEntry(imports, 'fenceI', [0x00, 1]);
  importEntry(imports, 'readPage', [0x00, 3]);
  importEntry(imports, 'writePage', [0x00, 3]);
  section(out, 2, imports);
  section(out, 3, [1, 2]);
  section(out, 7, [1, ...name('run'), 0x00, 4]); // imported functions come first: run is 4
  const fn: number[] = [];
  if (locals > 0) fn.push(1, ...ulebBytes(locals), I32);
  else fn.push(0);
  for (const b of body.bytes) fn.push(b);
  fn.push(Op.end);
  section(out, 10, [1, ...ulebBytes(fn.length), ...fn]);
  return Uint8Array.from(out);
}

function importEntry(out: number[], field: string, desc: number[]): void {
  out.push(...name('m'), ...name(field), ...desc);
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id, ...ulebBytes(content.length));
  for (const b of content) out.push(b);
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function ulebBytes(v: number): number[] {
  const out: number[] = [];
  uleb(out, v);
  return out;
}

/** Unsigned LEB128 of a non-negative integer below 2^32. */
function uleb(out: number[], v: number): void {
  let n = v >>> 0;
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n !== 0 ? byte | 0x80 : byte);
  } while (n !== 0);
}

/** Signed LEB128 of a safe integer (i32 constants, and i64 ones below 2^53). */
function sleb(out: number[], v: number): void {
  let n = v;
  for (;;) {
    const byte = ((n % 128) + 128) % 128; // the low 7 bits, for negative numbers too
    n = Math.floor(n / 128);
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}
