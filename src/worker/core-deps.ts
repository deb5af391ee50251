// Wires the engine to the core: the assembler, the disassembler and a session for each
// mode. The only file in the worker that names core modules beyond types.
import { assemble } from '../core/asm/assembler.ts';
import { DisassemblyState, disassemble } from '../core/asm/disassembler.ts';
import type { EngineDeps } from './engine.ts';
import { createSession } from '../core/runner.ts';
import { translatorBackends } from '../core/isa/translator.ts';
import { MEMORY_EXIT_CAUSES } from '../core/vmm/exit-log.ts';
import { bareTableView, pageTableView } from '../core/vmm/page-table-view.ts';
import { VmSession } from '../core/vmm/vm-session.ts';
import { MachineSession } from '../core/machine/machine-session.ts';

/** Said once when this page may not compile code, so guests run on the interpreter. */
export const INTERPRETER_NOTICE = "This page's Content-Security-Policy forbids compiling code "
  + "(script-src without 'wasm-unsafe-eval' and 'unsafe-eval'), so guest code runs on the "
  + 'interpreter, several times slower than the translator. Results are the same.';

/** Said once when only JavaScript may be compiled: the translator's slower back end. */
export const NO_WASM_NOTICE = 'WebAssembly cannot be compiled here, so the translator compiles '
  + 'guest code to JavaScript, its slower back end. Results are the same.';

/** Said once when only WebAssembly may be compiled: code outside guest RAM is interpreted. */
export const NO_EVAL_NOTICE = "This page's Content-Security-Policy forbids compiling JavaScript "
  + "(script-src without 'unsafe-eval'), so the translator compiles only code in guest RAM (to "
  + 'WebAssembly); Linux processes and paged code run on the interpreter. Results are the same.';

/**
 * What to say about the back ends this engine allows: why guests are interpreted (the
 * translator is off), or which part of the translator is missing (it still runs).
 */
export function translatorNotices(can: { js: boolean; wasm: boolean }): { cpuNotice: string | null; translatorNotice: string | null } {
  if (!can.js && !can.wasm) return { cpuNotice: INTERPRETER_NOTICE, translatorNotice: null };
  return { cpuNotice: null, translatorNotice: !can.wasm ? NO_WASM_NOTICE : !can.js ? NO_EVAL_NOTICE : null };
}

/** Where .text goes: bare-metal programs at RAM, Linux programs at the usual 0x10000. */
const TEXT_BASE = { bare: 0x80000000, full: 0x80000000, pv: 0x80000000, hw: 0x80000000, linux: 0x10000 } as const;

/** The satp CSR's number (priv. spec 4.1.11). */
const SATP = 0x180;

/** How many exits the exit views keep (the timeline and the clickable list). */
const EXIT_LOG_SIZE = 2000;
/** Console bytes a result keeps (the terminal has them all as they come). */
const CONSOLE_LIMIT = 1 << 20;

export function coreDeps(host: Pick<EngineDeps, 'yieldToEvents' | 'now'>): EngineDeps {
  return {
    assemble: (source, file, mode) => {
      const out = assemble(source, { file, textBase: TEXT_BASE[mode] });
      return { diagnostics: out.diagnostics, ...(out.image ? { image: out.image } : {}) };
    },
    disassemble: (words, start, symbols) => {
      // One state across the listing gives objdump's "# address <symbol>" hints.
      const state = new DisassemblyState();
      return words.map((w, i) => disassemble(w, (start + 4 * i) >>> 0, symbols, state));
    },
    modes: ['bare', 'full', 'pv', 'hw', 'linux'],
    memoryExitCauses: MEMORY_EXIT_CAUSES,
    pageTables: (session) => {
      if (session instanceof VmSession) return pageTableView(session.vm);
      if (!(session instanceof MachineSession)) return null; // a process: the kernel's tables are not Sv32 in memory
      const hart = session.hart;
      return bareTableView(hart.csr.read(SATP) ?? 0, hart.priv, {
        readPte: (pa) => { const b = session.readMemory(pa, 4); return b ? (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 : -1; },
        writePte: () => {},
      });
    },
    cpuNotice: () => translatorNotices(translatorBackends()).cpuNotice,
    translatorNotice: () => translatorNotices(translatorBackends()).translatorNotice,
    createSession: (image, mode, output, cpu) =>
      createSession(image, { mode, cpu, onConsole: output, consoleLimit: CONSOLE_LIMIT, exitLogSize: EXIT_LOG_SIZE }),
    ...host,
  };
}
