// A host's room for VMs (PhysicalHost.freeRam): what placement, failover and migration ask
// before a VM goes on a host. Only VMs still running hold RAM; one that ended gives it back.
import { describe, expect, it } from 'vitest';
import { DataCentre } from '../../../src/core/datacenter/datacenter.ts';
import { migrate } from '../../../src/core/datacenter/live-migration.ts';
import { finite } from './helpers.ts';

describe('room on a host', () => {
  const small = finite('idle', 2); // 4 MiB of guest RAM, ends after two requests

  it('refuses a VM that does not fit, names the room left, and counts only running VMs', () => {
    const dc = new DataCentre();
    const host = dc.addHost({ name: 'host-1', pcpus: 1, ramBytes: 10 << 20 });
    dc.addHost({ name: 'host-2', pcpus: 1, ramBytes: 6 << 20 });
    dc.createVm({ name: 'a', workload: small, host: 'host-1' });
    dc.createVm({ name: 'b', workload: small, host: 'host-1' });
    expect(host.freeRam()).toBe(2 << 20);
    expect(() => dc.createVm({ name: 'c', workload: small, host: 'host-1' })).toThrow("host 'host-1' has 2 MiB free, 'c' needs 4 MiB");
    // A refused VM leaves nothing behind: no record, and its name is free.
    expect(dc.hasVm('c')).toBe(false);
    dc.createVm({ name: 'd', workload: small, host: 'host-2' });
    expect(() => migrate(dc, 'a', 'host-2')).toThrow(/host-2 has no room for 'a'/);

    dc.runUntilIdle(2e9);
    expect(dc.isLive(dc.vm('a'))).toBe(false);
    expect(host.freeRam()).toBe(10 << 20);
    dc.createVm({ name: 'e', workload: small }); // first fit: host-1 has room again
    expect(dc.vm('e').host).toBe('host-1');
  });
});
