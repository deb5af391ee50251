// Wires the engine to the core: the assembler, the disassembler and one guest factory per
// mode. The only file in the worker that names core modules beyond types.
import { assemble } from '../core/asm/assembler.ts';
import { DisassemblyState, disassemble } from '../core/asm/disassembler.ts';
import type { EngineDeps } from './engine.ts';
import { createBareGuest } from './bare-guest.ts';
import { vmGuestFactory } from './vm-guest.ts';
import { createProcessGuest } from './process-guest.ts';

/** Where .text goes: bare-metal programs at RAM, Linux programs at the usual 0x10000. */
const TEXT_BASE = { bare: 0x80000000, full: 0x80000000, pv: 0x80000000, linux: 0x10000 } as const;

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
    guests: { bare: createBareGuest, full: vmGuestFactory('full'), pv: vmGuestFactory('pv'), linux: createProcessGuest },
    ...host,
  };
}
