// Test and development: N copies of a template VM in one command. One snapshot of the
// template, restored N times; every clone continues from exactly the template's state
// (same memory, same registers), placed first-fit on the hosts with room.

import type { DataCentre } from './datacenter.ts';

export interface CloneReport {
  template: string;
  clones: Array<{ name: string; host: string }>;
  snapshotBytes: number;
}

export function cloneTemplate(dc: DataCentre, template: string, count: number, prefix = `${template}-clone`): CloneReport {
  if (!Number.isSafeInteger(count) || count < 1 || count > 256) throw new RangeError(`clone count must be 1 to 256, got ${count}`);
  const source = dc.vm(template);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  const taken = names.find((n) => dc.hasVm(n));
  if (taken) throw new RangeError(`a VM named '${taken}' already exists`);
  const bytes = dc.snapshot(template).bytes;
  const clones = names.map((name) => {
    const r = dc.adoptVm(name, source.profile, bytes, source.image);
    return { name, host: r.host! };
  });
  dc.log(`${count} clones of ${template}: ${names[0]}..${names[names.length - 1]}`);
  return { template, clones, snapshotBytes: bytes.length };
}
