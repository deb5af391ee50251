// Every saved state carries a kind and a version, and restoring checks both:
// a snapshot from another build fails with a message instead of corrupting a machine.

export interface StateHeader {
  kind: string;
  version: number;
}

export class StateVersionError extends Error {
  override name = 'StateVersionError';
}

/** Throws a StateVersionError unless `state` is a `kind` state of exactly `version`. */
export function checkStateHeader(state: unknown, kind: string, version: number): void {
  const h = state as Partial<StateHeader> | null;
  if (typeof h !== 'object' || h === null || h.kind !== kind) {
    throw new StateVersionError(`not a saved ${kind} state`);
  }
  if (h.version !== version) {
    throw new StateVersionError(
      `saved ${kind} state has version ${String(h.version)}, this build reads version ${version}`,
    );
  }
}
