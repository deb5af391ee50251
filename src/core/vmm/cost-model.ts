// The cost model: what each VM exit and each hypervisor action costs, in cycles of the
// guest's 100 MHz virtual clock. One retired guest instruction costs one cycle (isa/clock.ts);
// an exit costs a round trip between guest and VMM plus the work of its handler.
//
// Defaults come from published measurements of hardware-assisted virtualization on x86,
// rounded; where no publication measures the thing, the default is a labelled estimate.
// Lessons may pass their own model (every figure the lab shows is computed from it).

export interface CostModel {
  /** Guest -> VMM -> guest transition, paid by every exit. */
  exitRoundTrip: number;
  /** Decoding and applying one CSR instruction to the virtual CSRs. */
  csrEmulation: number;
  /** Emulating mret (virtual mstatus, privilege and pc). */
  mretEmulation: number;
  /** Putting the vCPU to sleep on wfi and scheduling something else. */
  wfiEmulation: number;
  /** One access to an emulated device register (device model in the VMM). */
  mmioEmulation: number;
  /** Handling one hypercall after the exit (argument checks and the service itself). */
  hypercallHandler: number;
  /** Reflecting a guest exception or system call into the guest's trap vector. */
  trapReflection: number;
  /** Injecting a virtual interrupt into the guest. */
  interruptInjection: number;
  /** Switching a physical CPU from one VM to another (scheduler). */
  vmSwitch: number;
  /** Shadow paging: walking the guest's page table and installing one shadow entry. */
  shadowFill: number;
  /** Shadow paging: letting one store into a guest page table through and dropping stale shadows. */
  pageTableWrite: number;
}

/** Where each default comes from, printed by docs and the bench. */
export const COST_SOURCES: Record<keyof CostModel, string> = {
  exitRoundTrip:
    'O. Agesen, J. Mattson, R. Rugina, J. Sheldon, "Software Techniques for Avoiding Hardware '
    + 'Virtualization Exits", USENIX ATC 2012, Fig. 1: a VT-x exit/entry round trip cost about '
    + '2,000-2,400 cycles on the first VT-x processors (Prescott, Merom), falling to ~500 later',
  csrEmulation:
    'estimate: decoding one instruction and updating a software register file, a few hundred '
    + 'instructions in a VMM such as KVM\'s emulator (no published figure)',
  mretEmulation: 'estimate, as csrEmulation (the same decode plus a mode change)',
  wfiEmulation:
    'estimate: marking the vCPU idle and entering the scheduler; the switch itself is vmSwitch',
  mmioEmulation:
    'C. Dall et al., "ARM Virtualization: Performance and Architectural Implications", ISCA '
    + '2016, Table 3: an interrupt-controller register trap emulated in the x86 KVM kernel costs '
    + '~2,000 cycles in total, i.e. ~1,000 above the hypercall round trip',
  hypercallHandler:
    'Dall et al., ISCA 2016, Table 3: a null hypercall on x86 KVM costs ~1,400 cycles, all of '
    + 'it the round trip; 200 cycles for the handler\'s own work is an estimate',
  trapReflection:
    'estimate: writing the virtual mepc/mcause/mtval/mstatus and redirecting the guest pc',
  interruptInjection:
    'estimate: as trapReflection, plus checking the virtual interrupt-enable bits',
  vmSwitch:
    'Dall et al., ISCA 2016, Table 3: a VM switch on x86 KVM costs ~4,800 cycles',
  shadowFill:
    'estimate: a software walk of the guest\'s two-level table (two loads and checks) plus '
    + 'writing one shadow entry; K. Adams and O. Agesen, "A Comparison of Software and Hardware '
    + 'Techniques for x86 Virtualization", ASPLOS 2006, section 3.3, name these hidden faults the '
    + 'main cost of a software MMU but give no per-fault figure',
  pageTableWrite:
    'estimate: decoding and performing the guest\'s store, then finding and dropping the shadow '
    + 'entries derived from the page (Adams and Agesen 2006, section 3.3: "tracing" faults)',
};

export const DEFAULT_COST_MODEL: Readonly<CostModel> = {
  exitRoundTrip: 2_000,
  csrEmulation: 100,
  mretEmulation: 100,
  wfiEmulation: 200,
  mmioEmulation: 1_000,
  hypercallHandler: 200,
  trapReflection: 300,
  interruptInjection: 300,
  vmSwitch: 4_800,
  shadowFill: 500,
  pageTableWrite: 800,
};

/** The handler part of an exit's cost, by exit cause (see exit-log.ts for the names). */
export function handlerCost(model: CostModel, cause: string): number {
  if (cause.startsWith('mmio-')) return model.mmioEmulation;
  switch (cause) {
    case 'csr-read': case 'csr-write': case 'satp-write': case 'sfence': return model.csrEmulation;
    case 'mret': case 'sret': return model.mretEmulation;
    case 'shadow-fill': case 'shadow-dirty': return model.shadowFill;
    case 'pt-write': return model.pageTableWrite;
    case 'wfi': return model.wfiEmulation;
    case 'hypercall': case 'mmu-hypercall': return model.hypercallHandler;
    case 'interrupt-inject': return model.interruptInjection;
    default: return model.trapReflection; // ecall-reflect, fault-reflect, page-fault-reflect
  }
}

/** Full cost of one exit: the round trip plus its handler. */
export function exitCost(model: CostModel, cause: string): number {
  return model.exitRoundTrip + handlerCost(model, cause);
}

/** Checks a user-supplied model: every field a finite, non-negative number. */
export function validateCostModel(partial: Partial<CostModel>): CostModel {
  const model = { ...DEFAULT_COST_MODEL, ...partial };
  for (const [key, value] of Object.entries(model)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`cost model: ${key} must be a non-negative number of cycles, got ${String(value)}`);
    }
  }
  return model;
}
