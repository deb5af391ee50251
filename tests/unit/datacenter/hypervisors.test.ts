// Each host of the data centre is a VM manager (the hypervisor running on it): the VMs
// placed on a host are that hypervisor's, and moving a VM — live migration, a restart
// after a failure — hands it from one hypervisor to another, its account going with it.
import { describe, expect, it } from 'vitest';
import { failHost } from '../../../src/core/datacenter/failover.ts';
import { migrate } from '../../../src/core/datacenter/live-migration.ts';
import { dataCentre, finite } from './helpers.ts';

describe('the data centre over its hosts\' hypervisors', () => {
  it('keeps each VM on its host\'s hypervisor, listed under its profile', () => {
    const dc = dataCentre(2);
    dc.createVm({ name: 'web', workload: finite('idle', 40), host: 'host-1' });
    dc.createVm({ name: 'api', workload: finite('bursty', 40), host: 'host-2' });
    dc.runFor(2_000_000);
    expect(dc.host('host-1').list().map((v) => [v.name, v.image, v.state])).toEqual([['web', 'idle', 'running']]);
    expect(dc.host('host-2').list().map((v) => v.name)).toEqual(['api']);
    expect(dc.vm('web').vm).toBe(dc.host('host-1').guest('web')!.vm);
    expect(dc.host('host-1').freeRam()).toBe(dc.host('host-1').ramBytes - dc.vm('web').vm.ram.size);
  });

  it('live migration hands the VM from one hypervisor to the other with its account', () => {
    const dc = dataCentre(2);
    dc.createVm({ name: 'web', workload: finite('idle', 40), host: 'host-1' });
    dc.runFor(2_000_000);
    const account = dc.vm('web').account;
    const cpuTime = account.cpuTime;
    migrate(dc, 'web', 'host-2');
    expect(dc.host('host-1').guest('web')).toBeUndefined();
    expect(dc.host('host-2').guest('web')!.account).toBe(account);
    dc.runFor(2_000_000);
    expect(dc.vm('web').account.cpuTime).toBeGreaterThan(cpuTime);
  });

  it('a failed host\'s hypervisor hands its VMs over: restarted elsewhere, or kept as remains while down', () => {
    const dc = dataCentre(2, 1_000_000);
    dc.createVm({ name: 'web', workload: finite('idle', 40), host: 'host-1' });
    dc.createVm({ name: 'big', workload: finite('idle', 40, { ramBytes: 32 << 20 }), host: 'host-2' });
    dc.runFor(3_000_000);
    const account = dc.vm('web').account;
    const lost = dc.vm('big').vm;
    failHost(dc, 'host-1');
    expect(dc.host('host-1').list()).toEqual([]);
    expect(dc.host('host-2').guest('web')!.account).toBe(account);
    failHost(dc, 'host-2');
    expect(dc.vm('big').down).toMatch(/no surviving host has room/);
    expect(dc.vm('big').vm).toBe(lost); // what is left of it, for its last figures
    expect(dc.host('host-2').list()).toEqual([]); // web, restarted there, went down with it too
  });
});
