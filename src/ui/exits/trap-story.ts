// One VM exit told as the five moments of trap and emulate, for the trap timeline: the
// guest executes an instruction, the real hart traps into the VMM, the VMM emulates it,
// the emulation changes some state, and the guest resumes. Each moment has the guest's
// view (what it believes happened) and the real machine's (what did).
import type { ExitEvent } from '../../worker/engine-api.ts';

export interface TrapMoment {
  title: string;
  guest: string;
  real: string;
}

/** What the real hart took for an exit of this cause (priv. spec 3.1.15, mcause). */
export function realTrap(cause: string): string {
  if (cause.startsWith('csr-') || cause === 'mret' || cause === 'wfi') return 'illegal-instruction exception (mcause 2): a privileged instruction in U-mode';
  if (cause.startsWith('mmio-read')) return 'load access fault (mcause 5): the device page is not mapped for the guest';
  if (cause.startsWith('mmio-write')) return 'store access fault (mcause 7): the device page is not mapped for the guest';
  if (cause === 'hypercall') return 'environment call from U-mode (mcause 8): an SBI call to the VMM';
  if (cause === 'ecall-reflect') return 'environment call from U-mode (mcause 8): the guest\'s own user program asked its kernel';
  if (cause === 'interrupt-inject') return 'a timer interrupt for the VMM, due to the guest';
  if (cause === 'syscall') return 'environment call from U-mode (mcause 8): a system call into the host kernel';
  return 'an exception the VMM handles';
}

/** The state the VMM changed, from its action text ("emulated csrw mtvec <- 0x80000040"). */
export function changedState(action: string): string {
  const arrow = /([\w.[\]-]+)\s*(?:<-|←|=)\s*(\S+)/.exec(action);
  return arrow ? `${arrow[1]} = ${arrow[2]}` : action;
}

export function trapStory(e: ExitEvent, instruction: string): TrapMoment[] {
  const at = `0x${e.pc.toString(16).padStart(8, '0')}`;
  const injected = e.insn === 0;
  return [
    {
      title: '1. The instruction',
      guest: injected ? `The guest runs on at ${at}; an interrupt is due.` : `The guest kernel, believing it is in M-mode, executes ${instruction} at ${at}.`,
      real: injected ? `The hart runs the guest in U-mode at ${at}.` : `The hart is really in U-mode: ${instruction} cannot run there.`,
    },
    {
      title: '2. The trap into the VMM',
      guest: 'Nothing: the guest cannot see the trap.',
      real: `${realTrap(e.cause)}. The hart enters the VMM (exit cause ${e.cause}) at cycle ${e.cycle.toLocaleString('en')}.`,
    },
    {
      title: '3. What the VMM emulated',
      guest: 'Still nothing.',
      real: `The VMM validates it and acts on the guest's virtual state: ${e.action}.`,
    },
    {
      title: '4. The state it changed',
      guest: `From the guest's point of view its instruction did this: ${changedState(e.action)}.`,
      real: `Only the guest's virtual state (virtual CSRs, device model) changed; the real hart's CSRs did not. The exit cost ${e.cost} cycles.`,
    },
    {
      title: '5. The return',
      guest: `The guest continues after ${instruction === '' ? 'the interrupt' : instruction}, as if on bare hardware.`,
      real: 'The VMM resumes the guest in U-mode (mret to it), past the instruction it emulated.',
    },
  ];
}
